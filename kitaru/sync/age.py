"""``--max-age``: a managed secret not updated for longer is ``age`` drift (rotate it).

Pure: the caller passes ``now`` (the pipeline reads the clock once per run), so a test
ages a secret by moving ``now`` instead of sleeping.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from kitaru.ages import duration_text, iso, relative
from kitaru.sync.plan import Drift, Plan, SecretPlan


def _aged(secret: SecretPlan, max_age: timedelta, now: datetime) -> SecretPlan:
    updated = secret.updated
    if secret.secret_id is None or updated is None or now - updated <= max_age:
        return secret  # nothing stored yet, a store that keeps no times, or young enough
    if secret.action == "delete":
        return secret  # on its way out: rotating it would be wasted work
    message = (
        f"not updated for longer than --max-age {duration_text(max_age)} "
        f"(last updated {relative(updated, now)}, {iso(updated)}); rotate its values"
    )
    finding = Drift(
        "age", secret.name, secret.private, message, None, secret.secret_id, secret.position
    )
    return replace(secret, drift=(*secret.drift, finding))


def with_age(plan: Plan, now: datetime, max_age: timedelta | None = None) -> Plan:
    """``plan`` stamped with ``now`` and, given ``max_age``, its ``age`` findings."""
    if max_age is None:
        return replace(plan, made_at=now)
    secrets = tuple(_aged(secret, max_age, now) for secret in plan.secrets)
    return replace(plan, secrets=secrets, made_at=now, max_age=max_age)
