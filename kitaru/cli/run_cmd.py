"""`kitaru secrets run -- CMD` and `kitaru secrets export`: secrets where programs read them.

Thin: the SDK (``secrets.secret_environment_found``, ``manifest_environment``) finds and
merges the values; ``kitaru.programs`` runs the program and renders the export formats.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from kitaru.cli.common import VISIBILITY_OPTION, quiet_zenml, reported_errors
from kitaru.cli.fast_help import FastHelpCommand
from kitaru.errors import KitaruError, UsageError

_CHILD_ARGV = "kitaru.child_argv"


class RunCommand(FastHelpCommand):  # type: ignore[misc,valid-type]
    """Everything after the first ``--`` is the child's command line, untouched by click."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if "--" in args:
            split = args.index("--")
            ctx.meta[_CHILD_ARGV] = args[split + 1 :]
            args = args[:split]
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces: list[str] = super().collect_usage_pieces(ctx)
        return [*pieces, "-- CMD [ARGS]..."]


class ExportFormat(str, Enum):
    dotenv = "dotenv"
    json = "json"
    shell = "shell"
    github_env = "github-env"


NAMES_ARGUMENT = typer.Argument(
    None, metavar="NAME", help="Secrets by exact name or full ID.", show_default=False
)
FILE_OPTION = typer.Option(
    None, "-f", "--file", metavar="MANIFEST", help="Every secret of this manifest (stored values)."
)
TARGET_OPTION = typer.Option(
    [], "--target", metavar="NAME", help="With -f: only this manifest secret (repeatable)."
)
OVERRIDE_OPTION = typer.Option(
    False, "--override", help="A key two secrets provide takes the later secret's value."
)
ALLOW_KEY_OPTION = typer.Option(
    [],
    "--allow-key",
    metavar="KEY",
    help=(
        "Let this exact key through although it changes how programs start (BASH_ENV, "
        "LD_PRELOAD, PATH, proxies, ...); refused by default (repeatable)."
    ),
)


def _environment(
    names: list[str] | None,
    manifest: str | None,
    targets: list[str],
    private: bool | None,
    override: bool,
    allow_keys: list[str],
) -> Any:
    """The SDK's Environment for names, or for a manifest (its declared visibilities)."""
    if manifest is not None and names:
        raise UsageError("give secret names or -f MANIFEST, not both")
    if targets and manifest is None:
        raise UsageError("--target needs -f MANIFEST")
    if manifest is None and not names:
        raise UsageError("give at least one secret name, or -f MANIFEST")
    if manifest is not None and private is not None:
        raise UsageError("--private/--public do not apply to -f: the manifest says")
    from kitaru.programs.environment import allowed_keys

    allowed = allowed_keys(allow_keys)  # a wrong --allow-key fails before the store opens
    quiet_zenml()
    if manifest is not None:
        from kitaru.secrets import manifest_environment

        return manifest_environment(manifest, targets, override=override, allow_keys=allowed)
    from kitaru.secrets import secret_environment_found

    return secret_environment_found(
        *(names or []), private=private, override=override, allow_keys=allowed
    )


def _mask_for_github(values: list[str]) -> None:
    """``::add-mask::`` lines on stderr before any value can reach the job's log."""
    from kitaru.cli.github import in_github_actions, mask_commands

    if in_github_actions():
        for line in mask_commands(values):
            typer.echo(line, err=True)
        sys.stderr.flush()


