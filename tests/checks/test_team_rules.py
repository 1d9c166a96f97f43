"""The team's rules (KS501-KS505): each finding at its place, and only when configured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kitaru.checks.findings import RULES
from kitaru.checks.team_rules import REGISTRY
from kitaru.checks.validate import validate_manifest
from kitaru.config.options import DEFAULT, RULE_OPTIONS, Config, parse

MANIFEST = """\
version: 1
secrets:
  - name: payments-db
    keys: [DB_PASSWORD, api_key, AWS_SECRET, PATH]
  - name: billing-prod
    keys:
      - key: TOKEN__X
        from: BILLING_TOKEN
  - name: Old_Name
    state: absent
"""


def config(rules: dict[str, Any], **top: Any) -> Config:
    return parse({**top, "rules": rules}, Path("/repo/kitaru.toml"))


def found(text: str, cfg: Config) -> list[tuple[int, int, str, str]]:
    return [
        (f.line, f.col, f.code, f.message)
        for f in validate_manifest(text, "s.yaml", cfg)
        if f.code.startswith("KS5")
    ]


def test_without_configuration_no_team_rule_runs() -> None:
    assert found(MANIFEST, DEFAULT) == []


def test_key_pattern() -> None:
    got = found(MANIFEST, config({"key-pattern": "[A-Z][A-Z0-9]*(_[A-Z0-9]+)*"}))
    assert [g for g in got if g[2] == "KS501"] == [
        (4, 25, "KS501", "key api_key does not match the key-pattern"),
        (7, 14, "KS501", "key TOKEN__X does not match the key-pattern"),
    ]


def test_secret_name_pattern_skips_nothing_but_reports_each_name_once() -> None:
    got = found(MANIFEST, config({"secret-name-pattern": "[a-z]+-(db|prod)"}))
    assert [g for g in got if g[2] == "KS502"] == [
        (9, 11, "KS502", "secret name 'Old_Name' does not match the secret-name-pattern")
    ]


def test_must_be_private_ignores_private_and_absent_secrets() -> None:
    cfg = config({"must-be-private": ["*-prod", "Old*"]})
    assert [g for g in found(MANIFEST, cfg) if g[2] == "KS503"] == [
        (
            5,
            11,
            "KS503",
            "secret 'billing-prod' must be declared `private: true` (must-be-private '*-prod')",
        )
    ]
    private = MANIFEST.replace(
        "  - name: billing-prod\n", "  - name: billing-prod\n    private: true\n"
    )
    assert [g for g in found(private, cfg) if g[2] == "KS503"] == []


def test_required_keys_names_each_missing_key_once() -> None:
    cfg = config({"required-keys": {"*-db": ["DB_URL", "DB_PASSWORD"], "payments-*": ["DB_URL"]}})
    assert [g for g in found(MANIFEST, cfg) if g[2] == "KS504"] == [
        (3, 11, "KS504", "secret 'payments-db' must declare key DB_URL (required-keys '*-db')")
    ]


def test_forbidden_keys_are_the_teams_beside_the_steering_keys() -> None:
    got = [g[:3] for g in found(MANIFEST, config({"forbidden-keys": ["AWS_*", "PATH"]}))]
    assert got == [(4, 34, "KS505")]  # PATH is KS206's: never reported twice


def test_team_findings_render_in_every_output_format() -> None:
    (finding,) = [
        f
        for f in validate_manifest(MANIFEST, "s.yaml", config({"key-pattern": "[A-Z_]+"}))
        if f.code == "KS501"
    ]
    assert finding.render() == "s.yaml:4:25: KS501 key api_key does not match the key-pattern"
    assert finding.as_json()["code"] == "KS501"


def test_names_that_look_like_credentials_are_never_quoted() -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    text = f"version: 1\nsecrets:\n  - name: {token}\n    keys: [{token}]\n"
    cfg = config(
        {
            "key-pattern": "[a-z]+",
            "secret-name-pattern": "[a-z]+",
            "must-be-private": ["*"],
            "required-keys": {"*": ["X"]},
        }
    )
    findings = validate_manifest(text, "s.yaml", cfg)
    assert findings and all(token not in f.render() for f in findings)


def test_the_registry_has_one_rule_per_option_each_documented() -> None:
    assert [rule.option for rule in REGISTRY] == [option.name for option in RULE_OPTIONS]
    assert all(rule.code in RULES for rule in REGISTRY)


@pytest.mark.parametrize("allow", ["KS501", "KS505"])
def test_allow_comments_silence_team_rules_on_their_line(allow: str) -> None:
    text = (
        f"version: 1\nsecrets:\n  - name: a\n    keys: [bad_key, PATH]  # kitaru: allow {allow}\n"
    )
    team = config({"key-pattern": "[A-Z]+", "forbidden-keys": ["PATH*"]})
    codes = [f.code for f in validate_manifest(text.replace("PATH]", "PATHS]"), "s.yaml", team)]
    assert allow not in codes
