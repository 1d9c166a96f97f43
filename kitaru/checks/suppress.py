"""Inline allow comments: ``# kitaru: allow KS202`` silences that code on its own line.

A comment that silences nothing (or names no known code) is itself reported (KS901, a
warning), so stale allows do not pile up. Used by `validate` and `validate-env`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kitaru.checks.findings import RULES, Finding, Severity

ALLOW_CODE = "KS901"
_ALLOW = re.compile(r"#\s*kitaru:\s*allow\b(?P<rest>[^\r\n]*)")
_CODE = re.compile(r"\b[A-Z]{2}\d{3}\b")
# Findings that mean the rules could not run: an allow cannot be judged unused then.
_UNPARSED = frozenset({"KS001", "KS007"})


def allow_comments(lines: Iterable[str]) -> dict[int, tuple[int, list[str]]]:
    """1-based line -> (1-based column of the comment, codes it names)."""
    found: dict[int, tuple[int, list[str]]] = {}
    for number, line in enumerate(lines, start=1):
        if "kitaru" not in line:
            continue
        match = _ALLOW.search(line)
        if match:
            found[number] = (match.start() + 1, _CODE.findall(match.group("rest")))
    return found


def apply_allows(findings: list[Finding], lines: list[str], path: str) -> list[Finding]:
    """Drop findings an allow comment on their line names; report allows that do nothing."""
    allows = allow_comments(lines)
    if not allows:
        return findings
    used: set[tuple[int, str]] = set()
    kept: list[Finding] = []
    for finding in findings:
        allow = allows.get(finding.line)
        if allow and finding.code in allow[1] and finding.code != ALLOW_CODE:
            used.add((finding.line, finding.code))
        else:
            kept.append(finding)
    judge_unused = not any(f.code in _UNPARSED for f in findings)
    for line, (col, codes) in sorted(allows.items()):
        if not codes:
            message = "allow comment names no rule code; write e.g. `# kitaru: allow KS202`"
            kept.append(Finding(path, line, col, ALLOW_CODE, message, Severity.warning))
        for code in codes:
            if code not in RULES or code == ALLOW_CODE:
                message = f"allow comment names {code}, which is not a rule code"
            elif judge_unused and (line, code) not in used:
                message = f"allow comment for {code} silences nothing on this line; remove it"
            else:
                continue
            kept.append(Finding(path, line, col, ALLOW_CODE, message, Severity.warning))
    return kept
