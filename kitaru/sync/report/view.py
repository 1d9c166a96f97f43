"""One report view of a plan or an apply result: what every renderer formats.

``build`` is pure: a Plan (and an ApplyResult after ``apply``) in, frozen rows out. The
view decides what a report says (each secret's state, its keys, each drift finding and
whether this apply fixed it, the counts); the renderers only decide how it looks. Like
the plan, the view holds key names, sources, actions and drift, never a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from kitaru.naming import visibility_word
from kitaru.sync.apply import ApplyResult, SecretOutcome, Status
from kitaru.sync.plan import (
    INFORMATIONAL,
    WRITING_ACTIONS,
    Action,
    Drift,
    DriftKind,
    KeyAction,
    Plan,
    SecretPlan,
)

if TYPE_CHECKING:
    from kitaru.checks.yaml_positions import Position

Command = Literal["plan", "apply"]
State = Action | Status  # a secret's planned action, or what apply did to it


@dataclass(frozen=True)
class KeyRow:
    key: str
    action: KeyAction
    source: str | None  # where the written value comes from; None for a removed key


@dataclass(frozen=True)
class DriftRow:
    """One difference between the manifest and the store."""

    kind: DriftKind
    secret: str
    private: bool
    message: str
    key: str | None
    secret_id: str | None
    caller_created: bool | None
    position: Position | None
    counts: bool  # worth a non-zero --detailed-exitcode (see Drift.counts)
    # Whether this apply fixed it: None when nothing was applied (plan, dry run).
    fixed: bool | None

    @property
    def label(self) -> str:
        return f"{self.secret}/{self.key}" if self.key else self.secret


@dataclass(frozen=True)
class SecretRow:
    """One declared secret: what the plan does to it and, after apply, what happened."""

    name: str
    private: bool
    action: Action
    state: State  # the action for a plan; the outcome's status after apply
    secret_id: str | None  # the stored secret's id (after apply: the one written)
    stored_private: bool | None
    keys: tuple[KeyRow, ...]
    skipped: tuple[str, ...]  # optional keys without a value
    drift: tuple[DriftRow, ...]
    position: Position
    error: str | None = None  # why apply failed (written by kitaru: never a value)
    created: datetime | None = None  # the target's times as the plan read them
    updated: datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({visibility_word(self.private)})"

    @property
    def writes(self) -> bool:
        return self.action in WRITING_ACTIONS

    @property
    def failed(self) -> bool:
        return self.state == "failed"

    @property
    def changed_keys(self) -> tuple[KeyRow, ...]:
        return tuple(key for key in self.keys if key.action not in ("unchanged", "kept"))

    @property
    def kept(self) -> tuple[str, ...]:
        """Create-only keys the store holds, left as they are (informational)."""
        return tuple(key.key for key in self.keys if key.action == "kept")


@dataclass(frozen=True)
class UnmanagedRow:
    name: str
    private: bool
    secret_id: str | None


@dataclass(frozen=True)
class Outcomes:
    """What an apply (or a dry run) did, counted."""

    created: int
    updated: int
    unchanged: int
    failed: int
    deleted: int
    writes: int
    drift_left: int  # drift still there afterwards (all of it after a dry run)


@dataclass(frozen=True)
class Summary:
    create: int
    update: int
    delete: int
    unchanged: int
    skip: int
    drift: int
    unmanaged: int
    changes: bool
    outcomes: Outcomes | None = None  # None for a plan
    blocked: int = 0  # declared secrets apply cannot write (orphaned on the server)


@dataclass(frozen=True)
class ReportView:
    command: Command
    manifest: str
    prune: bool
    dry_run: bool | None  # None for a plan
    secrets: tuple[SecretRow, ...]
    unmanaged: tuple[UnmanagedRow, ...]
    summary: Summary
    targets: tuple[str, ...] = ()  # --target; empty: the whole manifest
    made_at: datetime | None = None  # when the store was read ("3d ago" is relative to it)
    max_age: timedelta | None = None
    declared_in: tuple[tuple[str, bool, str], ...] = ()  # several manifests (-f a -f b)

    def file_of(self, name: str, private: bool) -> str:
        """The manifest declaring this secret (``manifest`` unless several were planned)."""
        for declared, is_private, path in self.declared_in:
            if (declared, is_private) == (name, private):
                return path
        return self.manifest

    @property
    def applied(self) -> bool:
        """An apply that wrote: only then does each drift finding say fixed or left."""
        return self.command == "apply" and not self.dry_run

    @property
    def drift(self) -> tuple[DriftRow, ...]:
        return tuple(d for secret in self.secrets for d in secret.drift)

    @property
    def failures(self) -> tuple[SecretRow, ...]:
        return tuple(secret for secret in self.secrets if secret.failed)


def _drift_row(drift: Drift, fixed: bool | None) -> DriftRow:
    return DriftRow(
        kind=drift.kind,
        secret=drift.secret,
        private=drift.private,
        message=drift.message,
        key=drift.key,
        secret_id=drift.secret_id,
        caller_created=drift.caller_created,
        position=drift.position,
        counts=drift.counts,
        fixed=fixed,
    )


def _secret_row(
    secret: SecretPlan, outcome: SecretOutcome | None, left: tuple[Drift, ...] | None
) -> SecretRow:
    drift = tuple(_drift_row(d, None if left is None else d not in left) for d in secret.drift)
    return SecretRow(
        name=secret.name,
        private=secret.private,
        action=secret.action,
        state=secret.action if outcome is None else outcome.status,
        secret_id=secret.secret_id if outcome is None else outcome.secret_id,
        stored_private=secret.stored_private,
        keys=tuple(KeyRow(k.key, k.action, k.source) for k in secret.keys),
        skipped=secret.skipped,
        drift=drift,
        position=secret.position,
        error=None if outcome is None else outcome.error,
        created=secret.created,
        updated=secret.updated,
    )


def _listed(drift: tuple[Drift, ...] | list[Drift]) -> int:
    return sum(1 for d in drift if d.kind not in INFORMATIONAL)


def build(plan: Plan, result: ApplyResult | None = None) -> ReportView:
    """The report of ``plan`` (``result=None``) or of the apply that produced ``result``."""
    applied = result is not None and not result.dry_run
    left = result.drift_left if result is not None and applied else None
    if result is None:
        secrets = tuple(_secret_row(s, None, None) for s in plan.secrets)
    else:
        secrets = tuple(_secret_row(o.plan, o, left) for o in result.outcomes)
    outcomes = None
    if result is not None:
        outcomes = Outcomes(
            created=result.count("created"),
            updated=result.count("updated"),
            unchanged=result.count("unchanged"),
            failed=len(result.failed),
            deleted=result.count("deleted"),
            writes=result.writes,
            drift_left=_listed(result.drift_left),
        )
    summary = Summary(
        create=plan.count("create"),
        update=plan.count("update"),
        delete=plan.count("delete"),
        unchanged=plan.count("unchanged"),
        skip=plan.count("skip"),
        drift=_listed(plan.drift),
        unmanaged=len(plan.unmanaged),
        changes=plan.has_changes,
        outcomes=outcomes,
        blocked=plan.count("blocked"),
    )
    return ReportView(
        command="plan" if result is None else "apply",
        manifest=plan.manifest,
        prune=plan.prune,
        dry_run=None if result is None else result.dry_run,
        secrets=secrets,
        unmanaged=tuple(UnmanagedRow(d.secret, d.private, d.secret_id) for d in plan.unmanaged),
        summary=summary,
        targets=plan.targets,
        made_at=plan.made_at,
        max_age=plan.max_age,
        declared_in=plan.declared_in,
    )
