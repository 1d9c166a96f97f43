"""The report view: one pure reading of a plan or an apply result for every renderer."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings

from kitaru.store.base import StoredSecret
from kitaru.sync.apply import execute
from kitaru.sync.observe import observe
from kitaru.sync.plan import make_plan
from kitaru.sync.report.view import build
from kitaru.sync.sources import Desired, DesiredSecret
from tests.sync.report.scenarios import CANARY, plan_and_result
from tests.sync.stores import MemoryStore
from tests.sync.test_plan import worlds


def _fates(view: object) -> dict[tuple[str, str | None], bool | None]:
    return {(d.kind, d.key): d.fixed for d in view.drift}  # type: ignore[attr-defined]


def test_a_plan_says_nothing_about_fixed() -> None:
    plan, _ = plan_and_result()
    view = build(plan)
    assert (view.command, view.dry_run, view.applied) == ("plan", None, False)
    assert set(_fates(view).values()) == {None}
    assert view.summary.outcomes is None


def test_a_dry_run_fixes_nothing_and_leaves_all() -> None:
    plan, result = plan_and_result(dry_run=True)
    view = build(plan, result)
    assert (view.command, view.dry_run, view.applied) == ("apply", True, False)
    assert set(_fates(view).values()) == {None}
    assert view.summary.outcomes is not None
    assert view.summary.outcomes.drift_left == len(view.drift) == 3


def test_apply_says_which_drift_it_fixed_and_which_is_left() -> None:
    plan, result = plan_and_result()
    view = build(plan, result)
    assert view.applied
    assert _fates(view) == {
        ("value", "A_KEY"): True,
        ("extra_key", "EXTRA"): True,  # removed by --prune
        ("shadowed", None): False,  # never written into: left for the caller
    }
    (shadowed,) = [d for d in view.drift if d.kind == "shadowed"]
    assert shadowed.counts and shadowed.caller_created is True and shadowed.label == "drifted"
    assert view.summary.outcomes is not None
    assert view.summary.outcomes.drift_left == 1 == sum(1 for d in view.drift if not d.fixed)


def test_a_failed_secret_leaves_all_its_drift_and_is_a_failure() -> None:
    plan, result = plan_and_result(fail=True)
    view = build(plan, result)
    (failed,) = view.failures
    assert failed.name == "drifted" and failed.state == "failed"
    assert failed.error == "updating secret 'drifted': refused"
    assert {d.fixed for d in failed.drift} == {False}
    assert view.summary.outcomes is not None and view.summary.outcomes.failed == 1


def test_rows_hold_actions_keys_and_sources_but_no_value() -> None:
    plan, result = plan_and_result()
    view = build(plan, result)
    drifted, fresh = view.secrets
    assert (drifted.action, drifted.state, drifted.label) == (
        "update",
        "updated",
        "drifted (private)",
    )
    assert [(k.key, k.action, k.source) for k in drifted.keys] == [
        ("A_KEY", "change", "env:A_KEY"),
        ("EXTRA", "remove", None),
    ]
    assert (fresh.state, fresh.secret_id) == ("created", "mem-1")
    assert [u.name for u in view.unmanaged] == ["unmanaged"]
    assert CANARY not in repr(view)


def test_the_view_is_frozen() -> None:
    plan, _ = plan_and_result()
    view = build(plan)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.secrets[0].drift[0].fixed = True  # type: ignore[misc]


@given(worlds())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_fixed_is_exactly_what_the_next_plan_no_longer_reports(
    world: tuple[list[DesiredSecret], list[StoredSecret], bool],
) -> None:
    secrets, initial, prune = world
    desired = Desired("m.yaml", tuple(secrets))
    store = MemoryStore(initial)
    plan = make_plan(desired, observe(store, desired), prune=prune)
    view = build(plan, execute(plan, store))
    again = make_plan(desired, observe(store, desired), prune=prune)
    left = {(d.kind, d.secret, d.private, d.key) for d in view.drift if d.fixed is False}
    assert left == {(d.kind, d.secret, d.private, d.key) for d in again.drift}
    assert all(d.fixed is not None for d in view.drift)
