"""The typer application; commands live in their own modules and import lazily."""

from __future__ import annotations

import typer

from kitaru.cli import secrets_cmd, sync_cmd, validate_cmd
from kitaru.cli.usage import InputSafeGroup

app = typer.Typer(
    name="kitaru",
    cls=InputSafeGroup,  # click's usage errors quote what was typed; this hides values
    help="Centralized secrets in a ZenML secret store, kept in sync with a manifest.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)
secrets_app = typer.Typer(
    help="Create, inspect, list, delete and sync secrets.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(secrets_app, name="secrets")

_EXTRA_ARGS = {"allow_extra_args": True, "ignore_unknown_options": True}

secrets_app.command("set", context_settings=_EXTRA_ARGS)(secrets_cmd.set_command)
secrets_app.command("show")(secrets_cmd.show_command)
secrets_app.command("list")(secrets_cmd.list_command)
secrets_app.command("delete")(secrets_cmd.delete_command)
secrets_app.command("plan", cls=sync_cmd.SyncCommand)(sync_cmd.plan_command)
secrets_app.command("apply", cls=sync_cmd.SyncCommand)(sync_cmd.apply_command)
secrets_app.command("validate")(validate_cmd.validate_command)
secrets_app.command("validate-env")(validate_cmd.validate_env_command)
secrets_app.command("schema")(validate_cmd.schema_command)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """kitaru: secrets in ZenML, managed by hand or from a manifest in git."""
    if version:
        from kitaru import __version__

        typer.echo(__version__)
        raise typer.Exit(0)
