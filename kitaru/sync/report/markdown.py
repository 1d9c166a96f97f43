"""The report as GitHub-flavoured Markdown (a job summary, a PR comment).

Every store text goes through ``markdown_code`` or ``markdown_text``, so a cell neither
breaks its row nor injects links, HTML, mentions or emphasis.
"""

from __future__ import annotations

from kitaru.naming import visibility_word
from kitaru.safe_text import markdown_code, markdown_text
from kitaru.sync.report.view import ReportView, SecretRow
from kitaru.sync.report.words import (
    KEPT_WORDS,
    KEY_SYMBOL,
    after_apply,
    state_word,
    summary_sentence,
)


def _keys_cell(secret: SecretRow) -> str:
    changed = [f"{KEY_SYMBOL[k.action]} {markdown_code(k.key)}" for k in secret.changed_keys]
    if secret.kept:
        changed.append(f"{KEPT_WORDS}: {', '.join(map(markdown_code, secret.kept))}")
    return ", ".join(changed) or "-"


def _drift_lines(view: ReportView) -> list[str]:
    if not view.drift:
        return []
    if view.applied:
        lines = ["", "| Drift | Secret | Key | Detail | After apply |", "|---|---|---|---|---|"]
    else:
        lines = ["", "| Drift | Secret | Key | Detail |", "|---|---|---|---|"]
    for item in view.drift:
        key = markdown_code(item.key) if item.key else "-"
        detail = markdown_text(item.message)
        row = f"| {item.kind} | {markdown_code(item.secret)} | {key} | {detail} |"
        if view.applied:
            row += f" {after_apply(item)} |"
        lines.append(row)
    return lines


def render_markdown(view: ReportView) -> str:
    lines = [
        f"### kitaru secrets {view.command}: {markdown_code(view.manifest)}",
        "",
        "| Secret | Visibility | Action | Keys |",
        "|---|---|---|---|",
    ]
    if view.targets:
        targeted = ", ".join(map(markdown_code, view.targets))
        lines[2:2] = [
            f"Targeted (`--target`): {targeted}; the manifest's other secrets left out.",
            "",
        ]
    for secret in view.secrets:
        state = state_word(secret.state)
        if secret.error:
            state += f": {markdown_text(secret.error)}"
        lines.append(
            f"| {markdown_code(secret.name)} | {visibility_word(secret.private)} | {state} "
            f"| {_keys_cell(secret)} |"
        )
    lines.extend(_drift_lines(view))
    if view.unmanaged:
        lines += ["", f"{len(view.unmanaged)} unmanaged secret(s) in the store (left alone)."]
    lines += ["", f"_{summary_sentence(view)}_"]
    return "\n".join(lines)
