"""Declarative sync: manifest -> desired state -> plan -> apply -> report.

SDK use, without the CLI::

    from kitaru.sync import apply, load_manifest, plan

    manifest = load_manifest("secrets.yaml")   # ManifestError lists every problem
    pending = plan(manifest)                   # reads the store, writes nothing
    result = apply(pending)                    # one write per changed secret
    found = adopt(manifest="secrets.yaml")     # entries for secrets it does not declare

    plan("secrets.yaml", out="plan.json")      # a saved plan (no values), then later:
    apply(plan_file="plan.json")               # StalePlanError, nothing written, if moved

Loading a manifest needs neither pydantic nor zenml; zenml loads only when a store opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kitaru.lazy import keep_over_submodules, lazy_exports

if TYPE_CHECKING:
    from kitaru.sync.adopt import Adoption, Entry, adopt, append_entries, entries_text
    from kitaru.sync.apply import ApplyResult
    from kitaru.sync.manifest import (
        Manifest,
        check_manifest,
        load_manifest,
        manifest_json_schema,
        parse_manifest,
    )
    from kitaru.sync.pipeline import apply, plan
    from kitaru.sync.plan import Plan
    from kitaru.sync.saved_plan import StalePlanError

_LAZY = {
    "adopt": "kitaru.sync.adopt",
    "append_entries": "kitaru.sync.adopt",
    "entries_text": "kitaru.sync.adopt",
    "Adoption": "kitaru.sync.adopt",
    "Entry": "kitaru.sync.adopt",
    "plan": "kitaru.sync.pipeline",
    "apply": "kitaru.sync.pipeline",
    "Plan": "kitaru.sync.plan",
    "StalePlanError": "kitaru.sync.saved_plan",
    "ApplyResult": "kitaru.sync.apply",
    "check_manifest": "kitaru.sync.manifest",
    "load_manifest": "kitaru.sync.manifest",
    "parse_manifest": "kitaru.sync.manifest",
    "manifest_json_schema": "kitaru.sync.manifest",
    "Manifest": "kitaru.sync.manifest",
}

__all__ = [
    "Adoption",
    "ApplyResult",
    "Entry",
    "Manifest",
    "Plan",
    "StalePlanError",
    "adopt",
    "append_entries",
    "apply",
    "check_manifest",
    "entries_text",
    "load_manifest",
    "manifest_json_schema",
    "parse_manifest",
    "plan",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
# The functions `plan` and `apply` share their names with submodules: importing
# `kitaru.sync.plan` (as `kitaru.sync.pipeline` does) must not replace the function.
keep_over_submodules(__name__, ("plan", "apply", "adopt"))
