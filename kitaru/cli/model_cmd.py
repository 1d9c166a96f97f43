"""`kitaru model register/list/remove/check`: parse, call kitaru.llm's registry, render."""

from __future__ import annotations

import os
from typing import Any

import typer

from kitaru.cli.common import OUTPUT_OPTION, OutputFormat, echo_json, quiet_zenml, reported_errors
from kitaru.cli.fast_help import FastHelpCommand, FastHelpGroup
from kitaru.safe_text import for_terminal as safe

model_app = typer.Typer(
    cls=FastHelpGroup,
    help="Model aliases for kitaru.llm(): a model and the secret that holds its key.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _alias_payload(alias: Any, default: str | None) -> dict[str, Any]:
    return {
        "alias": alias.name,
        "model": alias.model,
        "provider": alias.provider,
        "secret": alias.secret,
        "base_url": alias.base_url,
        "default": alias.name == default,
        "source": alias.source,
    }


@model_app.command("register", cls=FastHelpCommand)
def register_command(
    alias: str = typer.Argument(..., metavar="ALIAS", help="Alias name (lower-cased)."),
    model: str = typer.Option(
        ..., "--model", metavar="PROVIDER/MODEL", help="e.g. openai/gpt-4o-mini."
    ),
    secret: str | None = typer.Option(
        None, "--secret", metavar="NAME_OR_ID", help="The secret holding the provider's key."
    ),
    base_url: str | None = typer.Option(
        None, "--base-url", metavar="URL", help="Another endpoint for this alias."
    ),
    default: bool = typer.Option(False, "--default", help="Make it the default model."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Save or update an alias; the first one registered becomes the default.

    Only the secret's reference is stored (it must exist: exact name or ID), never a value.

    \b
    Examples:
      kitaru model register fast --model openai/gpt-4o-mini --secret openai-creds
      kitaru model register claude --model anthropic/claude-sonnet-4-5 --default
    """
    with reported_errors():
        from kitaru.llm.registry import alias_name, check_base_url, check_model, register

        alias_name(alias)
        check_model(model)
        if base_url:
            check_base_url(base_url)
        if secret:
            quiet_zenml()
            from kitaru.secrets import describe_secret

            target = describe_secret(secret)  # exists, by exact name or ID (metadata only)
        done = register(alias, model, secret=secret, base_url=base_url, make_default=default)
        from kitaru.llm.check import cleartext_warning, public_warning

        if secret and not target.private:
            typer.echo(f"Warning: {safe(public_warning(done.alias))}", err=True)
        clear = cleartext_warning(done.alias)
        if clear:
            typer.echo(f"Warning: {clear}", err=True)
        if output is OutputFormat.json:
            payload = _alias_payload(done.alias, done.alias.name if done.default else None)
            echo_json({**payload, "created": done.created})
            return
        verb = "Registered" if done.created else "Updated"
        linked = f", key from secret '{safe(done.alias.secret)}'" if done.alias.secret else ""
        note = " (default)" if done.default else ""
        typer.echo(f"{verb} alias '{done.alias.name}' -> {safe(done.alias.model)}{linked}{note}")


@model_app.command("list", cls=FastHelpCommand)
def list_command(output: OutputFormat = OUTPUT_OPTION) -> None:
    """Every alias: from kitaru.yaml, and KITARU_MODEL_REGISTRY over it."""
    with reported_errors():
        from kitaru.llm.registry import ENV_DEFAULT, load_registry, registry_path

        registry = load_registry()
        default = os.environ.get(ENV_DEFAULT) or registry.default
        aliases = [registry.aliases[name] for name in sorted(registry.aliases)]
        if output is OutputFormat.json:
            echo_json(
                {
                    "default": default,
                    "registry": str(registry_path()),
                    "aliases": [_alias_payload(alias, default) for alias in aliases],
                }
            )
            return
        if not aliases:
            typer.echo("No model aliases (kitaru model register ALIAS --model PROVIDER/MODEL).")
            return
        for alias in aliases:
            mark = "*" if alias.name == default else " "
            secret = f"secret={safe(alias.secret)}" if alias.secret else "secret=-"
            extra = f" base_url={safe(alias.base_url)}" if alias.base_url else ""
            source = " (KITARU_MODEL_REGISTRY)" if alias.source == "environment" else ""
            typer.echo(f"{mark} {alias.name}  {safe(alias.model)}  {secret}{extra}{source}")
        if default and registry.get(default) is None:
            typer.echo(f"default: {safe(default)}")


@model_app.command("remove", cls=FastHelpCommand)
def remove_command(
    alias: str = typer.Argument(..., metavar="ALIAS", help="Alias name."),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Remove an alias from kitaru.yaml (its secret is left alone)."""
    with reported_errors():
        from kitaru.llm.registry import remove

        removed = remove(alias)
        if output is OutputFormat.json:
            echo_json({"alias": removed.name, "removed": True})
            return
        typer.echo(f"Removed alias '{removed.name}'")


@model_app.command("check", cls=FastHelpCommand)
def check_command(output: OutputFormat = OUTPUT_OPTION) -> None:
    """Every alias's linked secret exists and holds its provider's key (key names only).

    Exit 1 naming each broken alias; run it in CI beside `kitaru secrets plan`.
    """
    with reported_errors():
        from kitaru.llm.check import check_registry
        from kitaru.llm.registry import load_registry

        registry = load_registry()

        def describe(name_or_id: str) -> Any:
            quiet_zenml()
            from kitaru.secrets import describe_secret_found

            return describe_secret_found(name_or_id).result

        checks = check_registry(registry, describe, os.environ)
        broken = [check for check in checks if not check.ok]
        if output is OutputFormat.json:
            echo_json(
                {
                    "ok": not broken,
                    "aliases": [
                        {
                            "alias": c.alias.name,
                            "model": c.alias.model,
                            "secret": c.alias.secret,
                            "key": c.key,
                            "ok": c.ok,
                            "problem": c.problem,
                            "warning": c.warning,
                        }
                        for c in checks
                    ],
                }
            )
        else:
            for c in checks:
                state = "ok  " if c.ok else "FAIL"
                why = f": {safe(c.problem)}" if c.problem else ""
                why += f" (warning: {safe(c.warning)})" if c.warning else ""
                typer.echo(f"{state} {c.alias.name} ({safe(c.alias.model)}){why}")
            if not checks:
                typer.echo("No model aliases to check.")
        if broken:
            names = ", ".join(f"'{c.alias.name}'" for c in broken)
            typer.echo(f"Error: broken model aliases: {names}", err=True)
            raise typer.Exit(1)
