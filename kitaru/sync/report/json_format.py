"""The report as a JSON document (``format_version`` 1) for scripts and CI.

JSON keeps the exact text (a name must be usable to address the secret), ASCII-only
through ``to_json``. Each drift finding of an apply report carries ``fixed``: true when
this apply fixed it, false when it is left, null after a dry run (nothing was applied);
plan reports have no ``fixed`` field. Adding it kept ``format_version`` at 1, as did
``targets``, ``max_age`` and each secret's ``created``/``updated`` (ISO 8601 UTC, as the
plan read them: before any write of this apply).
"""

from __future__ import annotations

from typing import Any

from kitaru.ages import duration_text, iso
from kitaru.safe_text import to_json
from kitaru.sync.report import FORMAT_VERSION
from kitaru.sync.report.view import DriftRow, ReportView, SecretRow


def _drift(view: ReportView, drift: DriftRow) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kind": drift.kind,
        "secret": drift.secret,
        "private": drift.private,
        "key": drift.key,
        "id": drift.secret_id,
        "message": drift.message,
        "caller_created": drift.caller_created,
        "file": view.file_of(drift.secret, drift.private) if drift.position else None,
        "line": drift.position.line if drift.position else None,
        "col": drift.position.col if drift.position else None,
    }
    if view.command == "apply":
        payload["fixed"] = drift.fixed
    return payload


def _secret(view: ReportView, secret: SecretRow) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": secret.name,
        "private": secret.private,
        "action": secret.action,
        "id": secret.secret_id,
        "stored_private": secret.stored_private,
        "keys": [
            {"key": key.key, "action": key.action, "source": key.source} for key in secret.keys
        ],
        "skipped_optional": list(secret.skipped),
        "drift": [_drift(view, d) for d in secret.drift],
        "line": secret.position.line,
        "col": secret.position.col,
        "created": iso(secret.created),
        "updated": iso(secret.updated),
    }
    if view.command == "apply":
        payload["status"] = secret.state
        payload["error"] = secret.error
    return payload


def report_data(view: ReportView) -> dict[str, Any]:
    """The JSON report as data (for a caller that wants no text to parse back)."""
    counts = view.summary
    summary: dict[str, Any] = {
        "create": counts.create,
        "update": counts.update,
        "unchanged": counts.unchanged,
        "skip": counts.skip,
        "delete": counts.delete,
        "blocked": counts.blocked,
        "drift": counts.drift,
        "unmanaged": counts.unmanaged,
        "changes": counts.changes,
    }
    payload: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "command": view.command,
        "manifest": view.manifest,
        "prune": view.prune,
        "targets": list(view.targets),
        "max_age": duration_text(view.max_age) if view.max_age is not None else None,
    }
    if counts.outcomes is not None:
        payload["dry_run"] = view.dry_run
        summary["writes"] = counts.outcomes.writes
        summary["failed"] = counts.outcomes.failed
        summary["deleted"] = counts.outcomes.deleted
        summary["drift_left"] = counts.outcomes.drift_left
    payload["summary"] = summary
    payload["secrets"] = [_secret(view, secret) for secret in view.secrets]
    payload["drift"] = [_drift(view, d) for d in view.drift]
    payload["unmanaged"] = [
        {"name": u.name, "private": u.private, "id": u.secret_id} for u in view.unmanaged
    ]
    return payload


def render_json(view: ReportView) -> str:
    return to_json(report_data(view))
