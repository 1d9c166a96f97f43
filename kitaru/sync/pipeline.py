"""The one road from a manifest to a plan or an apply result, for the CLI, the SDK and MCP.

load -> resolve (sources) -> [on_resolved] -> open store -> observe -> plan -> apply ->
close store. Rendering is not here: callers hand ``Run.plan``/``Run.result`` to
``kitaru.sync.report``. The store is opened only after the manifest loaded and every value
resolved, and closed again whatever happens, unless the caller passed its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kitaru.errors import ManifestError
from kitaru.sync.apply import ApplyResult, Progress, execute
from kitaru.sync.observe import Reading, observe
from kitaru.sync.plan import Plan, make_plan
from kitaru.sync.sources import Desired, resolve

if TYPE_CHECKING:
    from kitaru.checks.findings import Finding
    from kitaru.store.base import SecretStore
    from kitaru.sync.manifest import Manifest

# Called once with the resolved values before any store is opened (the CLI's GitHub masks).
OnResolved = Callable[[Desired], None]


class ManifestProblems(ManifestError):
    """A manifest that did not load, with its findings kept for structured reports."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__([finding.render() for finding in findings])
        self.problems = tuple(findings)


@dataclass(frozen=True)
class Run:
    """What one plan or apply produced: the plan, and the apply result (None for a plan)."""

    plan: Plan
    result: ApplyResult | None = None

    @property
    def failures(self) -> list[str]:
        """One line per secret whose write failed (never a value)."""
        if self.result is None:
            return []
        return [f"{o.plan.label}: {o.error}" for o in self.result.failed]

    def exit_code(self, detailed: bool) -> int:
        """Terraform's: 1 on a failed write; with ``detailed``, 2 for changes or drift
        (plan, dry run) or drift left (apply), else 0."""
        result = self.result
        if result is not None and result.failed:
            return 1
        if not detailed:
            return 0
        if result is None or result.dry_run:
            return 2 if self.plan.has_changes or self.plan.has_drift else 0
        return 2 if result.has_drift_left else 0


def load(manifest: Manifest | str | Path) -> Manifest:
    """A manifest object as is; a path read and checked (``ManifestProblems`` lists all)."""
    if not isinstance(manifest, (str, Path)):
        return manifest
    from kitaru.sync.manifest import read_manifest

    loaded, findings = read_manifest(manifest)
    if loaded is None:
        raise ManifestProblems(findings)
    return loaded


@contextmanager
def _store(given: SecretStore | None) -> Iterator[SecretStore]:
    """The caller's store untouched, or one opened here and closed on every way out."""
    if given is not None:
        yield given
        return
    import kitaru.store

    store = kitaru.store.open_store()
    try:
        yield store
    finally:
        store.close()


def run(
    manifest: Manifest | Plan | str | Path = "secrets.yaml",
    *,
    apply: bool = False,
    env_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    store: SecretStore | None = None,
    prune: bool = False,
    dry_run: bool = False,
    on_resolved: OnResolved | None = None,
    on_progress: Progress | None = None,
    on_read: Reading | None = None,
) -> Run:
    """Plan a manifest (and apply it when ``apply``); a given ``Plan`` is applied as is.
    ``on_read`` follows the reads of declared secrets, ``on_progress`` the writes."""
    if isinstance(manifest, Plan):
        with _store(store) as opened:
            return Run(
                manifest, execute(manifest, opened, dry_run=dry_run, on_progress=on_progress)
            )
    desired = resolve(load(manifest), env_file=env_file, environ=environ)
    if on_resolved is not None:
        on_resolved(desired)
    with _store(store) as opened:
        pending = make_plan(desired, observe(opened, desired, on_read), prune=prune)
        if not apply:
            return Run(pending)
        result = execute(pending, opened, dry_run=dry_run, on_progress=on_progress)
        return Run(pending, result)


def plan(
    manifest: Manifest | str | Path = "secrets.yaml",
    *,
    env_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    store: SecretStore | None = None,
    prune: bool = False,
) -> Plan:
    """Compare a manifest (object or path) with the store; writes nothing."""
    return run(manifest, env_file=env_file, environ=environ, store=store, prune=prune).plan


def apply(
    manifest: Manifest | Plan | str | Path = "secrets.yaml",
    *,
    env_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    store: SecretStore | None = None,
    prune: bool = False,
    dry_run: bool = False,
    on_progress: Progress | None = None,
) -> ApplyResult:
    """Plan (unless given a ``Plan``) and execute it: only changed secrets are written."""
    done = run(
        manifest,
        apply=True,
        env_file=env_file,
        environ=environ,
        store=store,
        prune=prune,
        dry_run=dry_run,
        on_progress=on_progress,
    )
    assert done.result is not None  # apply=True always executes
    return done.result
