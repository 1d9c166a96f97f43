"""Times, ``age`` drift and ``--target`` in every report format (never a value)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from kitaru.sync.age import with_age
from kitaru.sync.plan import Plan
from kitaru.sync.report import FORMATS, render
from tests.sync.report.scenarios import CANARY, plan_and_result

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
UPDATED = NOW - timedelta(days=120)


def _aged(plan: Plan) -> Plan:
    secrets = tuple(
        replace(s, created=UPDATED, updated=UPDATED) if s.secret_id else s for s in plan.secrets
    )
    targeted = replace(plan, secrets=secrets, targets=("drifted", "fresh"))
    return with_age(targeted, NOW, timedelta(days=90))


def test_every_format_shows_age_drift_and_targets_and_no_value() -> None:
    plan = _aged(plan_and_result()[0])
    for fmt in FORMATS:
        shown = render(plan, fmt)
        assert (
            "--max-age 90d (last updated 120d ago, 2026-08-03T12:00:00.000000Z)"
            in shown.replace("\\", "")
        )
        assert CANARY not in shown
    text = render(plan, "text")
    assert "Targeted (--target): drifted, fresh; the manifest's other secrets left out" in text
    assert "update          updated 120d ago" in text
    markdown = render(plan, "markdown").splitlines()
    assert markdown[1:4] == [
        "",
        "Targeted (`--target`): `drifted`, `fresh`; the manifest's other secrets left out.",
        "",
    ]
    assert "::warning file=secrets.yaml" in render(plan, "github")


def test_json_times_are_iso_utc_or_null() -> None:
    payload = json.loads(render(_aged(plan_and_result()[0]), "json"))
    assert (payload["targets"], payload["max_age"]) == (["drifted", "fresh"], "90d")
    times = {s["name"]: (s["created"], s["updated"]) for s in payload["secrets"]}
    assert times == {
        "drifted": ("2026-08-03T12:00:00.000000Z", "2026-08-03T12:00:00.000000Z"),
        "fresh": (None, None),
    }
    assert [d["kind"] for d in payload["drift"]].count("age") == 1
    plain = json.loads(render(plan_and_result()[0], "json"))
    assert (plain["targets"], plain["max_age"]) == ([], None)


def test_an_apply_report_shows_no_stale_relative_time() -> None:
    plan, result = plan_and_result()
    aged = _aged(plan)
    from kitaru.sync.apply import ApplyResult

    redone = ApplyResult(
        aged,
        tuple(replace(o, plan=s) for o, s in zip(result.outcomes, aged.secrets, strict=True)),
        result.writes,
    )
    assert " ago" not in render(aged, "text", result=redone).split("\n\n")[1]
