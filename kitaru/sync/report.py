"""Render plans, apply results and manifest findings: text, json, markdown, github.

Renderers see key names, sources, actions and drift: never a value, never a hash of one.
The only exception is ``mask_commands``, whose whole job is to hand GitHub the values to
hide, and which the CLI prints first. Names, keys, IDs and error texts may come from the
store (written by any user of the server), so each format escapes every one of them
through ``kitaru.safe_text``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from kitaru.safe_text import (
    annotation_data,
    annotation_property,
    for_terminal,
    markdown_code,
    markdown_text,
    runner_data,
    to_json,
)
from kitaru.sync.apply import ApplyResult, SecretOutcome
from kitaru.sync.findings import Finding
from kitaru.sync.plan import INFORMATIONAL, Drift, KeyPlan, Plan, SecretPlan, visibility_word

FORMAT_VERSION = 1
FORMATS = ("text", "json", "markdown", "github")
MAX_LISTED_UNMANAGED = 20

_KEY_SYMBOL = {"add": "+", "change": "~", "remove": "-", "unchanged": "="}
_ACTION_SYMBOL = {"create": "+", "update": "~", "unchanged": "=", "skip": "."}
_STATUS_WORD = {
    "created": "created",
    "updated": "updated",
    "unchanged": "unchanged",
    "skipped": "skipped (no values)",
    "failed": "FAILED",
    "planned": "would change (dry run)",
}


# --- environment ----------------------------------------------------------------------------


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, never with NO_COLOR (any value) or TERM=dumb."""
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def mask_commands(values: Iterable[str]) -> list[str]:
    """``::add-mask::`` for every line of every value (GitHub masks line by line)."""
    seen: set[str] = set()
    commands: list[str] = []
    for value in values:
        for line in value.splitlines():
            if line.strip() and line not in seen:
                seen.add(line)
                commands.append(f"::add-mask::{runner_data(line)}")
    return commands


class Progress:
    """``[3/120] name`` on one rewritten stderr line, for long applies on a terminal."""

    MIN_WRITES = 10

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    @classmethod
    def wanted(cls, stream: TextIO, writes: int) -> bool:
        quiet = "NO_COLOR" in os.environ or "CI" in os.environ or in_github_actions()
        return writes >= cls.MIN_WRITES and not quiet and _isatty(stream)

    def __call__(self, done: int, total: int, secret: SecretPlan) -> None:
        end = "\r\x1b[K" if done >= total else ""
        self.stream.write(f"\r\x1b[K[{done}/{total}] {for_terminal(secret.name)}{end}")
        self.stream.flush()


# --- shared view ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    secret: SecretPlan
    outcome: SecretOutcome | None

    @property
    def state(self) -> str:
        if self.outcome is None:
            return self.secret.action
        return self.outcome.status


def _rows(plan: Plan, result: ApplyResult | None) -> list[_Row]:
    if result is None:
        return [_Row(secret, None) for secret in plan.secrets]
    return [_Row(outcome.plan, outcome) for outcome in result.outcomes]


def _drift_label(drift: Drift) -> str:
    return f"{drift.secret}/{drift.key}" if drift.key else drift.secret


def _summary(plan: Plan, result: ApplyResult | None) -> str:
    drift = [d for d in plan.drift if d.kind not in INFORMATIONAL]
    tail = f"{len(drift)} drift finding(s); {len(plan.unmanaged)} unmanaged secret(s) in the store."
    if result is None or result.dry_run:
        head = "Dry run" if result is not None else "Plan"
        counts = (
            f"{plan.count('create')} to create, {plan.count('update')} to update, "
            f"{plan.count('unchanged')} unchanged"
        )
        if plan.count("skip"):
            counts += f", {plan.count('skip')} skipped (no values)"
        return f"{head}: {counts}; {tail}"
    left = [d for d in result.drift_left if d.kind not in INFORMATIONAL]
    return (
        f"Apply: {result.count('created')} created, {result.count('updated')} updated, "
        f"{result.count('unchanged')} unchanged, {len(result.failed)} failed "
        f"({result.writes} write(s)); {len(left)} drift finding(s) left; "
        f"{len(plan.unmanaged)} unmanaged secret(s) in the store."
    )


# --- text -----------------------------------------------------------------------------------


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def symbol(self, symbol: str) -> str:
        codes = {"+": "32", "~": "33", "-": "31", "!": "33", "x": "31"}
        return self.paint(symbol, codes[symbol]) if symbol in codes else symbol


def _key_line(key: KeyPlan, style: _Style) -> str:
    source = key.source or ("--prune" if key.action == "remove" else "")
    name = for_terminal(key.key)
    return (
        f"      {style.symbol(_KEY_SYMBOL[key.action])} {name:<28} {for_terminal(source)}".rstrip()
    )


