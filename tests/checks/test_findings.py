"""Findings: one line per problem, stable codes, JSON for reports."""

from __future__ import annotations

import re

from kitaru.checks.findings import RULES, Finding, Severity
from tests.conftest import REPO


def test_a_finding_renders_as_path_line_col_code_message() -> None:
    error = Finding("secrets.yaml", 4, 12, "KS201", "invalid key name '1A'")
    warning = Finding("secrets.yaml", 4, 12, "KS202", "key a is not UPPER_CASE", Severity.warning)
    assert error.render() == "secrets.yaml:4:12: KS201 invalid key name '1A'"
    assert warning.render() == "secrets.yaml:4:12: KS202 warning: key a is not UPPER_CASE"
    assert error.is_error and not warning.is_error


def test_json_names_every_field() -> None:
    finding = Finding("m.yaml", 1, 2, "KS003", "unknown field", Severity.warning)
    assert finding.as_json() == {
        "file": "m.yaml",
        "line": 1,
        "col": 2,
        "code": "KS003",
        "severity": "warning",
        "message": "unknown field",
    }


def test_findings_sort_by_file_then_position() -> None:
    later = Finding("a", 2, 1, "KS001", "x")
    earlier = Finding("a", 1, 9, "KS999", "y")
    assert sorted([later, earlier, Finding("0", 9, 9, "KS001", "z")])[1:] == [earlier, later]


def test_every_rule_code_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    assert all(re.fullmatch(r"KS\d{3}", code) for code in RULES)
    assert [code for code in RULES if f"| {code} |" not in readme] == []
