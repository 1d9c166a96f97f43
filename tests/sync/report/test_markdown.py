"""The Markdown report: a table per secret; after an apply, a column saying fixed or left."""

from __future__ import annotations

from kitaru.sync.report.markdown import render_markdown
from kitaru.sync.report.view import build
from tests.sync.report.scenarios import plan_and_result


def test_a_plan_has_four_drift_columns() -> None:
    plan, _ = plan_and_result()
    out = render_markdown(build(plan))
    assert "| Drift | Secret | Key | Detail |\n|---|---|---|---|\n" in out
    assert "After apply" not in out
    assert out.endswith(
        "_Plan: 1 to create, 1 to update, 0 unchanged; 3 drift finding(s); "
        "1 unmanaged secret(s) in the store._"
    )


def test_apply_says_fixed_or_left_for_each_drift_finding() -> None:
    plan, result = plan_and_result()
    out = render_markdown(build(plan, result))
    assert "| Drift | Secret | Key | Detail | After apply |\n|---|---|---|---|---|\n" in out
    rows = {line.split(" | ")[0]: line for line in out.splitlines() if line.count("|") == 6}
    assert rows["| value"].endswith("| fixed |") and rows["| extra_key"].endswith("| fixed |")
    assert rows["| shadowed"].endswith("| left |")
    assert "| `fresh` | public | created | + `B_KEY` |" in out


def test_a_failed_write_says_why_in_its_row() -> None:
    plan, result = plan_and_result(fail=True)
    out = render_markdown(build(plan, result))
    assert "| `drifted` | private | FAILED: updating secret 'drifted': refused |" in out
