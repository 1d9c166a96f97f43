"""Declarative sync: manifest -> desired state -> plan -> apply -> report.

Names load on first use, so `validate` pays for the manifest loader only.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kitaru.sync.manifest import (
        Manifest,
        load_manifest,
        manifest_json_schema,
        parse_manifest,
    )
    from kitaru.sync.manifest_checks import check_manifest

_EXPORTS = {
    "load_manifest": "kitaru.sync.manifest",
    "parse_manifest": "kitaru.sync.manifest",
    "manifest_json_schema": "kitaru.sync.manifest",
    "Manifest": "kitaru.sync.manifest",
    "check_manifest": "kitaru.sync.manifest_checks",
}

__all__ = [
    "Manifest",
    "check_manifest",
    "load_manifest",
    "manifest_json_schema",
    "parse_manifest",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kitaru.sync' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