def _render_text(plan: Plan, result: ApplyResult | None, color: bool) -> str:
    style = _Style(color)
    command = "plan" if result is None else "apply"
    lines = [f"kitaru secrets {command}: {for_terminal(plan.manifest)}", ""]
    for row in _rows(plan, result):
        secret = row.secret
        symbol = "x" if row.state == "failed" else _ACTION_SYMBOL[secret.action]
        word = _STATUS_WORD.get(row.state, row.state)
        if row.state == "failed":
            word = style.paint(word, "31")
        lines.append(f"  {style.symbol(symbol)} {for_terminal(secret.label):<40} {word}")
        if row.outcome is not None and row.outcome.error:
            lines.append(f"      {for_terminal(row.outcome.error)}")
        if secret.writes:
            lines.extend(_key_line(key, style) for key in secret.changed_keys())
            unchanged = len(secret.keys) - len(secret.changed_keys())
            if unchanged:
                lines.append(f"      ({unchanged} unchanged key(s))")
        if secret.skipped:
            skipped = ", ".join(map(for_terminal, secret.skipped))
            lines.append(f"      optional, not set: {skipped}")
    drift = [d for d in plan.drift if d.kind not in INFORMATIONAL]
    if drift:
        lines += ["", "Drift:"]
        for item in drift:
            detail = for_terminal(f"{_drift_label(item)}: {item.kind}: {item.message}")
            lines.append(f"  {style.symbol('!')} {detail}")
    if plan.unmanaged:
        names = [f"{for_terminal(d.secret)} ({visibility_word(d.private)})" for d in plan.unmanaged]
        shown = names[:MAX_LISTED_UNMANAGED]
        more = f" and {len(names) - len(shown)} more" if len(names) > len(shown) else ""
        lines += ["", f"Unmanaged (in the store, not in the manifest): {', '.join(shown)}{more}"]
    lines += ["", _summary(plan, result)]
    return "\n".join(lines)


# --- json -----------------------------------------------------------------------------------


def _drift_json(plan: Plan, drift: Drift) -> dict[str, Any]:
    return {
        "kind": drift.kind,
        "secret": drift.secret,
        "private": drift.private,
        "key": drift.key,
        "id": drift.secret_id,
        "message": drift.message,
        "caller_created": drift.caller_created,
        "file": plan.manifest if drift.position else None,
        "line": drift.position.line if drift.position else None,
        "col": drift.position.col if drift.position else None,
    }


def _secret_json(plan: Plan, row: _Row) -> dict[str, Any]:
    secret = row.secret
    payload: dict[str, Any] = {
        "name": secret.name,
        "private": secret.private,
        "action": secret.action,
        "id": row.outcome.secret_id if row.outcome else secret.secret_id,
        "stored_private": secret.stored_private,
        "keys": [
            {"key": key.key, "action": key.action, "source": key.source} for key in secret.keys
        ],
        "skipped_optional": list(secret.skipped),
        "drift": [_drift_json(plan, d) for d in secret.drift],
        "line": secret.position.line,
        "col": secret.position.col,
    }
    if row.outcome is not None:
        payload["status"] = row.outcome.status
        payload["error"] = row.outcome.error
    return payload


def _render_json(plan: Plan, result: ApplyResult | None) -> str:
    return to_json(report_data(plan, result))


def report_data(plan: Plan, result: ApplyResult | None = None) -> dict[str, Any]:
    """The ``-o json`` report as data (MCP's value-blind view is projected from it)."""
    summary: dict[str, Any] = {
        "create": plan.count("create"),
        "update": plan.count("update"),
        "unchanged": plan.count("unchanged"),
        "skip": plan.count("skip"),
        "drift": sum(1 for d in plan.drift if d.kind not in INFORMATIONAL),
        "unmanaged": len(plan.unmanaged),
        "changes": plan.has_changes,
    }
    payload: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "command": "plan" if result is None else "apply",
        "manifest": plan.manifest,
        "prune": plan.prune,
    }
    if result is not None:
        payload["dry_run"] = result.dry_run
        summary["writes"] = result.writes
        summary["failed"] = len(result.failed)
        summary["drift_left"] = sum(1 for d in result.drift_left if d.kind not in INFORMATIONAL)
    payload["summary"] = summary
    payload["secrets"] = [_secret_json(plan, row) for row in _rows(plan, result)]
    payload["drift"] = [_drift_json(plan, d) for d in plan.drift]
    payload["unmanaged"] = [
        {"name": d.secret, "private": d.private, "id": d.secret_id} for d in plan.unmanaged
    ]
    return payload


# --- markdown -------------------------------------------------------------------------------


def _keys_cell(secret: SecretPlan) -> str:
    changed = [f"{_KEY_SYMBOL[k.action]} {markdown_code(k.key)}" for k in secret.changed_keys()]
    return ", ".join(changed) or "-"


