"""`kitaru secrets set/show/list/delete`: parse, call the SDK, render."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import typer

from kitaru.ages import iso, relative
from kitaru.cli.common import (
    OUTPUT_OPTION,
    VISIBILITY_OPTION,
    OutputFormat,
    echo_json,
    quiet_zenml,
    reported_errors,
)
from kitaru.errors import UsageError
from kitaru.naming import visibility_word as _visibility
from kitaru.safe_text import for_terminal as safe

INCOMPLETE = "(none: its creation was interrupted; `set` completes it, `delete` removes it)"


def _summary_payload(summary: Any) -> dict[str, Any]:
    payload = {
        "name": summary.name,
        "id": summary.id,
        "private": summary.private,
        "keys": list(summary.keys or []),
        "unavailable_keys": list(summary.unavailable_keys),
        "created": iso(summary.created),
        "updated": iso(summary.updated),
    }
    if getattr(summary, "incomplete", False):
        payload["incomplete"] = True  # only then: the usual shape stays as documented
    return payload


def _now() -> datetime:
    return datetime.now(UTC)


def _shadowed_payload(shadowed: Any) -> dict[str, Any] | None:
    """The public twin a lookup passed over for the caller's private secret, for JSON."""
    if shadowed is None:
        return None
    return {"name": shadowed.name, "id": shadowed.id, "private": shadowed.private}


def note_shadowed(shadowed: Any) -> None:
    """One line on stderr, so stdout (and `-o json`) stays the command's own output."""
    if shadowed is not None:
        typer.echo(
            f"Note: your private secret '{shadowed.name}' shadows a public one of the same "
            f"name ({shadowed.id}); reach that one with --public or its ID",
            err=True,
        )


def warn_steering(keys: list[str]) -> None:
    """KS206 on stderr for each written key that changes how programs start. The write
    still happens: such a key may be intended (a proxy with its credentials), a co-user
    could write it with ZenML's own tools anyway, and `run`/`export` refuse to hand it to
    a program unless the user lets it through, which is where it would do harm."""
    from kitaru.naming import steering_problem

    for key in keys:
        problem = steering_problem(key)
        if problem is not None:
            typer.echo(f"Warning: {problem.code} {problem.message}", err=True)


