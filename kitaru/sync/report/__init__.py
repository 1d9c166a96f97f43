"""Render plans, apply results and manifest findings: text, json, markdown, github.

``view.build`` turns a Plan (and an ApplyResult) into one report view; ``text``,
``json_format``, ``markdown`` and ``github`` only format that view. Renderers see key
names, sources, actions and drift: never a value, never a hash of one. Names, keys, IDs
and error texts may come from the store (written by any user of the server), so each
format escapes every one of them through ``kitaru.safe_text``.

Each renderer is imported only when its format is asked for: ``validate -o github``
needs ``finding_annotation`` and nothing of the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kitaru.checks.findings import Finding
    from kitaru.sync.apply import ApplyResult
    from kitaru.sync.plan import Plan

FORMAT_VERSION = 1  # of the plan/apply report and the findings document
FORMATS = ("text", "json", "markdown", "github")

__all__ = ["FORMATS", "FORMAT_VERSION", "render", "render_findings", "report_data"]


def render(plan: Plan, fmt: str, *, result: ApplyResult | None = None, color: bool = False) -> str:
    """A plan (``result=None``) or an apply result in one of ``FORMATS``."""
    from kitaru.sync.report.view import build

    view = build(plan, result)
    if fmt == "json":
        from kitaru.sync.report.json_format import render_json

        return render_json(view)
    if fmt == "markdown":
        from kitaru.sync.report.markdown import render_markdown

        return render_markdown(view)
    if fmt == "github":
        from kitaru.sync.report.github import render_github

        return render_github(view)
    from kitaru.sync.report.text import render_text

    return render_text(view, color)


def report_data(plan: Plan, result: ApplyResult | None = None) -> dict[str, Any]:
    """The JSON report as data, for callers that want no text to parse back (MCP, tests)."""
    from kitaru.sync.report import json_format
    from kitaru.sync.report.view import build

    return json_format.report_data(build(plan, result))


def render_findings(findings: Sequence[Finding], fmt: str) -> str:
    """Manifest problems: one line each (``github``: one annotation each)."""
    if fmt == "json":
        from kitaru.safe_text import to_json

        return to_json(
            {"format_version": FORMAT_VERSION, "errors": [f.as_json() for f in findings]}
        )
    if fmt == "github":
        from kitaru.sync.report.github import finding_annotation

        return "\n".join(finding_annotation(f) for f in findings)
    return "\n".join(f.render() for f in findings)
