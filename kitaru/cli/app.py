"""The typer application; commands live in their own modules and import lazily."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from kitaru.cli import (
    adopt_cmd,
    completion_cmd,
    model_cmd,
    run_cmd,
    secrets_cmd,
    sync_cmd,
    validate_cmd,
)
from kitaru.cli.fast_help import FastHelpCommand, FastHelpGroup, with_fast_help
from kitaru.cli.usage import InputSafeGroup

app = typer.Typer(
    name="kitaru",
    cls=with_fast_help(InputSafeGroup),  # usage errors hide what was typed; help is fast
    help="Centralized secrets in a ZenML secret store, kept in sync with a manifest.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)
secrets_app = typer.Typer(
    cls=FastHelpGroup,
    help="Create, inspect, list, delete and sync secrets.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(secrets_app, name="secrets")
app.add_typer(model_cmd.model_app, name="model")
app.command("completion", cls=FastHelpCommand)(completion_cmd.completion_command)

_EXTRA_ARGS = {"allow_extra_args": True, "ignore_unknown_options": True}
_SYNC = with_fast_help(sync_cmd.SyncCommand)
_COMMANDS: list[tuple[str, Callable[..., None], type[Any], dict[str, Any] | None]] = [
    ("set", secrets_cmd.set_command, FastHelpCommand, _EXTRA_ARGS),
    ("show", secrets_cmd.show_command, FastHelpCommand, None),
    ("list", secrets_cmd.list_command, FastHelpCommand, None),
    ("delete", secrets_cmd.delete_command, FastHelpCommand, None),
    ("run", run_cmd.run_command, run_cmd.RunCommand, None),
    ("export", run_cmd.export_command, FastHelpCommand, None),
    ("plan", sync_cmd.plan_command, _SYNC, None),
    ("apply", sync_cmd.apply_command, _SYNC, None),
    ("adopt", adopt_cmd.adopt_command, FastHelpCommand, None),
    ("validate", validate_cmd.validate_command, FastHelpCommand, None),
    ("validate-env", validate_cmd.validate_env_command, FastHelpCommand, None),
    ("schema", validate_cmd.schema_command, FastHelpCommand, None),
]
for _name, _function, _cls, _settings in _COMMANDS:
    secrets_app.command(_name, cls=_cls, context_settings=_settings)(_function)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """kitaru: secrets in ZenML, managed by hand or from a manifest in git."""
    from kitaru.files_read import one_run

    ctx.with_resource(one_run())  # the files this command reads: it never overwrites them
    if version:
        from kitaru import __version__

        typer.echo(__version__)
        raise typer.Exit(0)
