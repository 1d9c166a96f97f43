"""`kitaru.sync.plan` / `kitaru.sync.apply`: the whole flow, for Python callers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from kitaru.sync.apply import ApplyResult, Progress, execute
from kitaru.sync.observe import observe
from kitaru.sync.plan import Plan, make_plan
from kitaru.sync.sources import resolve

if TYPE_CHECKING:
    from kitaru.store.base import SecretStore
    from kitaru.sync.manifest import Manifest


def _open(store: SecretStore | None) -> SecretStore:
    if store is not None:
        return store
    from kitaru.store import open_store

    return open_store()


def plan(
    manifest: Manifest | str | Path = "secrets.yaml",
    *,
    env_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    store: SecretStore | None = None,
    prune: bool = False,
) -> Plan:
    """Compare a manifest (object or path) with the store; writes nothing."""
    if isinstance(manifest, (str, Path)):
        from kitaru.sync.manifest import load_manifest

        manifest = load_manifest(manifest)
    desired = resolve(manifest, env_file=env_file, environ=environ)
    store = _open(store)
    return make_plan(desired, observe(store, desired), prune=prune)


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
    store = _open(store)
    if not isinstance(manifest, Plan):
        manifest = plan(manifest, env_file=env_file, environ=environ, store=store, prune=prune)
    return execute(manifest, store, dry_run=dry_run, on_progress=on_progress)
