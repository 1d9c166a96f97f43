"""`validate-env`: .env-style files, exact findings, values never shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kitaru.checks.envfile import validate_env, validate_env_file
from kitaru.checks.findings import RULES, Severity

CORPUS = Path(__file__).parent / "corpus" / "env"
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (KS\d{3})$", re.MULTILINE)


def found(text: str) -> list[tuple[int, int, str]]:
    return [(f.line, f.col, f.code) for f in validate_env(text, ".env.example")]


@pytest.mark.parametrize("path", sorted((CORPUS / "bad").glob("*")), ids=lambda p: p.name)
def test_bad_env_file_gives_exactly_the_expected_findings(path: Path) -> None:
    want = [(int(a), int(b), c) for a, b, c in EXPECT.findall(path.read_text())]
    findings = validate_env_file(path)
    assert [(f.line, f.col, f.code) for f in findings] == want
    assert {code for _, _, code in want} >= {c for c in RULES if c.startswith("KS4")}
    text = path.read_text()
    for value in re.findall(r"^[A-Z_]+=(\S{12,})$", text, re.MULTILINE):
        assert all(value not in f.render() for f in findings)


@pytest.mark.parametrize("path", sorted((CORPUS / "good").glob("*")), ids=lambda p: p.name)
def test_good_env_file_has_no_findings(path: Path) -> None:
    assert validate_env_file(path) == []


def test_credential_values_are_warnings_described_not_shown() -> None:
    token = "gh" + "p_" + "Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h1J3k5"
    (finding,) = validate_env(f"GITHUB_TOKEN={token}\n", ".env.example")
    assert finding.severity is Severity.warning
    assert (finding.code, finding.line, finding.col) == ("KS404", 1, 14)
    assert "a GitHub token (ghp_…, 40 characters)" in finding.message
    assert token[4:] not in finding.render()


def test_keys_that_steer_programs_are_ks206_warnings_silenced_line_by_line() -> None:
    # An .env file's keys become a secret's keys and a program's environment: a pull request
    # adding BASH_ENV to .env.example is flagged as validate flags it in a manifest.
    text = (
        "API_KEY=\nBASH_ENV=./hook.sh\nexport LD_PRELOAD=\nPATH=/usr/bin  # kitaru: allow KS206\n"
    )
    findings = validate_env(text, ".env.example")
    assert [(f.line, f.col, f.code) for f in findings] == [(2, 1, "KS206"), (3, 8, "KS206")]
    assert all(f.severity is Severity.warning for f in findings)
    assert "BASH_ENV" in findings[0].message and "./hook.sh" not in findings[0].render()


def test_placeholders_and_empty_values_pass() -> None:
    text = "A=\nB=changeme\nC=<your key>\nD=sk-your-key-here\nE=${OTHER}\nF='quoted value'\n"
    assert found(text) == []


def test_spacing_is_reported_at_the_equals_sign() -> None:
    assert found("KEY =value\nKEY2= value\nKEY3 = value\n") == [
        (1, 5, "KS402"),
        (2, 5, "KS402"),
        (3, 6, "KS402"),
    ]


def test_trailing_spaces_after_an_empty_value_are_not_spacing() -> None:
    assert found("KEY=   \n") == []


def test_comment_after_an_equals_with_a_space_is_reported() -> None:
    # sh and docker read `KEY= # note` differently from python-dotenv
    assert found("KEY= # note\n") == [(1, 4, "KS402")]


def test_export_prefix_and_indentation_shift_columns() -> None:
    assert found("  export api_key=1\n") == [(1, 10, "KS202")]


def test_multi_line_values_are_one_entry() -> None:
    text = 'NOTE="line one\nline = two\n  still the value"\nNEXT=1\nNOTE=again\n'
    assert found(text) == [(5, 1, "KS403")]


def test_escaped_quotes_do_not_close_the_value() -> None:
    assert found('A="say \\"hi\\" = x"\nB=2\n') == []


def test_unterminated_quote_stops_at_the_end() -> None:
    assert found("A='never\nB=1\n") == [(1, 3, "KS401")]


def test_windows_line_endings_and_bom() -> None:
    data = "\ufeffA=1\r\nb=2\r\n".encode()
    findings = validate_env(data, ".env")
    assert [(f.line, f.col, f.code) for f in findings] == [(2, 1, "KS202")]


def test_not_utf8_is_a_finding() -> None:
    (finding,) = validate_env(b"A=\xff\n", ".env")
    assert finding.code == "KS007"


def test_allow_comment_silences_the_warning_on_its_line() -> None:
    token = "AK" + "IA" + "Q7W9E2R4T6Y8U1I3"
    assert found(f"AWS_ACCESS_KEY_ID={token}  # kitaru: allow KS404\n") == []


def test_bare_token_line_is_not_echoed_as_a_key() -> None:
    token = "xo" + "xb-" + "123456789012-Q7w9E2r4T6y8U1i3"
    (finding,) = validate_env(f"{token}\n", ".env")
    assert finding.code == "KS401"
    assert token not in finding.render()
    assert "a Slack token (xoxb-…" in finding.message
