"""``--target NAME``: plan and apply only some manifest secrets (Terraform's ``-target``).

For incident response: rotate one credential without needing every other value of the
manifest. A name the manifest does not declare is an error (exit 1: ``plan``/``apply``
keep 2 for ``--detailed-exitcode``). A targeted run leaves the manifest's other secrets
out entirely: they are neither planned nor reported as unmanaged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from kitaru.errors import KitaruError
from kitaru.naming import shown
from kitaru.sync.manifest import Manifest
from kitaru.sync.plan import Plan


def only(manifest: Manifest, targets: Sequence[str]) -> Manifest:
    """The manifest cut down to the secrets named in ``targets`` (all of it when empty)."""
    if not targets:
        return manifest
    declared = {secret.name for secret in manifest.secrets}
    unknown = [name for name in dict.fromkeys(targets) if name not in declared]
    if unknown:
        raise KitaruError(
            f"--target {', '.join(map(shown, unknown))}: the manifest declares no secret of "
            "that name"
        )
    wanted = set(targets)
    return replace(manifest, secrets=tuple(s for s in manifest.secrets if s.name in wanted))


def scoped(plan: Plan, manifest: Manifest, targets: Sequence[str]) -> Plan:
    """``plan`` marked as targeted, without the untargeted manifest secrets as unmanaged."""
    if not targets:
        return plan
    declared = {secret.name for secret in manifest.secrets}  # either visibility: a twin too
    unmanaged = tuple(d for d in plan.unmanaged if d.secret not in declared)
    return replace(plan, unmanaged=unmanaged, targets=tuple(dict.fromkeys(targets)))
