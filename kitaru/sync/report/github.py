"""The report as GitHub workflow annotations, and the annotation line itself.

An annotation is one ``::level props::message`` line; its properties and message pass
through the runner's own escaping (``annotation_property``/``annotation_data``), so no
store text can end the command early or start a second one. Whether the output goes
to a runner (and the ``::add-mask::`` lines) is the CLI's business, not this module's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kitaru.safe_text import annotation_data, annotation_property

if TYPE_CHECKING:
    from kitaru.checks.findings import Finding
    from kitaru.sync.report.view import DriftRow, ReportView, SecretRow


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


def _change_detail(secret: SecretRow) -> str:
    parts = [f"{key.action} {key.key}" for key in secret.changed_keys]
    return f"{secret.action} {secret.label}" + (f": {', '.join(parts)}" if parts else "")


def _kept_annotation(view: ReportView, secret: SecretRow) -> str | None:
    """Create-only keys kept as stored: news, not drift (a notice, never a warning)."""
    if not secret.kept or secret.failed:
        return None
    from kitaru.sync.report.words import KEPT_WORDS

    line, col = secret.position
    message = f"{secret.label}: {KEPT_WORDS}: {', '.join(secret.kept)}"
    title = "kitaru create-only keys kept"
    file = view.file_of(secret.name, secret.private)
    return annotation("notice", message, file=file, line=line, col=col, title=title)


def _secret_annotation(view: ReportView, secret: SecretRow) -> str | None:
    line, col = secret.position
    file = view.file_of(secret.name, secret.private)
    if secret.failed:
        message = f"{secret.label}: {secret.error}"
        title = "kitaru apply failed"
        return annotation("error", message, file=file, line=line, col=col, title=title)
    if not secret.writes:
        return None
    verb = "" if view.applied else "would "
    title = f"kitaru {verb}{secret.action}"
    detail = _change_detail(secret)
    return annotation("notice", detail, file=file, line=line, col=col, title=title)


def _drift_annotation(view: ReportView, item: DriftRow) -> str:
    position = item.position or view.secrets[0].position
    owner = view.secrets[0] if item.position is None else None
    file = (
        view.file_of(owner.name, owner.private)
        if owner
        else view.file_of(item.secret, item.private)
    )
    from kitaru.sync.report.words import after_apply

    level, title = "warning", f"kitaru drift: {item.kind}"
    if view.applied:  # a fixed finding is news, one left is still a warning
        level = "notice" if item.fixed else "warning"
        title = f"kitaru drift {after_apply(item)}: {item.kind}"
    return annotation(
        level,
        f"{item.label}: {item.message}",
        file=file,
        line=position.line,
        col=position.col,
        title=title,
    )


def render_github(view: ReportView) -> str:
    from kitaru.sync.report.words import MAX_LISTED_UNMANAGED, summary_sentence

    lines = [a for a in (_secret_annotation(view, s) for s in view.secrets) if a is not None]
    lines.extend(a for a in (_kept_annotation(view, s) for s in view.secrets) if a is not None)
    lines.extend(_drift_annotation(view, item) for item in view.drift)
    if view.unmanaged:
        names = [u.name for u in view.unmanaged][:MAX_LISTED_UNMANAGED]
        more = "" if len(view.unmanaged) <= len(names) else ", ..."
        message = (
            f"{len(view.unmanaged)} secret(s) in the store are not in the manifest: "
            f"{', '.join(names)}{more}"
        )
        lines.append(annotation("notice", message, title="kitaru unmanaged secrets"))
    lines.append(summary_sentence(view))
    return "\n".join(lines)
