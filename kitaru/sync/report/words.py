"""The words and symbols the human-readable formats share, and the summary sentence.

All of it is kitaru's own fixed text and counts: nothing from the store, so nothing here
needs escaping.
"""

from __future__ import annotations

from kitaru.sync.report.view import DriftRow, ReportView

MAX_LISTED_UNMANAGED = 20

KEY_SYMBOL = {"add": "+", "change": "~", "remove": "-", "unchanged": "="}
ACTION_SYMBOL = {
    "create": "+",
    "update": "~",
    "delete": "-",
    "unchanged": "=",
    "skip": ".",
    "blocked": "!",
}
KEPT_WORDS = "create-only, kept as stored"  # a kept key: its value is never compared
STATUS_WORD = {
    "created": "created",
    "updated": "updated",
    "deleted": "deleted",
    "unchanged": "unchanged",
    "skipped": "skipped (no values)",
    "failed": "FAILED",
    "planned": "would change (dry run)",
    "blocked": "blocked (orphaned on the server)",
}


def state_word(state: str) -> str:
    return STATUS_WORD.get(state, state)


def after_apply(drift: DriftRow) -> str:
    """``fixed`` or ``left``: what an apply that wrote did to a drift finding."""
    return "fixed" if drift.fixed else "left"


def summary_sentence(view: ReportView) -> str:
    summary = view.summary
    tail = (
        f"{summary.drift} drift finding(s); {summary.unmanaged} unmanaged secret(s) in the store."
    )
    outcomes = summary.outcomes
    if outcomes is None or view.dry_run:
        head = "Dry run" if outcomes is not None else "Plan"
        counts = f"{summary.create} to create, {summary.update} to update"
        if summary.delete:
            counts += f", {summary.delete} to delete"
        counts += f", {summary.unchanged} unchanged"
        if summary.skip:
            counts += f", {summary.skip} skipped (no values)"
        if summary.blocked:
            counts += f", {summary.blocked} blocked (orphaned)"
        return f"{head}: {counts}; {tail}"
    deleted = f"{outcomes.deleted} deleted, " if outcomes.deleted else ""
    return (
        f"Apply: {outcomes.created} created, {outcomes.updated} updated, {deleted}"
        f"{outcomes.unchanged} unchanged, {outcomes.failed} failed "
        f"({outcomes.writes} write(s)); {outcomes.drift_left} drift finding(s) left; "
        f"{summary.unmanaged} unmanaged secret(s) in the store."
    )
