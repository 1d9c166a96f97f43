"""A plan or apply that stopped before its report still answers in the asked format.

``-o json`` gets one error document, the manifest findings' own shape
(``{"format_version": 1, "errors": [...]}``) whatever failed; ``-o github`` one error
annotation per problem. text and markdown print nothing on stdout: stderr has every line.
"""

from __future__ import annotations

from typing import Any

from kitaru.errors import KitaruError
from kitaru.safe_text import to_json
from kitaru.sync.pipeline import ManifestProblems
from kitaru.sync.report import FORMAT_VERSION, render_findings
from kitaru.sync.report.github import annotation


def error_entries(err: KitaruError) -> list[dict[str, Any]]:
    """One entry per problem, shaped like ``Finding.as_json`` (no place or code when the
    problem is not a manifest finding)."""
    if isinstance(err, ManifestProblems):
        return [finding.as_json() for finding in err.problems]
    return [
        {
            "file": None,
            "line": None,
            "col": None,
            "code": None,
            "severity": "error",
            "message": line,
        }
        for line in str(err).splitlines()
    ]


def render_error(err: KitaruError, fmt: str) -> str | None:
    """What stdout carries for ``err`` in ``fmt``; None where stderr alone reports it."""
    if fmt == "json":
        return to_json({"format_version": FORMAT_VERSION, "errors": error_entries(err)})
    if fmt == "github":
        if isinstance(err, ManifestProblems):
            return render_findings(err.problems, "github")
        return "\n".join(
            annotation("error", line, title="kitaru") for line in str(err).splitlines()
        )
    return None