def run_command(
    ctx: typer.Context,
    names: list[str] | None = NAMES_ARGUMENT,
    manifest: str | None = FILE_OPTION,
    targets: list[str] = TARGET_OPTION,
    private: bool | None = VISIBILITY_OPTION,
    override: bool = OVERRIDE_OPTION,
    allow_keys: list[str] = ALLOW_KEY_OPTION,
    no_inherit: bool = typer.Option(
        False, "--no-inherit", help="Start from an empty environment (only PATH and HOME kept)."
    ),
    redact: bool = typer.Option(
        False,
        "--redact",
        help="Replace every injected value in the program's output with *** (also JSON-, "
        "percent- and base64-encoded).",
    ),
) -> None:
    """Run a program with every key of the secrets in its environment.

    The program gets your environment plus the secrets' keys; kitaru exits with its exit
    code (128+N if signal N ended it; 127 if the command is not found) and adds no output
    of its own (but a note on stderr when your private secret hides a public one of the
    same name). Signals sent to kitaru reach the program once; kitaru ends after it. A key
    that two secrets provide is an error (--override: the later one wins). A key that
    changes how programs start (BASH_ENV, LD_PRELOAD, PATH, PYTHONPATH, proxies, GIT_*,
    ZENML_*, ...) is refused and nothing runs, unless you let it through: --allow-key KEY.
    Nothing is written to disk. Under GitHub Actions the values are masked in the job log
    first.

    \b
    Examples:
      kitaru secrets run openai-creds -- python train.py
      kitaru secrets run openai-creds github-creds --redact -- ./deploy.sh
      kitaru secrets run -f secrets.yaml --target openai-creds -- pytest
      kitaru secrets run app-creds --no-inherit -- env
    """
    inherited = dict(os.environ)  # before kitaru sets ZenML's variables for itself
    with reported_errors():
        argv = ctx.meta.get(_CHILD_ARGV) or []
        if not argv:
            raise UsageError(
                "give the command to run after --, e.g. "
                "kitaru secrets run openai-creds -- python train.py"
            )
        found = _environment(names, manifest, targets, private, override, allow_keys)
        from kitaru.cli.secrets_cmd import note_shadowed
        from kitaru.programs.child import Filter, run_child
        from kitaru.programs.environment import child_environment

        variables: dict[str, str] = found.variables
        for twin in found.shadowed:
            note_shadowed(twin)  # on stderr, before the program's own output
        env = child_environment(inherited, variables, inherit=not no_inherit)
        _mask_for_github(list(variables.values()))
        filters: list[Filter] | None = None
        if redact:
            from kitaru.programs.redact_stream import StreamRedactor

            redactor = StreamRedactor(variables.values())  # refuses too many forms
            filters = [(redactor, sys.stdout.buffer), (redactor.fresh(), sys.stderr.buffer)]
        code = run_child(argv, env, filters)
    raise typer.Exit(code)


def export_command(
    names: list[str] | None = NAMES_ARGUMENT,
    manifest: str | None = FILE_OPTION,
    targets: list[str] = TARGET_OPTION,
    private: bool | None = VISIBILITY_OPTION,
    override: bool = OVERRIDE_OPTION,
    allow_keys: list[str] = ALLOW_KEY_OPTION,
    format_: ExportFormat = typer.Option(
        ExportFormat.dotenv, "--format", help="dotenv, json, shell (for eval) or github-env."
    ),
    out: str | None = typer.Option(
        None, "--out", metavar="FILE", help="Write a new 0600 file instead of stdout."
    ),
    force: bool = typer.Option(False, "--force", help="With --out: replace an existing file."),
) -> None:
    """Print the secrets' keys and values in a format other tools read (this shows values).

    A key that two secrets provide is an error (--override: the later one wins). A key
    that changes how programs start (BASH_ENV, LD_PRELOAD, PATH, NODE_OPTIONS, proxies,
    ...) is refused and nothing is printed or written, unless --allow-key KEY. --out
    creates the file readable only by you, all at once; an existing file is kept unless
    --force. Under GitHub Actions the values are masked in the job log first.

    \b
    Examples:
      kitaru secrets export openai-creds --format dotenv --out .env.local
      eval "$(kitaru secrets export openai-creds --format shell)"
      kitaru secrets export openai-creds --format github-env >> "$GITHUB_ENV"
      kitaru secrets export -f secrets.yaml --target github-creds --format json
    """
    with reported_errors():
        if force and out is None:
            raise UsageError("--force needs --out FILE")
        found = _environment(names, manifest, targets, private, override, allow_keys)
        from kitaru.cli.secrets_cmd import note_shadowed
        from kitaru.naming import shown_path
        from kitaru.programs.export_formats import expands_in_dotenv, render

        variables: dict[str, str] = found.variables
        for twin in found.shadowed:
            note_shadowed(twin)
        _mask_for_github(list(variables.values()))
        if format_ is ExportFormat.dotenv:
            expanding = sorted(k for k, v in variables.items() if expands_in_dotenv(v))
            if expanding:
                typer.echo(
                    f"Note: the values of {', '.join(expanding)} hold '${{'; read the file "
                    "with python-dotenv's interpolate=False to keep them as they are",
                    err=True,
                )
        text = render(format_.value, variables)
        if out is None:
            sys.stdout.write(text)
            return
        from kitaru.private_file import write_private

        try:
            written = write_private(Path(out), text, replace=force)
        except OSError as err:
            reason = err.strerror or type(err).__name__
            raise KitaruError(f"cannot write {shown_path(out)}: {reason}") from None
        if not written:
            raise UsageError(f"{shown_path(out)} exists; --force replaces it")
        typer.echo(
            f"Wrote {len(variables)} keys to {shown_path(out)} (readable only by you)", err=True
        )
