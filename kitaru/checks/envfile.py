"""`kitaru secrets validate-env`: lint committed ``.env``-style files (``.env.example``).

Reads the lines python-dotenv and docker's ``--env-file`` read (``KEY=value``, optional
``export``, quoted values that may span lines, ``#`` comments, bare ``KEY``) and reports
bad key names, keys that change how programs start (KS206: the file's keys become secrets'
keys and environment variables), duplicates, spaces around ``=`` and values that look like
real credentials.
No message ever contains a value: keys are named, values only described.
"""

from __future__ import annotations

import re
from pathlib import Path

from kitaru.checks.credentials import Suspect, classify, find_suspects, redact_findings
from kitaru.checks.findings import Finding, Severity
from kitaru.checks.suppress import apply_allows
from kitaru.checks.text import decode, not_utf8, read_file, split_lines
from kitaru.dotenv_reader import bad_lines
from kitaru.naming import (
    case_problem,
    collision_problem,
    key_problem,
    named,
    steering_problem,
)

_EXPORT = re.compile(r"export[ \t]+")
_KEY = re.compile(r"[^=\s#]+")
_BLANK = re.compile(r"[ \t]*")
_DOUBLE_QUOTED_END = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)
_SINGLE_QUOTED_END = re.compile(r"[^']*'")


class _Linter:
    """Walks the file once; quoted values may consume following lines."""

    def __init__(self, lines: list[str], path: str) -> None:
        self.lines = lines
        self.path = path
        self.findings: list[Finding] = []
        self.suspect_texts: list[str] = []
        self.keys: dict[str, int] = {}
        self.folded: dict[str, tuple[str, int]] = {}

    def add(self, line: int, col: int, code: str, message: str, warning: bool = False) -> None:
        severity = Severity.warning if warning else Severity.error
        self.findings.append(Finding(self.path, line, col, code, message, severity))

    def run(self) -> list[Finding]:
        index = 0
        while index < len(self.lines):
            index = self._line(index) + 1
        return self.findings

    def _line(self, index: int) -> int:
        """Lint the entry starting on line ``index``; returns the last line it used."""
        line = self.lines[index]
        number = index + 1
        indent = len(line) - len(line.lstrip())
        rest = line[indent:]
        if not rest or rest.startswith("#"):
            return index
        col = indent + 1
        export = _EXPORT.match(rest)
        if export:
            col += export.end()
            rest = rest[export.end() :]
        key_match = _KEY.match(rest)
        key = key_match.group() if key_match else ""
        after = rest[len(key) :]
        before_eq = _BLANK.match(after)
        gap = before_eq.end() if before_eq else 0
        tail = after[gap:]
        if not key:
            self.add(number, col, "KS401", "expected KEY=value: the key is missing")
            return index
        suspect = self._suspect(key)
        if suspect is not None:
            message = f"expected KEY=value, found what looks like {suspect.describe()}"
            self.add(number, col, "KS401", message)
            return index
        if tail and not tail.startswith(("=", "#")):
            self.add(number, col, "KS401", "expected KEY=value (or a # comment)")
            return index
        self._key(key, number, col)
        if not tail.startswith("="):
            return index  # a bare KEY: docker passes the variable through
        value_text = tail[1:]
        after_eq = _BLANK.match(value_text)
        spaces_after = after_eq.end() if after_eq else 0
        value_text = value_text[spaces_after:]
        eq_col = col + len(key) + gap
        if gap or (spaces_after and value_text):
            message = (
                f"spaces around '=' in {named(key)}: write {named(key)}=value "
                "(sh and docker --env-file read the spaces differently)"
            )
            self.add(number, eq_col, "KS402", message)
        value_col = eq_col + 1 + spaces_after
        return self._value(key, value_text, index, value_col)

    def _suspect(self, text: str) -> Suspect | None:
        hit = classify(text)
        if hit is not None:
            return Suspect(*hit, 0, len(text))
        found = find_suspects(text)
        return found[0] if found else None

    def _key(self, key: str, number: int, col: int) -> None:
        problem = key_problem(key)
        if problem is not None:
            self.add(number, col, *problem)
            return
        for warning in (case_problem(key), steering_problem(key)):
            if warning is not None:
                self.add(number, col, *warning, warning=True)
        first = self.keys.setdefault(key, number)
        if first != number:
            self.add(number, col, "KS403", f"duplicate key {key} (first at line {first})")
            return
        folded, folded_line = self.folded.setdefault(key.upper(), (key, number))
        collision = collision_problem(key, folded, folded_line)
        if collision is not None:
            self.add(number, col, *collision)

    def _value(self, key: str, text: str, index: int, col: int) -> int:
        """Check the value that starts at ``text``; returns the line it ends on."""
        quote = text[:1]
        last = index
        if quote in ("'", '"'):
            end = _DOUBLE_QUOTED_END if quote == '"' else _SINGLE_QUOTED_END
            body = text[1:]
            closing = end.match(body)
            while closing is None and last + 1 < len(self.lines):
                last += 1
                body += "\n" + self.lines[last]
                closing = end.match(body)
            if closing is None:
                self.add(
                    index + 1, col, "KS401", f"the quoted value of {named(key)} is never closed"
                )
                return len(self.lines) - 1
            value = closing.group()[:-1]
        else:
            value = re.split(r"[ \t]#", text, maxsplit=1)[0].rstrip()
        suspect = self._suspect(value) if value else None
        if suspect is not None:
            self.suspect_texts.append(value)
            message = (
                f"the value of {named(key)} looks like a real credential, {suspect.describe()}: "
                "commit placeholders, never real values"
            )
            self.add(index + 1, col, "KS404", message, warning=True)
        return last


def _unreadable(text: str, lines: list[str], path: str, found: list[Finding]) -> list[Finding]:
    """KS401 wherever the reader of plan/apply/set refuses a line the linter let pass."""
    flagged = {f.line for f in found if f.severity is Severity.error}
    extra: list[Finding] = []
    for bad in bad_lines(text.removeprefix("\ufeff")):
        if bad.line in flagged or bad.line > len(lines):
            continue
        line = lines[bad.line - 1]
        col = len(line) - len(line.lstrip()) + 1
        message = f"expected KEY=value: {bad.reason}"
        extra.append(Finding(path, bad.line, col, "KS401", message))
    return extra


def validate_env(data: str | bytes, path: str) -> list[Finding]:
    """Every finding for one ``.env``-style file, sorted by position."""
    text = decode(data)
    if text is None:
        assert isinstance(data, bytes)  # a str always decodes
        return [not_utf8(data, path, "file")]
    lines = split_lines(text)
    linter = _Linter(lines, path)
    findings = linter.run() + _unreadable(text, lines, path, linter.findings)
    findings = apply_allows(findings, lines, path)
    return sorted(set(redact_findings(findings, linter.suspect_texts)))


def validate_env_file(path: str | Path) -> list[Finding]:
    """Findings for the ``.env``-style file at ``path``; an unreadable file is KS007."""
    data = read_file(path, "file")
    return [data] if isinstance(data, Finding) else validate_env(data, str(path))
