"""`kitaru secrets set/show/list/delete`: parse, call the SDK, render."""

from __future__ import annotations

from typing import Any

import typer

from kitaru.cli.common import (
    OUTPUT_OPTION,
    VISIBILITY_OPTION,
    OutputFormat,
    echo_json,
    quiet_zenml,
    reported_errors,
)
from kitaru.errors import UsageError


def _summary_payload(summary: Any) -> dict[str, Any]:
    return {
        "name": summary.name,
        "id": summary.id,
        "private": summary.private,
        "keys": list(summary.keys),
        "unavailable_keys": list(summary.unavailable_keys),
    }


def _visibility(private: bool) -> str:
    return "private" if private else "public"


def set_command(
    ctx: typer.Context,
    name: str = typer.Argument(
        ..., metavar="NAME", help="Secret name (or ID of an existing secret)."
    ),
    private: bool | None = typer.Option(
        None,
        "--private/--public",
        help="Visibility for a new secret (default public); picks one when both exist.",
        show_default=False,
    ),
    from_env: list[str] = typer.Option(
        [], "--from-env", metavar="KEY[=ENV_VAR]", help="Take KEY's value from an env var."
    ),
    from_dotenv: str | None = typer.Option(
        None, "--from-dotenv", metavar="PATH", help="Take every key of a .env file."
    ),
    allow_empty: bool = typer.Option(
        False,
        "--allow-empty",
        help="Store empty values (refused by default: an unset variable expands to '').",
    ),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Create a secret, or update the given keys of an existing one.

    New secrets are public (visible to other users of the same ZenML store);
    --private creates a private one. An existing secret keeps its visibility.
    --KEY=- reads the value from stdin (at a terminal: a prompt that does not echo).

    \b
    Examples:
      kitaru secrets set openai-creds --OPENAI_API_KEY=sk-...
      kitaru secrets set openai-creds --private --OPENAI_API_KEY=sk-...
      printf %s "$TOKEN" | kitaru secrets set github-creds --GITHUB_TOKEN=-
      kitaru secrets set github-creds --from-env GITHUB_TOKEN=GH_TOKEN
      kitaru secrets set app-creds --from-dotenv .env
    """
    with reported_errors():
        from kitaru.cli.values import from_dotenv as dotenv_values
        from kitaru.cli.values import from_env as env_values
        from kitaru.cli.values import parse_key_flags, read_stdin_value

        values: dict[str, str] = {}
        if from_dotenv:
            values.update(dotenv_values(from_dotenv, allow_empty=allow_empty))
        values.update(env_values(from_env, allow_empty=allow_empty))
        values.update(parse_key_flags(ctx.args, read_stdin_value, allow_empty=allow_empty))
        if not values:
            raise UsageError("give at least one --KEY=VALUE, --from-env or --from-dotenv")
        quiet_zenml()
        from kitaru.secrets import upsert_secret

        outcome = upsert_secret(name, values, private=private, allow_empty=allow_empty)
        summary = outcome.summary
        if output is OutputFormat.json:
            echo_json(
                {
                    "action": "created" if outcome.created else "updated",
                    **_summary_payload(summary),
                    "keys_written": outcome.keys_written,
                    "visibility_unchanged": outcome.visibility_kept,
                }
            )
            return
        verb = "Created" if outcome.created else "Updated"
        typer.echo(
            f"{verb} {_visibility(summary.private)} secret '{summary.name}' ({summary.id}); "
            f"keys set: {', '.join(outcome.keys_written)}"
        )
        if outcome.visibility_kept:
            typer.echo(
                f"Note: '{summary.name}' already existed as a {_visibility(summary.private)} "
                f"secret; its visibility was left unchanged."
            )


def show_command(
    name_or_id: str = typer.Argument(..., metavar="NAME_OR_ID", help="Exact name or full ID."),
    show_values: bool = typer.Option(False, "--show-values", help="Also print raw values."),
    private: bool | None = VISIBILITY_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Print a secret's metadata and key names (values only with --show-values).

    \b
    Examples:
      kitaru secrets show openai-creds
      kitaru secrets show openai-creds --show-values
      kitaru secrets show openai-creds --private -o json
    """
    with reported_errors():
        quiet_zenml()
        from kitaru.secrets import describe_secret, get_secret

        if not show_values:
            payload = _summary_payload(describe_secret(name_or_id, private=private))
            values: dict[str, str] = {}
        else:
            secret = get_secret(name_or_id, private=private)
            payload = _summary_payload(secret.summary())
            values = dict(secret.values)
            payload["values"] = values
        if output is OutputFormat.json:
            echo_json(payload)
            return
        unavailable = set(payload["unavailable_keys"])
        typer.echo(f"name:       {payload['name']}")
        typer.echo(f"id:         {payload['id']}")
        typer.echo(f"visibility: {_visibility(payload['private'])}")
        typer.echo("keys:" if payload["keys"] else "keys:       (none)")
        for key in payload["keys"]:
            if key in unavailable:
                typer.echo(f"  {key}  (unavailable)")
            elif show_values:
                typer.echo(f"  {key}={values[key]}")
            else:
                typer.echo(f"  {key}")


def list_command(output: OutputFormat = OUTPUT_OPTION) -> None:
    """List every secret you can see, with visibility and key names (never values).

    \b
    Examples:
      kitaru secrets list
      kitaru secrets list -o json
    """
    with reported_errors():
        quiet_zenml()
        from kitaru.secrets import list_secrets

        summaries = list_secrets()
        if output is OutputFormat.json:
            echo_json([_summary_payload(summary) for summary in summaries])
            return
        if not summaries:
            typer.echo("No secrets.")
            return
        width = max(len("NAME"), *(len(s.name) for s in summaries))
        typer.echo(f"{'NAME':<{width}}  VISIBILITY  {'ID':<36}  KEYS")
        for s in summaries:
            keys = ", ".join(
                f"{key} (unavailable)" if key in s.unavailable_keys else key for key in s.keys
            )
            typer.echo(f"{s.name:<{width}}  {_visibility(s.private):<10}  {s.id:<36}  {keys}")


def delete_command(
    name_or_id: str = typer.Argument(..., metavar="NAME_OR_ID", help="Exact name or full ID."),
    private: bool | None = VISIBILITY_OPTION,
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Delete one secret, found by exact name or full ID.

    \b
    Examples:
      kitaru secrets delete openai-creds
      kitaru secrets delete openai-creds --private
    """
    with reported_errors():
        quiet_zenml()
        from kitaru.secrets import delete_secret

        summary = delete_secret(name_or_id, private=private)
        if output is OutputFormat.json:
            echo_json({"deleted": True, **_summary_payload(summary)})
            return
        typer.echo(f"Deleted {_visibility(summary.private)} secret '{summary.name}' ({summary.id})")
