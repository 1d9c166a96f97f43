"""The plan an MCP client sees: what would be written, never whether a value matches.

`kitaru secrets plan` tells "unchanged" from a changed value; through MCP that would let a
client that picks the .env file test guesses against stored values it may never read. So
this view is built only from facts that no value decides: which declared keys the store
holds ("present", whether equal or not), which it lacks ("add"), which --prune removes, and
drift other than ``value``. Two guesses, equal and different, give identical reports.
"""

from __future__ import annotations

from typing import Any

from kitaru.sync.plan import INFORMATIONAL, Drift, Plan, SecretPlan

FORMAT_VERSION = 1
# Per-key actions that a stored value could decide; both read as "present" here.
_VALUE_DECIDED = {"change", "unchanged"}


def _drift(plan: Plan, drift: Drift) -> dict[str, Any]:
    return {
        "kind": drift.kind,
        "secret": drift.secret,
        "private": drift.private,
        "key": drift.key,
        "id": drift.secret_id,
        "message": drift.message,
        "file": plan.manifest if drift.position else None,
        "line": drift.position.line if drift.position else None,
        "col": drift.position.col if drift.position else None,
    }


def _value_free(drift: tuple[Drift, ...]) -> list[Drift]:
    return [d for d in drift if d.kind != "value"]


def _action(secret: SecretPlan) -> str:
    """create / skip for a new secret; any stored one is "exists", changed or not."""
    return secret.action if secret.secret_id is None else "exists"


def _secret(plan: Plan, secret: SecretPlan) -> dict[str, Any]:
    return {
        "name": secret.name,
        "private": secret.private,
        "action": _action(secret),
        "id": secret.secret_id,
        "stored_private": secret.stored_private,
        "keys": [
            {
                "key": key.key,
                "action": "present" if key.action in _VALUE_DECIDED else key.action,
                "source": key.source,
            }
            for key in secret.keys
        ],
        "skipped_optional": list(secret.skipped),
        "drift": [_drift(plan, d) for d in _value_free(secret.drift)],
        "line": secret.position.line,
        "col": secret.position.col,
    }


def value_blind_report(plan: Plan) -> dict[str, Any]:
    """The plan without anything a stored value decides (see the module docstring)."""
    drift = [d for secret in plan.secrets for d in _value_free(secret.drift)]
    actions = [_action(secret) for secret in plan.secrets]
    return {
        "format_version": FORMAT_VERSION,
        "command": "plan",
        "values_compared": False,
        "manifest": plan.manifest,
        "prune": plan.prune,
        "summary": {
            "create": actions.count("create"),
            "exists": actions.count("exists"),
            "skip": actions.count("skip"),
            "drift": sum(1 for d in drift if d.kind not in INFORMATIONAL),
            "unmanaged": len(plan.unmanaged),
        },
        "secrets": [_secret(plan, secret) for secret in plan.secrets],
        "drift": [_drift(plan, d) for d in drift],
        "unmanaged": [
            {"name": d.secret, "private": d.private, "id": d.secret_id} for d in plan.unmanaged
        ],
    }
