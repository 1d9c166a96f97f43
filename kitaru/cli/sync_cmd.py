"""`kitaru secrets plan` / `apply`: parse, call kitaru.sync.pipeline, render, exit code.

Exit codes (Terraform's): 0 success; 1 any error, including a bad flag (2 is reserved
for ``--detailed-exitcode``); 2 with ``--detailed-exitcode`` when the plan has changes or
drift (``age`` from ``--max-age`` included), or when drift is left after applying. A stale
or refused saved plan (``apply --plan``) and an undeclared ``--target`` are errors: exit 1,
nothing written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from typer.core import TyperCommand

from kitaru.cli.common import echo_error, quiet_zenml, reported_errors
from kitaru.errors import KitaruError

if TYPE_CHECKING:
    from kitaru.sync.plan import SecretPlan
    from kitaru.sync.sources import Desired


T = TypeVar("T")


class SyncCommand(TyperCommand):
    """A bad flag exits 1, not click's 2, so 2 keeps meaning "changes" in CI scripts."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as err:
            if getattr(err, "exit_code", None) == 2:
                err.exit_code = 1  # type: ignore[attr-defined]
            raise


class SyncFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    github = "github"


FILE_OPTION = typer.Option(
    [Path("secrets.yaml")],
    "--file",
    "-f",
    metavar="PATH",
    help="The manifest; repeat for several, planned as one (a secret in two is an error).",
    show_default=True,
)
ENV_FILE_OPTION = typer.Option(
    None, "--env-file", help="A .env file to read values from (overrides env_file:)."
)
SYNC_OUTPUT_OPTION = typer.Option(
    SyncFormat.text,
    "--output",
    "-o",
    "--format",  # the same option under validate's old name: both spellings work everywhere
    help="text, json (format_version 1), markdown ($GITHUB_STEP_SUMMARY) or github annotations.",
)
DETAILED_OPTION = typer.Option(
    False, "--detailed-exitcode", help="Exit 2 when there are changes or drift (0 = in sync)."
)
TARGET_OPTION = typer.Option(
    [],
    "--target",
    metavar="NAME",
    help="Only this manifest secret (repeatable); a name the manifest does not declare is "
    "an error.",
)
CONFIG_OPTION = typer.Option(
    None,
    "--config",
    metavar="PATH",
    help="The team policy (kitaru.toml or pyproject.toml) [default: the closest one above "
    "the manifest]. Its errors refuse the run before the store is opened.",
)
GITHUB_MASK_OPTION = typer.Option(
    False,
    "--github-mask",
    help="Write ::add-mask::VALUE to stderr for every value read. The line holds the raw "
    "value: output captured with 2>&1 keeps it.",
)


