"""The one road from a manifest to a plan or an apply result, for the CLI, the SDK and MCP.

load -> [--target] -> resolve (sources) -> [on_resolved] -> open store -> observe -> plan
-> [age] -> [saved plan: refuse if stale | write --out] -> apply -> close store.
Rendering is not here: callers hand ``Run.plan``/``Run.result`` to ``kitaru.sync.report``.
The store is opened only after the manifest loaded and every value resolved, and closed
again whatever happens, unless the caller passed its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from kitaru.errors import KitaruError, ManifestError
from kitaru.files_read import one_run, refuse_own_input
from kitaru.naming import shown_path
from kitaru.sync import plan_paths, saved_plan, several, targets
from kitaru.sync.age import with_age
from kitaru.sync.apply import ApplyResult, Progress, execute
from kitaru.sync.observe import Reading, observe
from kitaru.sync.plan import Plan, crossing_error, make_plan
from kitaru.sync.plan_paths import for_plan_file
from kitaru.sync.sources import Desired, env_file_for, missing_values, resolve

if TYPE_CHECKING:
    from kitaru.checks.findings import Finding
    from kitaru.config.options import Config
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
    """What one plan or apply produced: the plan, the apply result (None for a plan), and
    the policy's warnings about the manifest (its errors refuse the run)."""

    plan: Plan
    result: ApplyResult | None = None
    warnings: tuple[Finding, ...] = ()

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


def load(manifest: Manifest | str | Path, config: Config | str | Path | None = None) -> Manifest:
    """A manifest object as is; a path read and checked (``ManifestProblems`` lists all)."""
    return _loaded(manifest, config)[0]


def policy_config(config: Config | str | Path | None, manifest: str | Path) -> Config:
    """``config`` itself, the file it names, or the one found walking up from ``manifest``."""
    from kitaru.config.discover import Finder
    from kitaru.config.discover import load as load_config
    from kitaru.config.options import Config

    if isinstance(config, Config):
        return config
    if config is not None:
        return load_config(config)
    return Finder().for_file(manifest)


def checked(data: bytes, path: str, config: Config) -> tuple[Manifest, tuple[Finding, ...]]:
    """The manifest in ``data`` if it passes every check `validate` runs under ``config``
    (its warnings returned), else ``ManifestProblems``. No store is involved."""
    from kitaru.checks.validate import checked_manifest
    from kitaru.sync.manifest import from_document

    findings, document = checked_manifest(data, path, config)
    if document.data is None:  # the loader's own findings: allow comments do not apply
        raise ManifestProblems(document.findings)
    if any(finding.is_error for finding in findings):
        raise ManifestProblems(findings)
    return from_document(document, path), tuple(findings)


if TYPE_CHECKING:  # a manifest object, its path, or several paths (-f a -f b)
    Manifests: TypeAlias = Manifest | str | Path | Sequence[str | Path]


def _loaded(
    manifest: Manifests, config: Config | str | Path | None = None, env_file_given: bool = False
) -> tuple[Manifest, str | None, tuple[Finding, ...]]:
    """The manifest, the sha256 of the very bytes it was parsed from (None for an object:
    a saved plan records it, and applying one compares it), and the policy's warnings.
    Several paths make one manifest (``kitaru.sync.several``)."""
    paths = several.as_paths(manifest)
    if paths is not None:  # a file given twice counts once
        paths = list(dict.fromkeys(str(p) for p in paths))
    if paths is not None and len(paths) > 1:
        return _loaded_several(paths, config, env_file_given)
    if paths is not None:
        manifest = paths[0] if paths else "secrets.yaml"
    if not isinstance(manifest, (str, Path)):
        if isinstance(manifest, Sequence):
            raise KitaruError("several manifests are given as paths")
        return manifest, None, ()
    from kitaru.checks.text import read_file

    data = read_file(manifest, "manifest")
    if not isinstance(data, bytes):
        raise ManifestProblems([data])
    loaded, warnings = checked(data, str(manifest), policy_config(config, manifest))
    return loaded, saved_plan.manifest_digest(data), warnings


def _loaded_several(
    paths: Sequence[str | Path], config: Config | str | Path | None, env_file_given: bool
) -> tuple[Manifest, str | None, tuple[Finding, ...]]:
    """Each manifest checked on its own, then KS106 across them, then one manifest."""
    loaded: list[tuple[Manifest, str | None, tuple[Finding, ...]]] = []
    problems: list[Finding] = []
    for path in paths:
        try:
            loaded.append(_loaded(path, config))
        except ManifestProblems as err:
            problems.extend(err.problems)
    if problems:
        raise ManifestProblems(problems)
    manifests = [manifest for manifest, _, _ in loaded]
    clashes = several.duplicates(manifests)
    if clashes:
        raise ManifestProblems(clashes)
    digest = several.digest([m.path for m in manifests], [sha or "" for _, sha, _ in loaded])
    warnings = tuple(w for _, _, found in loaded for w in found)
    return several.combined(manifests, env_file_given), digest, warnings


@contextmanager
def opened_store(given: SecretStore | None) -> Iterator[SecretStore]:
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


