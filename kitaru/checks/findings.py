"""Positioned findings with stable rule codes, shared by the manifest loader and validate.

A finding is rendered as ``path:line:col: CODE message``; codes never change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    error = "error"
    warning = "warning"


# code -> one-line description (documented in the README with an example each)
RULES: dict[str, str] = {
    # structure (the manifest loader)
    "KS001": "YAML syntax error",
    "KS002": "duplicate YAML mapping key",
    "KS003": "unknown field",
    "KS004": "wrong type or invalid value",
    "KS005": "required field missing (e.g. version)",
    "KS006": "unsupported manifest version",
    "KS007": "the file could not be read, or is not a mapping",
    # secret names
    "KS101": "secret name is empty",
    "KS102": "secret name longer than 255 characters",
    "KS103": "secret name has characters outside the safe set [A-Za-z0-9._-]",
    "KS104": "duplicate secret (same name and visibility)",
    "KS105": "secret name has the shape of an ID (a UUID)",
    "KS106": "the same secret (name and visibility) declared in two listed manifests",
    # key names
    "KS201": "key name is not environment-variable style",
    "KS202": "key name is not UPPER_CASE (warning)",
    "KS203": "key names collide ignoring case",
    "KS204": "duplicate key in a secret",
    "KS205": "`from:` is not a valid environment variable name",
    "KS206": "key changes how programs start; run/export refuse it unless --allow-key (warning)",
    # values
    "KS301": "looks like an inline credential: manifests hold names, never values",
    # .env files (validate-env)
    "KS401": "line is not KEY=value",
    "KS402": "spaces around `=`",
    "KS403": "duplicate key in .env file",
    "KS404": "value looks like a real credential (warning)",
    # the team's rules ([tool.kitaru.rules]; each runs when configured)
    "KS501": "key name does not match the team's key-pattern",
    "KS502": "secret name does not match the team's secret-name-pattern",
    "KS503": "secret must be private (the team's must-be-private)",
    "KS504": "secret lacks a key the team requires (required-keys)",
    "KS505": "key the team forbids (forbidden-keys)",
    # allow comments
    "KS901": "`# kitaru: allow` comment that silences nothing (warning)",
}

# Codes a configuration may neither ignore nor re-grade: the manifest loader's (plan and
# apply refuse a manifest with them, so validate must too) and credential detection (a pull
# request must not silence it for a whole repository; `# kitaru: allow` works line by line).
FIXED: frozenset[str] = frozenset(
    {
        *(f"KS00{n}" for n in range(1, 8)),
        *(f"KS10{n}" for n in range(1, 7)),
        "KS201",
        "KS204",
        "KS205",
        "KS301",
        "KS404",
    }
)
# Codes that run only when the configuration sets their rule.
CONFIGURED: frozenset[str] = frozenset({"KS106", "KS501", "KS502", "KS503", "KS504", "KS505"})


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. ``message`` must never contain a secret value."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.error

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.error

    def as_json(self) -> dict[str, object]:
        """The finding in the JSON reports of `plan`/`apply` and `validate`."""
        return {
            "file": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }

    def render(self) -> str:
        """``path:line:col: CODE message`` for a terminal. The path is a file's name as
        found (a ``manifests`` glob finds names a pull request chose): its control
        characters are shown escaped, never sent to the terminal."""
        from kitaru.safe_text import for_terminal

        label = "" if self.severity is Severity.error else "warning: "
        return for_terminal(
            f"{self.path}:{self.line}:{self.col}: {self.code} {label}{self.message}"
        )
