"""Allow comments: silence one code on one line; a stale or malformed allow is reported."""

from __future__ import annotations

from kitaru.checks.findings import Finding, Severity
from kitaru.checks.suppress import ALLOW_CODE, allow_comments, apply_allows


def _finding(line: int, code: str) -> Finding:
    return Finding("f", line, 1, code, "m")


def test_allow_comments_are_found_with_their_column_and_codes() -> None:
    lines = ["a: 1", "b: 2  # kitaru: allow KS202 KS203", "# kitaru:allow", "c  # other"]
    assert allow_comments(lines) == {2: (7, ["KS202", "KS203"]), 3: (1, [])}


def test_an_allow_silences_only_the_codes_it_names_on_its_line() -> None:
    lines = ["x  # kitaru: allow KS202", "y"]
    kept = apply_allows(
        [_finding(1, "KS202"), _finding(1, "KS201"), _finding(2, "KS202")], lines, "f"
    )
    assert [(f.line, f.code) for f in kept] == [(1, "KS201"), (2, "KS202")]


def test_stale_unknown_and_empty_allows_are_warnings() -> None:
    lines = ["x  # kitaru: allow KS202", "y  # kitaru: allow KS999", "z  # kitaru: allow"]
    kept = apply_allows([], lines, "f")
    assert [(f.line, f.code, f.severity) for f in kept] == [
        (1, ALLOW_CODE, Severity.warning),
        (2, ALLOW_CODE, Severity.warning),
        (3, ALLOW_CODE, Severity.warning),
    ]
    assert "silences nothing" in kept[0].message and "not a rule code" in kept[1].message


def test_an_allow_cannot_silence_itself_nor_be_judged_when_the_file_did_not_parse() -> None:
    lines = ["x  # kitaru: allow KS901 KS202"]
    kept = apply_allows([_finding(1, "KS001")], lines, "f")
    assert [(f.code, "KS901" in f.message) for f in kept] == [("KS001", False), (ALLOW_CODE, True)]
