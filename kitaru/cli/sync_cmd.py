"""`kitaru secrets plan` / `apply`: load, resolve, observe, plan, apply, render.

Exit codes (Terraform's): 0 success; 1 any error, including a bad flag (2 is reserved
for ``--detailed-exitcode``); 2 with ``--detailed-exitcode`` when the plan has changes or
drift, or when drift is left after applying.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand

from kitaru.cli.common import quiet_zenml, reported_errors
from kitaru.errors import KitaruError


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
    Path("secrets.yaml"), "--file", "-f", help="The manifest.", show_default=True
)
ENV_FILE_OPTION = typer.Option(
    None, "--env-file", help="A .env file to read values from (overrides env_file:)."
)
SYNC_OUTPUT_OPTION = typer.Option(
    SyncFormat.text,
    "--output",
    "-o",
    help="text, json (format_version 1), markdown ($GITHUB_STEP_SUMMARY) or github annotations.",
)
DETAILED_OPTION = typer.Option(
    False, "--detailed-exitcode", help="Exit 2 when there are changes or drift (0 = in sync)."
)
GITHUB_MASK_OPTION = typer.Option(
    False,
    "--github-mask",
    help="Write ::add-mask::VALUE to stderr for every value read. The line holds the raw "
    "value: output captured with 2>&1 keeps it.",
)


def plan_command(
    file: Path = FILE_OPTION,
    env_file: Path | None = ENV_FILE_OPTION,
    output: SyncFormat = SYNC_OUTPUT_OPTION,
    detailed_exitcode: bool = DETAILED_OPTION,
    prune: bool = typer.Option(
        False, "--prune", help="Show what `apply --prune` would remove from prune: true secrets."
    ),
    github_mask: bool = GITHUB_MASK_OPTION,
) -> None:
    """Show what apply would change, and any drift; writes nothing.

    \b
    Examples:
      kitaru secrets plan -f secrets.yaml
      kitaru secrets plan -f secrets.yaml --env-file .env --detailed-exitcode
      kitaru secrets plan -o markdown >> "$GITHUB_STEP_SUMMARY"
    """
    _run(
        file,
        env_file,
        output,
        detailed_exitcode,
        prune=prune,
        apply=False,
        dry_run=True,
        github_mask=github_mask,
    )


def apply_command(
    file: Path = FILE_OPTION,
    env_file: Path | None = ENV_FILE_OPTION,
    dry_run: bool = typer.Option(False, "--dry-run", help="Plan only; write nothing."),
    prune: bool = typer.Option(
        False, "--prune", help="Remove stored keys not declared, only on prune: true secrets."
    ),
    output: SyncFormat = SYNC_OUTPUT_OPTION,
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 2 when drift is left after applying."
    ),
    github_mask: bool = GITHUB_MASK_OPTION,
) -> None:
    """Create and update secrets to match the manifest; never deletes a secret and never
    changes the visibility of an existing one.

    \b
    Examples:
      kitaru secrets apply -f secrets.yaml
      kitaru secrets apply -f secrets.yaml --env-file .env --prune
      kitaru secrets apply -o github
    """
    _run(
        file,
        env_file,
        output,
        detailed_exitcode,
        prune=prune,
        apply=True,
        dry_run=dry_run,
        github_mask=github_mask,
    )


def _manifest_or_exit(file: Path, output: SyncFormat) -> Any:
    from kitaru.sync.manifest import read_manifest
    from kitaru.sync.report import render_findings

    manifest, findings = read_manifest(file)
    if manifest is not None:
        return manifest
    typer.echo(render_findings(findings, "text"), err=True)
    if output in (SyncFormat.json, SyncFormat.github):
        typer.echo(render_findings(findings, output.value))
    raise typer.Exit(1)


def _run(
    file: Path,
    env_file: Path | None,
    output: SyncFormat,
    detailed: bool,
    *,
    prune: bool,
    apply: bool,
    dry_run: bool,
    github_mask: bool,
) -> None:
    with reported_errors():
        try:
            code = _sync(
                file,
                env_file,
                output,
                detailed,
                prune=prune,
                apply=apply,
                dry_run=dry_run,
                github_mask=github_mask,
            )
        except KitaruError as err:
            if output is SyncFormat.github:
                from kitaru.sync.report import annotation

                for line in str(err).splitlines():
                    typer.echo(annotation("error", line, title="kitaru"))
            raise
    raise typer.Exit(code)


def _sync(
    file: Path,
    env_file: Path | None,
    output: SyncFormat,
    detailed: bool,
    *,
    prune: bool,
    apply: bool,
    dry_run: bool,
    github_mask: bool,
) -> int:
    manifest = _manifest_or_exit(file, output)
    from kitaru.sync.report import mask_commands
    from kitaru.sync.sources import resolve

    desired = resolve(manifest, env_file=env_file)
    if github_mask:
        # Only when asked: plan and apply print no values, GitHub already masks its own
        # secrets, and a mask line holds the raw value (`2>&1 | tee plan.txt` keeps it).
        # stderr, not stdout: stdout is often redirected to a file
        # (`-o markdown >> "$GITHUB_STEP_SUMMARY"`), which would publish every value.
        for command in mask_commands(desired.resolved_values()):
            typer.echo(command, err=True)
        sys.stderr.flush()
    quiet_zenml()
    from kitaru.store import open_store
    from kitaru.sync.apply import execute
    from kitaru.sync.observe import observe
    from kitaru.sync.plan import make_plan
    from kitaru.sync.report import Progress, render, use_color

    store = open_store()
    try:
        plan = make_plan(desired, observe(store, desired), prune=prune)
        result = None
        if apply:
            progress = None
            if not dry_run and Progress.wanted(sys.stderr, len(plan.changes)):
                progress = Progress(sys.stderr)
            result = execute(plan, store, dry_run=dry_run, on_progress=progress)
    finally:
        store.close()
    typer.echo(render(plan, output.value, result=result, color=use_color(sys.stdout)))
    if result is not None and result.failed:
        return 1
    if not detailed:
        return 0
    if result is None or result.dry_run:
        return 2 if plan.has_changes or plan.has_drift else 0
    return 2 if result.has_drift_left else 0
