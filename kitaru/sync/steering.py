"""`plan` flags keys that change how programs start (KS206), declared or stored.

Pure: a planned secret and what the manifest declared in, the same secret with one
``steering`` drift finding per such key out. A declared key is the team's choice, still
worth a warning (`run`/`export` refuse it unless ``--allow-key``); a stored key the manifest
does not declare was added by whoever can write the secret (any user of the server, for a
public one). Neither is a difference apply could fix, so neither changes
``--detailed-exitcode`` (``Drift.counts``); the stored one is also ``extra_key`` drift,
which does.
"""

from __future__ import annotations

from dataclasses import replace

from kitaru.naming import steering_problem
from kitaru.sync.plan import Drift, SecretPlan
from kitaru.sync.sources import DesiredSecret

_STORED_ONLY = " (stored, not declared: whoever can write the secret added it)"


def flag_steering(plan: SecretPlan, secret: DesiredSecret) -> SecretPlan:
    """``plan`` with a ``steering`` finding for each declared or stored key that steers
    programs; a secret on its way out (``state: absent``) gets none."""
    if secret.absent:
        return plan
    declared = set(secret.declared)
    findings: list[Drift] = []
    for key in sorted(declared | set(plan.observed)):
        problem = steering_problem(key)
        if problem is None:
            continue
        message = f"{problem.code} {problem.message}"
        if key not in declared:
            message += _STORED_ONLY
        position = secret.key_positions.get(key, secret.position)
        findings.append(
            Drift("steering", plan.name, plan.private, message, key, plan.secret_id, position)
        )
    if not findings:
        return plan
    return replace(plan, drift=(*plan.drift, *findings))