def plan_command(
    file: list[Path] = FILE_OPTION,
    env_file: Path | None = ENV_FILE_OPTION,
    output: SyncFormat = SYNC_OUTPUT_OPTION,
    detailed: bool = DETAILED_OPTION,
    prune: bool = typer.Option(
        False, "--prune", help="Show what `apply --prune` would remove from prune: true secrets."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Also save the plan (no values) for `apply --plan PATH`.",
    ),
    target: list[str] = TARGET_OPTION,
    max_age: str | None = typer.Option(
        None,
        "--max-age",
        metavar="AGE",
        help="Report managed secrets not updated for longer as `age` drift (90d, 12h, 30m, 45s).",
    ),
    github_mask: bool = GITHUB_MASK_OPTION,
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Show what apply would change, and any drift; writes nothing to the store.

    \b
    Examples:
      kitaru secrets plan -f secrets.yaml
      kitaru secrets plan -f secrets.yaml --env-file .env --detailed-exitcode
      kitaru secrets plan -o markdown >> "$GITHUB_STEP_SUMMARY"
      kitaru secrets plan -f secrets.yaml --out plan.json     # then: apply --plan plan.json
      kitaru secrets plan --target db-creds --max-age 90d
    """
    from kitaru.ages import parse_duration

    age = _checked(output, lambda: parse_duration(max_age) if max_age is not None else None)
    _run(
        file,
        env_file,
        output,
        detailed,
        prune,
        github_mask,
        target=target,
        max_age=age,
        out=out,
        config=config,
    )


def apply_command(
    ctx: typer.Context,
    file: list[Path] = FILE_OPTION,
    env_file: Path | None = ENV_FILE_OPTION,
    dry_run: bool = typer.Option(False, "--dry-run", help="Plan only; write nothing."),
    prune: bool = typer.Option(
        False, "--prune", help="Remove stored keys not declared, only on prune: true secrets."
    ),
    saved: Path | None = typer.Option(
        None,
        "--plan",
        help="Apply a plan saved by `plan --out`, only if nothing moved since (else exit 1, "
        "nothing written). Takes its manifest, .env file, prune and targets from the plan; "
        "-f/--env-file pin the files it must name.",
    ),
    target: list[str] = TARGET_OPTION,
    output: SyncFormat = SYNC_OUTPUT_OPTION,
    detailed: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 2 when drift is left after applying."
    ),
    github_mask: bool = GITHUB_MASK_OPTION,
    config: Path | None = CONFIG_OPTION,
) -> None:
    """Create and update secrets to match the manifest; deletes only a secret declared
    `state: absent` (that name and visibility) and never changes an existing one's visibility.

    \b
    Examples:
      kitaru secrets apply -f secrets.yaml
      kitaru secrets apply -f secrets.yaml --env-file .env --prune
      kitaru secrets apply -o github
      kitaru secrets apply --plan plan.json           # made by: plan --out plan.json
      kitaru secrets apply -f secrets.yaml --target db-creds
    """
    pins: tuple[Path | None, Path | None] | None = None
    if saved is not None:
        _checked(output, lambda: _plan_decides(ctx, "prune", "target"))
        pins = (_checked(output, lambda: _pinned_manifest(ctx, file)), env_file)
    _run(
        file,
        env_file,
        output,
        detailed,
        prune,
        github_mask,
        apply=True,
        dry_run=dry_run,
        target=target,
        saved=saved,
        config=config,
        pins=pins,
    )


def _given(ctx: typer.Context, name: str) -> bool:
    return getattr(ctx.get_parameter_source(name), "name", "DEFAULT") != "DEFAULT"


def _plan_decides(ctx: typer.Context, *names: str) -> None:
    """With ``--plan``, the plan file says which prune and targets (``-f`` and
    ``--env-file`` only pin the files it may name)."""
    given = [f"--{name.replace('_', '-')}" for name in names if _given(ctx, name)]
    if given:
        raise KitaruError(
            f"--plan takes prune and targets from the plan file; drop {', '.join(given)}"
        )


def _pinned_manifest(ctx: typer.Context, files: list[Path]) -> Path | None:
    """The one manifest ``-f`` pins with ``--plan`` (none given: not pinned)."""
    if not _given(ctx, "file"):
        return None
    if len(files) != 1:
        raise KitaruError("--plan pins one manifest: give -f once (the plan names its own)")
    return files[0]


def _checked(output: SyncFormat, check: Callable[[], T]) -> T:
    """A flag checked before the pipeline runs fails as a pipeline error does."""
    with reported_errors():
        try:
            return check()
        except KitaruError as err:
            _report_failure(err, output)
            raise
    raise AssertionError("unreachable")  # reported_errors turns every error into Exit


def _before_store(github_mask: bool) -> Callable[[Desired], None]:
    """What runs once every value is resolved and before the store opens."""

    def prepare(desired: Desired) -> None:
        if github_mask:
            # Only when asked: plan and apply print no values, GitHub already masks its own
            # secrets, and a mask line holds the raw value (`2>&1 | tee plan.txt` keeps it).
            # stderr, not stdout: stdout is often redirected to a file
            # (`-o markdown >> "$GITHUB_STEP_SUMMARY"`), which would publish every value.
            from kitaru.cli.github import mask_commands

            for command in mask_commands(desired.resolved_values()):
                typer.echo(command, err=True)
            sys.stderr.flush()
        quiet_zenml()

    return prepare


def _progress_bar() -> Callable[[int, int, SecretPlan], None]:
    """``[3/120] name`` on stderr, only for long applies at a terminal."""
    from kitaru.cli.terminal import Progress

    bar = Progress(sys.stderr)

    def show(done: int, total: int, secret: SecretPlan) -> None:
        if Progress.wanted(sys.stderr, total):
            bar(done, total, secret)

    return show


def _read_progress() -> Callable[[int, int, str], None]:
    from kitaru.cli.terminal import read_progress

    return read_progress(sys.stderr)


def _run(
    file: list[Path],
    env_file: Path | None,
    output: SyncFormat,
    detailed: bool,
    prune: bool,
    github_mask: bool,
    *,
    apply: bool = False,
    dry_run: bool = False,
    target: list[str] | None = None,
    max_age: timedelta | None = None,
    out: Path | None = None,
    saved: Path | None = None,
    config: Path | None = None,
    pins: tuple[Path | None, Path | None] | None = None,
) -> None:
    """Parse (done by typer), call the pipeline, render, exit code."""
    from kitaru.sync.pipeline import run

    with reported_errors():
        try:
            done = run(
                file if len(file) > 1 else file[0],
                apply=apply,
                env_file=env_file,
                prune=prune,
                dry_run=dry_run,
                target=target or (),
                max_age=max_age,
                out=out,
                saved=saved,
                pins=pins,
                on_resolved=_before_store(github_mask),
                on_progress=_progress_bar() if apply and not dry_run else None,
                on_read=_read_progress(),
                config=config,
            )
        except KitaruError as err:
            _report_failure(err, output)
            raise
        for warning in done.warnings:  # the policy's warnings; its errors refused the run
            typer.echo(warning.render(), err=True)
        from kitaru.cli.terminal import use_color
        from kitaru.sync.report import render

        typer.echo(render(done.plan, output.value, result=done.result, color=use_color(sys.stdout)))
        for line in done.failures:  # stdout may be a file ($GITHUB_STEP_SUMMARY): CI logs see these
            echo_error(line)
    raise typer.Exit(done.exit_code(detailed))


def _report_failure(err: KitaruError, output: SyncFormat) -> None:
    """The failure on stdout in the asked format; manifest findings on stderr as they are
    (``path:line:col: CODE message``, no ``Error:`` prefix), then exit 1."""
    from kitaru.sync.error_report import render_error
    from kitaru.sync.pipeline import ManifestProblems

    shown = render_error(err, output.value)
    if shown is not None:
        typer.echo(shown)
    if isinstance(err, ManifestProblems):
        from kitaru.sync.report import render_findings

        typer.echo(render_findings(err.problems, "text"), err=True)
        raise typer.Exit(err.exit_code) from None