@one_run()  # the files read in a run are never the file it writes (``out``)
def run(
    manifest: Manifests | Plan = "secrets.yaml",
    *,
    apply: bool = False,
    env_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    store: SecretStore | None = None,
    prune: bool = False,
    dry_run: bool = False,
    target: Sequence[str] = (),
    max_age: timedelta | None = None,
    now: datetime | None = None,
    out: str | Path | None = None,
    saved: str | Path | None = None,
    on_resolved: OnResolved | None = None,
    on_progress: Progress | None = None,
    on_read: Reading | None = None,
    config: Config | str | Path | None = None,
    pins: tuple[str | Path | None, str | Path | None] | None = None,
) -> Run:
    """Plan a manifest (and apply it when ``apply``); a given ``Plan`` is applied as is.

    ``target``: only these manifest secrets. ``max_age``: older managed secrets are
    ``age`` drift (``now`` stands in for the clock). ``out``: the plan is also saved
    there. ``saved``: a plan file to re-plan from (its manifest, .env file, prune and
    targets); ``StalePlanError`` and nothing written unless a fresh plan is the same.
    ``on_read`` follows the reads of declared secrets, ``on_progress`` the writes.
    ``config``: the team policy (a ``Config`` or its file; default: the one found walking
    up from the manifest); its errors refuse the run before any store is opened.
    ``pins``: with ``saved``, the manifest and .env file the caller holds; the plan file
    must name those very files (either may be None: not pinned).
    """
    if isinstance(manifest, Plan):
        with opened_store(store) as opened:
            return Run(
                manifest, execute(manifest, opened, dry_run=dry_run, on_progress=on_progress)
            )
    replay = saved_plan.read(saved) if saved is not None else None
    if replay is not None:  # the plan file decides what is planned again, within limits:
        # every path it names is checked by the plan-file trust rule before it is read
        manifest, prune, target, max_age = (
            replay.manifest_paths(),
            replay.prune,
            replay.targets,
            replay.max_age,
        )
        env_file = replay.env_file_now()
        if pins is not None:  # one pinned file; a plan over several manifests names none
            single = manifest if isinstance(manifest, (str, Path)) else None
            plan_paths.pinned(pins[0], single, "manifest", "--file")
            plan_paths.pinned(pins[1], env_file, ".env file", "--env-file")
    paths = several.as_paths(manifest)
    if out is not None:  # a plan apply --plan would refuse: none at all
        for each in paths if paths is not None else [manifest]:
            if isinstance(each, (str, Path)):
                for_plan_file(each, "manifest")
    whole, digest, warnings = _loaded(manifest, config, env_file is not None)
    listed = [str(p) for p in dict.fromkeys(str(p) for p in paths)] if paths else []
    if out is not None:
        chosen = env_file_for(whole, env_file)
        if chosen is not None:
            for_plan_file(chosen, ".env file")
    if replay is not None and env_file is None:
        _no_other_env_file(whole)
    desired = resolve(targets.only(whole, target), env_file=env_file, environ=environ)
    if out is not None:  # before the store is opened: never over a file just read
        refuse_own_input(out)
    if on_resolved is not None:
        on_resolved(desired)
    with opened_store(store) as opened:
        pending = make_plan(desired, observe(opened, desired, on_read), prune=prune)
        if pending.missing:  # create-only keys the store lacks, without a value
            raise missing_values(pending.missing, desired.env_file)
        if pending.crossings:  # a private value bound for another user's public secret
            raise crossing_error(pending.crossings)
        pending = with_age(targets.scoped(pending, whole, target), now or _now(), max_age)
        if replay is not None:
            replay.check(pending, manifest_sha256=digest, env_file=desired.env_file)
        if out is not None:
            saved_plan.save(
                out,
                pending,
                manifest_sha256=digest,
                env_file=desired.env_file,
                manifests=listed,
            )
        if not apply:
            return Run(pending, warnings=warnings)
        result = execute(pending, opened, dry_run=dry_run, on_progress=on_progress)
        return Run(pending, result, warnings)


def _no_other_env_file(manifest: Manifest) -> None:
    """A saved plan that read no .env file is stale once the manifest's ``env_file:``
    exists: refused before that file is read (which may lie outside the working tree)."""
    declared = manifest.env_file_path()
    if declared is not None and declared.is_file():
        raise saved_plan.StalePlanError(
            [f"the plan read no .env file, this run would read {shown_path(declared)}"]
        )


def _now() -> datetime:
    return datetime.now(UTC)


def plan(
    manifest: Manifest | str | Path = "secrets.yaml",
    *,
    env_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    store: SecretStore | None = None,
    prune: bool = False,
    target: Sequence[str] = (),
    max_age: timedelta | None = None,
    now: datetime | None = None,
    out: str | Path | None = None,
) -> Plan:
    """Compare a manifest (object or path) with the store; writes nothing to the store.

    ``out``: also save the plan there, for ``apply(plan_file=...)``/``apply --plan``.
    """
    return run(
        manifest,
        env_file=env_file,
        environ=environ,
        store=store,
        prune=prune,
        target=target,
        max_age=max_age,
        now=now,
        out=out,
    ).plan


def apply(
    manifest: Manifest | Plan | str | Path = "secrets.yaml",
    *,
    env_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    store: SecretStore | None = None,
    prune: bool = False,
    dry_run: bool = False,
    target: Sequence[str] = (),
    max_age: timedelta | None = None,
    now: datetime | None = None,
    plan_file: str | Path | None = None,
    on_progress: Progress | None = None,
) -> ApplyResult:
    """Plan (unless given a ``Plan``) and execute it: only changed secrets are written.

    ``plan_file``: a plan saved by ``plan(out=...)``; its manifest, .env file, prune and
    targets are used, and ``StalePlanError`` is raised (nothing written) if anything moved.
    """
    done = run(
        manifest,
        apply=True,
        env_file=env_file,
        environ=environ,
        store=store,
        prune=prune,
        dry_run=dry_run,
        target=target,
        max_age=max_age,
        now=now,
        saved=plan_file,
        on_progress=on_progress,
    )
    assert done.result is not None  # apply=True always executes
    return done.result
