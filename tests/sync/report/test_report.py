"""The package's entry points: ``render`` in every format, ``render_findings``, re-exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kitaru.sync.report as report
from kitaru.checks.findings import Finding
from kitaru.sync.report import render, render_findings
from tests.conftest import Cli
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


def test_the_report_knows_nothing_of_terminals_or_github_environments() -> None:
    """Colour, progress and ::add-mask:: live in the CLI (kitaru.cli.terminal/github)."""
    for name in ("mask_commands", "Progress", "use_color", "stderr_is_tty"):
        assert not hasattr(report, name), name


MANIFEST = """\
version: 1
secrets:
  - name: report-app
    prune: true
    keys: [REPORT_TOKEN]
"""


def test_the_cli_apply_says_which_drift_it_fixed(
    kitaru_env: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through a real store: a changed value and an extra key, fixed by ``apply --prune``."""
    from kitaru.store import open_store

    open_store().list_all()  # ZenML's first-run lines are not the CLI's output
    cli = Cli()
    path = tmp_path / "secrets.yaml"
    path.write_text(MANIFEST)
    monkeypatch.setenv("REPORT_TOKEN", CANARY)
    assert cli("secrets", "apply", "-f", str(path)).exit_code == 0
    assert (
        cli("secrets", "set", "report-app", "--public", "--REPORT_TOKEN=x", "--OLD=y").exit_code
        == 0
    )
    dry = cli("secrets", "apply", "-f", str(path), "--prune", "--dry-run", "-o", "json")
    assert {d["fixed"] for d in json.loads(dry.stdout)["drift"]} == {None}
    applied = cli("secrets", "apply", "-f", str(path), "--prune", "-o", "json")
    fixed = {(d["kind"], d["key"]): d["fixed"] for d in json.loads(applied.stdout)["drift"]}
    assert fixed == {("value", "REPORT_TOKEN"): True, ("extra_key", "OLD"): True}
    assert cli("secrets", "set", "report-app", "--public", "--REPORT_TOKEN=z").exit_code == 0
    assert cli("secrets", "set", "report-app", "--public", "--OLD=y").exit_code == 0
    text = cli("secrets", "apply", "-f", str(path), "--detailed-exitcode")
    assert text.exit_code == 2  # the extra key is left: no --prune
    assert "\nDrift fixed by this apply:\n  = report-app/REPORT_TOKEN: value:" in text.stdout
    assert "\nDrift left:\n  ! report-app/OLD: extra_key:" in text.stdout
    assert CANARY not in text.stdout + applied.stdout + dry.stdout