def _render_markdown(plan: Plan, result: ApplyResult | None) -> str:
    command = "plan" if result is None else "apply"
    lines = [
        f"### kitaru secrets {command}: {markdown_code(plan.manifest)}",
        "",
        "| Secret | Visibility | Action | Keys |",
        "|---|---|---|---|",
    ]
    for row in _rows(plan, result):
        secret = row.secret
        state = _STATUS_WORD.get(row.state, row.state)
        if row.outcome is not None and row.outcome.error:
            state += f": {markdown_text(row.outcome.error)}"
        lines.append(
            f"| {markdown_code(secret.name)} | {visibility_word(secret.private)} | {state} "
            f"| {_keys_cell(secret)} |"
        )
    drift = [d for d in plan.drift if d.kind not in INFORMATIONAL]
    if drift:
        lines += ["", "| Drift | Secret | Key | Detail |", "|---|---|---|---|"]
        for item in drift:
            key = markdown_code(item.key) if item.key else "-"
            lines.append(
                f"| {item.kind} | {markdown_code(item.secret)} | {key} "
                f"| {markdown_text(item.message)} |"
            )
    if plan.unmanaged:
        lines += ["", f"{len(plan.unmanaged)} unmanaged secret(s) in the store (left alone)."]
    lines += ["", f"_{_summary(plan, result)}_"]
    return "\n".join(lines)


# --- github ---------------------------------------------------------------------------------


def annotation(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    props = []
    if file:
        props.append(f"file={annotation_property(file)}")
    if line:
        props.append(f"line={line}")
    if col:
        props.append(f"col={col}")
    if title:
        props.append(f"title={annotation_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{annotation_data(message)}"


def _change_detail(secret: SecretPlan) -> str:
    keys = secret.changed_keys()
    parts = [f"{key.action} {key.key}" for key in keys]
    return f"{secret.action} {secret.label}" + (f": {', '.join(parts)}" if parts else "")


def _render_github(plan: Plan, result: ApplyResult | None) -> str:
    lines: list[str] = []
    for row in _rows(plan, result):
        secret = row.secret
        line, col = secret.position
        if row.outcome is not None and row.outcome.status == "failed":
            message = f"{secret.label}: {row.outcome.error}"
            lines.append(
                annotation(
                    "error",
                    message,
                    file=plan.manifest,
                    line=line,
                    col=col,
                    title="kitaru apply failed",
                )
            )
        elif secret.writes:
            verb = "would " if result is None or result.dry_run else ""
            lines.append(
                annotation(
                    "notice",
                    _change_detail(secret),
                    file=plan.manifest,
                    line=line,
                    col=col,
                    title=f"kitaru {verb}{secret.action}",
                )
            )
    for item in plan.drift:
        if item.kind in INFORMATIONAL:
            continue
        position = item.position or plan.secrets[0].position
        lines.append(
            annotation(
                "warning",
                f"{_drift_label(item)}: {item.message}",
                file=plan.manifest,
                line=position.line,
                col=position.col,
                title=f"kitaru drift: {item.kind}",
            )
        )
    if plan.unmanaged:
        names = [d.secret for d in plan.unmanaged][:MAX_LISTED_UNMANAGED]
        more = "" if len(plan.unmanaged) <= len(names) else ", ..."
        message = (
            f"{len(plan.unmanaged)} secret(s) in the store are not in the manifest: "
            f"{', '.join(names)}{more}"
        )
        lines.append(annotation("notice", message, title="kitaru unmanaged secrets"))
    lines.append(_summary(plan, result))
    return "\n".join(lines)


# --- entry points ---------------------------------------------------------------------------


def render(plan: Plan, fmt: str, *, result: ApplyResult | None = None, color: bool = False) -> str:
    """A plan (``result=None``) or an apply result in one of ``FORMATS``."""
    if fmt == "json":
        return _render_json(plan, result)
    if fmt == "markdown":
        return _render_markdown(plan, result)
    if fmt == "github":
        return _render_github(plan, result)
    return _render_text(plan, result, color)


def render_findings(findings: Sequence[Finding], fmt: str) -> str:
    """Manifest problems: one line each (``github``: one annotation each)."""
    if fmt == "json":
        payload = {
            "format_version": FORMAT_VERSION,
            "errors": [f.as_json() for f in findings],
        }
        return to_json(payload)
    if fmt == "github":
        return "\n".join(finding_annotation(f) for f in findings)
    return "\n".join(f.render() for f in findings)


def finding_annotation(finding: Finding) -> str:
    """One finding as a GitHub workflow annotation on its file, line and column."""
    return annotation(
        "error" if finding.is_error else "warning",
        f"{finding.code} {finding.message}",
        file=finding.path,
        line=finding.line,
        col=finding.col,
        title=f"kitaru {finding.code}",
    )


def stderr_is_tty() -> bool:
    return _isatty(sys.stderr)
