"""``--max-age`` (pure): which secrets are ``age`` drift, and when apply fixes it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from kitaru.sync.age import with_age
from kitaru.sync.plan import Plan, SecretPlan

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _secret(name: str, updated: datetime | None, *, stored: bool = True) -> SecretPlan:
    return SecretPlan(
        name=name,
        private=False,
        action="unchanged" if stored else "create",
        secret_id=f"id-{name}" if stored else None,
        updated=updated,
    )


def test_only_managed_secrets_older_than_max_age_are_age_drift() -> None:
    plan = Plan(
        "m.yaml",
        (
            _secret("old", NOW - timedelta(days=91)),
            _secret("edge", NOW - timedelta(days=90)),  # exactly max_age: not older
            _secret("young", NOW - timedelta(days=1)),
            _secret("untimed", None),
            _secret("new", None, stored=False),
        ),
    )
    aged = with_age(plan, NOW, timedelta(days=90))
    assert [(d.secret, d.kind, d.secret_id) for d in aged.drift] == [("old", "age", "id-old")]
    assert aged.drift[0].message == (
        "not updated for longer than --max-age 90d (last updated 91d ago, "
        "2026-09-01T00:00:00.000000Z); rotate its values"
    )
    assert aged.has_drift and aged.max_age == timedelta(days=90) and aged.made_at == NOW
    assert not with_age(plan, NOW + timedelta(days=365)).drift  # no max_age: no finding
    assert with_age(plan, NOW).made_at == NOW


def test_age_drift_is_fixed_only_by_a_write() -> None:
    plan = with_age(
        Plan("m.yaml", (_secret("old", NOW - timedelta(days=91)),)), NOW, timedelta(days=1)
    )
    (secret,) = plan.secrets
    assert [d.kind for d in secret.drift_left(applied=True)] == ["age"]  # unchanged: still old
    written = replace(secret, action="update")
    assert written.drift_left(applied=True) == []
    assert [d.kind for d in written.drift_left(applied=False)] == ["age"]


def test_a_secret_on_its_way_out_is_not_age_drift() -> None:
    leaving = replace(_secret("old", NOW - timedelta(days=400)), action="delete")
    assert not with_age(Plan("m.yaml", (leaving,)), NOW, timedelta(days=1)).drift
