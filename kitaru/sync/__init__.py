"""Declarative sync: manifest -> desired state -> plan -> apply -> report.

SDK use, without the CLI::

    from kitaru.sync import apply, load_manifest, plan

    manifest = load_manifest("secrets.yaml")   # ManifestError lists every problem
    pending = plan(manifest)                   # reads the store, writes nothing
    result = apply(pending)                    # one write per changed secret

Pydantic loads only with the manifest models, and zenml only when a store opens.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# The submodules `plan` and `apply` load first, so that the functions bound below keep
# those names on the package (a later `import kitaru.sync.plan` finds them cached).
from kitaru.sync import apply as _apply_module  # noqa: F401
from kitaru.sync import plan as _plan_module  # noqa: F401
from kitaru.sync.apply import ApplyResult
from kitaru.sync.manifest_checks import check_manifest
from kitaru.sync.plan import Plan
from kitaru.sync.sdk import apply, plan

if TYPE_CHECKING:
    from kitaru.sync.manifest import (
        Manifest,
        load_manifest,
        manifest_json_schema,
        parse_manifest,
    )

_LAZY = {
    "load_manifest": "kitaru.sync.manifest",
    "parse_manifest": "kitaru.sync.manifest",
    "manifest_json_schema": "kitaru.sync.manifest",
    "Manifest": "kitaru.sync.manifest",
}

__all__ = [
    "ApplyResult",
    "Manifest",
    "Plan",
    "apply",
    "check_manifest",
    "load_manifest",
    "manifest_json_schema",
    "parse_manifest",
    "plan",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kitaru.sync' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
