"""The text report: one line per secret; after an apply, drift fixed apart from drift left."""

from __future__ import annotations

from kitaru.sync.report.text import render_text
from kitaru.sync.report.view import build
from tests.sync.report.scenarios import plan_and_result


def test_a_plan_lists_drift_in_one_group() -> None:
    plan, _ = plan_and_result()
    out = render_text(build(plan))
    assert out.startswith("kitaru secrets plan: secrets.yaml\n")
    assert "\nDrift:\n  ! drifted: shadowed: a public secret" in out
    assert "\n  ! drifted/A_KEY: value: stored value differs from source\n" in out
    assert "fixed" not in out and "Drift left" not in out


def test_a_dry_run_lists_drift_as_a_plan_does() -> None:
    plan, result = plan_and_result(dry_run=True)
    out = render_text(build(plan, result))
    assert "\nDrift:\n" in out and "would change (dry run)" in out
    assert out.endswith(
        "Dry run: 1 to create, 1 to update, 0 unchanged; 3 drift finding(s); "
        "1 unmanaged secret(s) in the store."
    )


def test_apply_puts_drift_it_fixed_apart_from_drift_left() -> None:
    plan, result = plan_and_result()
    out = render_text(build(plan, result))
    fixed = out.split("\nDrift fixed by this apply:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    left = out.split("\nDrift left:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert fixed == [
        "  = drifted/A_KEY: value: stored value differs from source",
        "  = drifted/EXTRA: extra_key: stored key not declared (removed by --prune)",
    ]
    assert len(left) == 1 and left[0].startswith("  ! drifted: shadowed: a public secret")
    assert "\nDrift:\n" not in out
    assert "1 drift finding(s) left" in out


def test_only_left_drift_when_apply_fixed_none() -> None:
    plan, result = plan_and_result(fail=True)
    out = render_text(build(plan, result))
    assert "Drift fixed by this apply" not in out and "\nDrift left:\n" in out
    assert "  x drifted (private)" in out and "      updating secret 'drifted': refused" in out


def test_colour_only_when_asked() -> None:
    plan, result = plan_and_result(fail=True)
    assert "\x1b[" not in render_text(build(plan, result))
    coloured = render_text(build(plan, result), color=True)
    assert "\x1b[31mx\x1b[0m" in coloured and "\x1b[31mFAILED\x1b[0m" in coloured
    assert "\x1b[33m!\x1b[0m drifted: shadowed" in coloured
