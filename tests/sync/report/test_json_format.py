"""The JSON report's contract (format_version 1), pinned: keys, order, and ``fixed``."""

from __future__ import annotations

import json
from typing import Any

from kitaru.sync.report.json_format import render_json, report_data
from kitaru.sync.report.view import build
from tests.sync.report.scenarios import plan_and_result

DRIFT_FIELDS = ["kind", "secret", "private", "key", "id", "message", "caller_created"]
DRIFT_FIELDS += ["file", "line", "col"]


def _report(**kwargs: bool) -> dict[str, Any]:
    plan, result = plan_and_result(**kwargs)
    return json.loads(render_json(build(plan, result)))  # type: ignore[no-any-return]


def test_json_is_versioned_and_lists_actions_keys_sources_drift() -> None:
    payload = _report()
    assert payload["format_version"] == 1 and payload["command"] == "apply"
    drifted, fresh = payload["secrets"]
    assert (drifted["action"], drifted["status"]) == ("update", "updated")
    assert fresh["status"] == "created"
    actions = {k["key"]: k["action"] for k in drifted["keys"]}
    assert actions == {"A_KEY": "change", "EXTRA": "remove"}
    assert fresh["keys"] == [{"key": "B_KEY", "action": "add", "source": "env:B_KEY"}]
    assert {d["kind"] for d in payload["drift"]} == {"value", "extra_key", "shadowed"}
    (shadowed,) = [d for d in payload["drift"] if d["kind"] == "shadowed"]
    assert (shadowed["id"], shadowed["caller_created"]) == ("3", True)
    assert payload["unmanaged"][0]["name"] == "unmanaged"
    assert payload["summary"]["writes"] == 2 and payload["summary"]["drift_left"] == 1


def test_a_plan_has_no_fixed_field() -> None:
    plan, _ = plan_and_result()
    payload = json.loads(render_json(build(plan)))
    assert payload["command"] == "plan" and "dry_run" not in payload
    for drift in payload["drift"] + payload["secrets"][0]["drift"]:
        assert list(drift) == DRIFT_FIELDS


def test_apply_says_of_each_drift_finding_whether_it_fixed_it() -> None:
    payload = _report()
    fixed = {(d["kind"], d["key"]): d["fixed"] for d in payload["drift"]}
    assert fixed == {
        ("value", "A_KEY"): True,
        ("extra_key", "EXTRA"): True,
        ("shadowed", None): False,
    }
    assert payload["secrets"][0]["drift"] == payload["drift"]  # same finding, same fields
    assert list(payload["drift"][0]) == [*DRIFT_FIELDS, "fixed"]
    left = [d for d in payload["drift"] if d["fixed"] is False]
    assert payload["summary"]["drift_left"] == len(left)


def test_a_dry_run_fixed_nothing_so_fixed_is_null() -> None:
    payload = _report(dry_run=True)
    assert payload["dry_run"] is True
    assert {d["fixed"] for d in payload["drift"]} == {None}
    assert payload["summary"]["drift_left"] == len(payload["drift"])


def test_a_failed_secret_left_its_drift() -> None:
    payload = _report(fail=True)
    drifted = payload["secrets"][0]
    assert (drifted["status"], drifted["error"]) == ("failed", "updating secret 'drifted': refused")
    assert {d["fixed"] for d in drifted["drift"]} == {False}
    assert payload["summary"]["failed"] == 1


def test_the_data_is_what_the_text_says() -> None:
    for kwargs in ({}, {"dry_run": True}, {"fail": True}):
        plan, result = plan_and_result(**kwargs)
        view = build(plan, result)
        assert json.loads(render_json(view)) == report_data(view)
    assert json.loads(render_json(build(plan))) == report_data(build(plan))
