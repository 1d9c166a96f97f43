"""`validate` on manifests: the corpus with exact findings, lint rules, allow comments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kitaru.checks.findings import CONFIGURED, RULES, Severity
from kitaru.checks.validate import validate_manifest, validate_manifest_file
from kitaru.sync.manifest import parse_manifest
from tests.conftest import REPO

CORPUS = Path(__file__).parent / "corpus" / "manifests"
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (KS\d{3})$", re.MULTILINE)
GOOD = sorted((CORPUS / "good").glob("*.yaml"))
BAD = sorted((CORPUS / "bad").glob("*.yaml"))


def expected(path: Path) -> list[tuple[int, int, str]]:
    text = path.read_bytes().decode("utf-8", "replace")
    return [(int(line), int(col), code) for line, col, code in EXPECT.findall(text)]


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_manifest_gives_exactly_the_expected_findings(path: Path) -> None:
    want = expected(path)
    assert want, f"{path.name} has no '# expect: line:col CODE' lines"
    findings = validate_manifest_file(path)
    assert [(f.line, f.col, f.code) for f in findings] == want
    for finding in findings:
        assert finding.path == str(path)
        assert finding.code in RULES
        rendered = finding.render()
        assert rendered.startswith(f"{path}:{finding.line}:{finding.col}: {finding.code} ")
        assert "\n" not in rendered


@pytest.mark.parametrize("path", [*GOOD, REPO / "examples" / "secrets.yaml"], ids=lambda p: p.stem)
def test_good_manifest_has_no_findings(path: Path) -> None:
    assert validate_manifest_file(path) == []
    manifest, findings = parse_manifest(path.read_bytes(), str(path))
    assert manifest is not None and findings == []


def test_corpus_covers_every_manifest_rule() -> None:
    seen = {code for path in BAD for _, _, code in expected(path)}
    # the team rules that need a configuration are covered in tests/config
    manifest_rules = {code for code in RULES if not code.startswith("KS4")} - CONFIGURED
    assert manifest_rules <= seen


def test_lint_warnings_do_not_make_the_loader_reject_the_manifest() -> None:
    text = "version: 1\nsecrets:\n  - name: app\n    keys: [api_key]\n"
    assert parse_manifest(text, "m.yaml")[0] is not None
    (finding,) = validate_manifest(text, "m.yaml")
    assert (finding.code, finding.severity, finding.line, finding.col) == (
        "KS202",
        Severity.warning,
        4,
        12,
    )
    assert finding.render() == (
        "m.yaml:4:12: KS202 warning: key api_key is not UPPER_CASE; "
        "environment variables are conventionally written API_KEY"
    )


def test_lint_rules_also_run_beside_loader_errors() -> None:
    text = "version: 1\nsecrets:\n  - name: app\n    keys: [api_key]\n    extra: 1\n"
    assert [f.code for f in validate_manifest(text, "m.yaml")] == ["KS202", "KS003"]


def test_case_collision_names_the_first_key_and_its_line() -> None:
    text = "version: 1\nsecrets:\n  - name: app\n    keys:\n      - DB_URL\n      - key: Db_Url\n"
    codes = {f.code: f for f in validate_manifest(text, "m.yaml")}
    assert codes["KS203"].message.startswith("key Db_Url collides with DB_URL (line 5)")
    assert (codes["KS203"].line, codes["KS203"].col) == (6, 14)


def test_same_key_in_two_secrets_is_fine() -> None:
    text = "version: 1\nsecrets:\n  - name: a\n    keys: [K]\n  - name: b\n    keys: [K, k]\n"
    assert [f.code for f in validate_manifest(text, "m.yaml")] == ["KS202", "KS203"]


def test_allow_comment_silences_only_its_own_line() -> None:
    text = (
        "version: 1\n"
        "secrets:\n"
        "  - name: app\n"
        "    keys:\n"
        "      - api_key  # kitaru: allow KS202\n"
        "      - db_key\n"
    )
    assert [(f.line, f.code) for f in validate_manifest(text, "m.yaml")] == [(6, "KS202")]


def test_allow_comment_can_silence_an_error() -> None:
    text = (
        "version: 1\n"
        "secrets:\n"
        "  - name: app  # kitaru: allow KS104\n"
        "    keys: [A]\n"
        "  - name: app  # kitaru: allow KS104\n"
        "    keys: [B]\n"
    )
    # the first comment silences nothing (the duplicate is reported on line 5)
    assert [(f.line, f.code) for f in validate_manifest(text, "m.yaml")] == [(3, "KS901")]


def test_unused_allow_is_not_judged_when_the_yaml_does_not_parse() -> None:
    text = "version: 1  # kitaru: allow KS202\nsecrets: [\n"
    assert [f.code for f in validate_manifest(text, "m.yaml")] == ["KS001"]


def test_credential_in_a_flagged_line_is_reported_once() -> None:
    text = "version: 1\nsecrets:\n  - name: app\n    keys:\n      - KEY: AKIAIOSFODNN7EXAMPLE\n"
    findings = validate_manifest(text, "m.yaml")
    assert [(f.line, f.code) for f in findings] == [(5, "KS301")]


def test_messages_never_quote_suspected_credentials() -> None:
    token = "Zq8" + "xW2kP9vR4tY7mN1bC6dF3gH5jL0s"
    secret = f"  - name: {token}\n    keys: [A]\n"
    text = f"version: 1\nsecrets:\n{secret}{secret}"
    findings = validate_manifest(text, "m.yaml")
    assert {f.code for f in findings} == {"KS301", "KS104"}
    assert all(token not in f.render() for f in findings)
    assert all(token[4:20] not in f.render() for f in findings)


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    (finding,) = validate_manifest_file(tmp_path)
    assert (finding.code, finding.line, finding.col) == ("KS007", 1, 1)


def test_windows_line_endings_keep_positions() -> None:
    text = (
        "version: 1\r\nsecrets:\r\n  - name: app\r\n    keys: [api_key]  # kitaru: allow KS203\r\n"
    )
    findings = validate_manifest(text, "m.yaml")
    assert [(f.line, f.col, f.code) for f in findings] == [(4, 12, "KS202"), (4, 22, "KS901")]
