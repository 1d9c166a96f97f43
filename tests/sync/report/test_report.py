"""The package's entry points: ``render`` in every format, ``render_findings``, re-exports."""

from __future__ import annotations

import json

import pytest

import kitaru.sync.report as report
from kitaru.sync.findings import Finding
from kitaru.sync.report import render, render_findings
from tests.sync.report.scenarios import CANARY, plan_and_result


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github"])
def test_every_format_names_keys_and_drift_but_no_value(fmt: str) -> None:
    plan, result = plan_and_result()
    for out in (render(plan, fmt), render(plan, fmt, result=result)):
        assert CANARY not in out
        assert "drifted" in out and "fresh" in out
        assert "shadowed" in out


def test_findings_render_one_line_each() -> None:
    findings = [Finding("m.yaml", 3, 5, "KS003", "unknown field 'privte'")]
    assert render_findings(findings, "text") == "m.yaml:3:5: KS003 unknown field 'privte'"
    assert render_findings(findings, "github").startswith(
        "::error file=m.yaml,line=3,col=5,title=kitaru KS003::KS003 unknown field"
    )
    assert json.loads(render_findings(findings, "json"))["errors"][0]["line"] == 3


def test_the_old_names_still_import_from_here() -> None:
    from kitaru.cli import github, terminal

    assert report.mask_commands is github.mask_commands
    assert (report.Progress, report.use_color) == (terminal.Progress, terminal.use_color)
    assert not hasattr(report, "stderr_is_tty")