def set_command(
    ctx: typer.Context,
    name: str = typer.Argument(
        ..., metavar="NAME", help="Secret name (or ID of an existing secret)."
    ),
    private: bool | None = typer.Option(
        None,
        "--private/--public",
        help="Visibility for a new secret (default public); picks one when both exist "
        "(otherwise your private one wins).",
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
        note_shadowed(outcome.shadowed)
        warn_steering(outcome.keys_written)
        if output is OutputFormat.json:
            echo_json(
                {
                    "action": "created" if outcome.created else "updated",
                    **_summary_payload(summary),
                    "keys_written": outcome.keys_written,
                    "visibility_unchanged": outcome.visibility_kept,
                    "shadowed": _shadowed_payload(outcome.shadowed),
                }
            )
            return
        verb = "Created" if outcome.created else "Updated"
        typer.echo(
            f"{verb} {_visibility(summary.private)} secret '{safe(summary.name)}' "
            f"({safe(summary.id)}); keys set: {', '.join(outcome.keys_written)}"
        )
        if outcome.visibility_kept:
            typer.echo(
                f"Note: '{safe(summary.name)}' already existed as a {_visibility(summary.private)} "
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
        from kitaru.secrets import describe_secret_found, get_secret_found

        if not show_values:
            described = describe_secret_found(name_or_id, private=private)
            payload = _summary_payload(described.result)
            times = (described.result.created, described.result.updated)
            shadowed = described.shadowed
            values: dict[str, str] = {}
        else:
            found = get_secret_found(name_or_id, private=private)
            payload = _summary_payload(found.result.summary())
            times = (found.result.created, found.result.updated)
            shadowed = found.shadowed
            values = dict(found.result.values)
            payload["values"] = values
        payload["shadowed"] = _shadowed_payload(shadowed)
        note_shadowed(shadowed)
        if output is OutputFormat.json:
            echo_json(payload)
            return
        unavailable = set(payload["unavailable_keys"])
        # Names, IDs, keys and values may come from any user of the store: escaped.
        typer.echo(f"name:       {safe(payload['name'])}")
        typer.echo(f"id:         {safe(payload['id'])}")
        typer.echo(f"visibility: {_visibility(payload['private'])}")
        now = _now()
        for field, moment in zip(("created:", "updated:"), times, strict=True):
            if moment is not None:
                typer.echo(f"{field:<11} {iso(moment)} ({relative(moment, now)})")
        if payload.get("incomplete"):
            typer.echo(f"keys:       {INCOMPLETE}")
        else:
            typer.echo("keys:" if payload["keys"] else "keys:       (none)")
        for key in payload["keys"]:
            if key in unavailable:
                typer.echo(f"  {safe(key)}  (unavailable)")
            elif show_values:
                typer.echo(f"  {safe(key)}={safe(values[key])}")
            else:
                typer.echo(f"  {safe(key)}")


LIST_KEYS_OPTION = typer.Option(
    False,
    "--keys",
    help="Also show key names: one read per secret (against a server, KITARU_WORKERS at once).",
)
ORPHANED = (
    "(none: its creation was interrupted and the server can neither read, fix nor delete it; "
    "see `kitaru secrets show`)"
)


def _listed_payload(summary: Any) -> dict[str, Any]:
    """One `list -o json` entry: the listing's fields; key names only when they were read."""
    payload: dict[str, Any] = {
        "name": summary.name,
        "id": summary.id,
        "private": summary.private,
        "created": iso(summary.created),
        "updated": iso(summary.updated),
    }
    if summary.keys is not None:
        payload["keys"] = list(summary.keys)
        payload["unavailable_keys"] = list(summary.unavailable_keys)
        if summary.incomplete:
            payload["incomplete"] = True
        if summary.orphaned:
            payload["orphaned"] = True
    return payload


def _listed_keys(summary: Any) -> str:
    if summary.orphaned:
        return ORPHANED
    if summary.incomplete:
        return INCOMPLETE
    unavailable = set(summary.unavailable_keys)
    return ", ".join(
        f"{safe(key)} (unavailable)" if key in unavailable else safe(key) for key in summary.keys
    )


def list_command(keys: bool = LIST_KEYS_OPTION, output: OutputFormat = OUTPUT_OPTION) -> None:
    """List every secret you can see: name, visibility, ID and times (never values).

    Answered from the store's paged listing alone (one request per 10,000 secrets);
    --keys also reads each secret for its key names. Each `-o json` entry has name, id,
    private, created and updated (ISO 8601, UTC; null when the store does not say); with
    --keys also keys and unavailable_keys (keys the store withholds from you), and
    "incomplete": true for a secret whose creation was interrupted ("orphaned": true
    too on a server, which can then neither read, update nor delete it).

    \b
    Examples:
      kitaru secrets list
      kitaru secrets list --keys
      kitaru secrets list -o json
    """
    with reported_errors():
        quiet_zenml()
        from kitaru.secrets import list_secrets

        on_read = None
        if keys:
            from kitaru.cli.terminal import read_progress

            on_read = read_progress(sys.stderr)
        summaries = list_secrets(keys=keys, on_read=on_read)
        if output is OutputFormat.json:
            echo_json([_listed_payload(summary) for summary in summaries])
            return
        if not summaries:
            typer.echo("No secrets.")
            return
        names = [safe(s.name) for s in summaries]  # from the store: escaped
        width = max(len("NAME"), *(len(name) for name in names))
        header = f"{'NAME':<{width}}  VISIBILITY  {'ID':<36}  {'UPDATED':<9}"
        typer.echo((header + ("  KEYS" if keys else "")).rstrip())
        now = _now()
        for name, s in zip(names, summaries, strict=True):
            updated = relative(s.updated, now)
            line = f"{name:<{width}}  {_visibility(s.private):<10}  {safe(s.id):<36}  {updated:<9}"
            typer.echo((line + ("  " + _listed_keys(s) if keys else "")).rstrip())


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
        from kitaru.secrets import delete_secret_found

        found = delete_secret_found(name_or_id, private=private)
        summary = found.result
        note_shadowed(found.shadowed)
        if output is OutputFormat.json:
            payload = {"deleted": True, **_summary_payload(summary)}
            echo_json({**payload, "shadowed": _shadowed_payload(found.shadowed)})
            return
        typer.echo(
            f"Deleted {_visibility(summary.private)} secret '{safe(summary.name)}' "
            f"({safe(summary.id)})"
        )
