"""GitHub annotations: escaped lines on manifest positions; fixed drift a notice, left a warning."""

from __future__ import annotations

from kitaru.checks.findings import Finding
from kitaru.sync.report.github import annotation, finding_annotation, render_github
from kitaru.sync.report.view import build
from tests.sync.report.scenarios import plan_and_result


def test_annotation_escapes_properties_and_data() -> None:
    line = annotation("warning", "a%b\nc", file="x,y:z.yaml", line=3, col=5, title="t")
    assert line == "::warning file=x%2Cy%3Az.yaml,line=3,col=5,title=t::a%25b%0Ac"
    assert annotation("notice", "m") == "::notice::m"


def test_github_annotations_point_at_manifest_lines() -> None:
    plan, _ = plan_and_result()
    out = render_github(build(plan))
    assert "::warning file=secrets.yaml,line=1,col=1,title=kitaru drift%3A shadowed::" in out
    assert "::notice file=secrets.yaml" in out and "title=kitaru would update::" in out


def test_apply_marks_drift_fixed_as_a_notice_and_drift_left_as_a_warning() -> None:
    plan, result = plan_and_result()
    out = render_github(build(plan, result))
    assert "::notice file=secrets.yaml,line=1,col=1,title=kitaru drift fixed%3A value::" in out
    assert "title=kitaru drift fixed%3A extra_key::drifted/EXTRA" in out
    assert "::warning file=secrets.yaml,line=1,col=1,title=kitaru drift left%3A shadowed::" in out
    assert "title=kitaru drift%3A" not in out


def test_a_dry_run_annotates_drift_as_a_plan_does() -> None:
    plan, result = plan_and_result(dry_run=True)
    out = render_github(build(plan, result))
    assert "title=kitaru drift%3A value::" in out and "fixed" not in out


def test_a_failed_write_is_an_error_annotation() -> None:
    plan, result = plan_and_result(fail=True)
    out = render_github(build(plan, result))
    assert (
        "::error file=secrets.yaml,line=1,col=1,title=kitaru apply failed::"
        "drifted (private): updating secret 'drifted': refused"
    ) in out


def test_a_finding_is_an_annotation_on_its_line() -> None:
    finding = Finding("m.yaml", 3, 5, "KS003", "unknown field 'privte'")
    assert finding_annotation(finding) == (
        "::error file=m.yaml,line=3,col=5,title=kitaru KS003::KS003 unknown field 'privte'"
    )
