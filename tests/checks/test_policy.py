"""Rule selection and severity (kitaru.checks.policy), as ruff selects: select, extend-select,
ignore, per-file-ignores, severity; the fixed codes always run at their own severity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kitaru.checks.findings import FIXED, RULES, Severity
from kitaru.checks.policy import Policy
from kitaru.checks.validate import validate_manifest
from kitaru.config.options import DEFAULT, parse

ROOT = Path("/repo")
# KS202 (lowercase), KS203 (collision), KS206 (PATH steers programs), KS104 (duplicate, fixed)
TEXT = """\
version: 1
secrets:
  - name: app
    keys: [api_key, API_KEY, PATH]
  - name: app
    keys: [B]
"""


def codes(path: str = "/repo/secrets.yaml", **table: Any) -> list[tuple[str, Severity]]:
    config = parse(table, ROOT / "kitaru.toml") if table else DEFAULT
    return [(f.code, f.severity) for f in validate_manifest(TEXT, path, config)]


E, W = Severity.error, Severity.warning


def test_defaults_report_everything() -> None:
    assert codes() == [("KS202", W), ("KS203", E), ("KS206", W), ("KS104", E)]


def test_select_keeps_only_selected_codes_and_the_fixed_ones() -> None:
    assert codes(select=["KS20"]) == [("KS202", W), ("KS203", E), ("KS206", W), ("KS104", E)]
    assert codes(select=["KS206"]) == [("KS206", W), ("KS104", E)]


def test_extend_select_adds_to_select() -> None:
    assert codes(select=["KS202"], **{"extend-select": ["KS206"]}) == [
        ("KS202", W),
        ("KS206", W),
        ("KS104", E),
    ]


def test_ignore_removes_codes_and_prefixes() -> None:
    assert codes(ignore=["KS202", "KS206"]) == [("KS203", E), ("KS104", E)]
    assert codes(ignore=["KS"]) == [("KS104", E)]  # a prefix never reaches the fixed codes


def test_per_file_ignores_match_paths_relative_to_the_config() -> None:
    table = {"per-file-ignores": {"legacy/**": ["KS202", "KS203"], "other.yaml": ["KS206"]}}
    assert codes("/repo/legacy/a/secrets.yaml", **table) == [("KS206", W), ("KS104", E)]
    assert codes("/repo/secrets.yaml", **table) == codes()
    assert codes("/elsewhere/legacy/secrets.yaml", **table) == codes()  # outside its folder


def test_severity_regrades_a_rule() -> None:
    assert codes(severity={"KS202": "error", "KS206": "error"}) == [
        ("KS202", E),
        ("KS203", E),
        ("KS206", E),
        ("KS104", E),
    ]


def test_fixed_codes_are_always_enabled() -> None:
    policy = Policy(parse({"select": ["KS9"]}, ROOT / "kitaru.toml"), "/repo/s.yaml")
    assert policy.enabled_codes >= FIXED
    assert policy.enabled_codes == FIXED | {c for c in RULES if c.startswith("KS9")}
