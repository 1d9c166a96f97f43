"""Execute a plan: one write per changed secret, none for the rest.

The only delete is of a secret the manifest declares ``state: absent``, by the ID the
plan found for that exact name and visibility, checked again just before.

Each secret's change is a single create or update call, so no secret is ever half
written. A failure on one secret is recorded and the others still run; re-running
converges because the next plan starts again from what the store holds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from kitaru.errors import InvalidSecretError, KitaruError, SecretNotFoundError, SecretOwnerError
from kitaru.store.base import SecretStore, StoredSecret
from kitaru.store.create_races import create_or_update
from kitaru.store.failures import VALUES_LOST_MESSAGE, ValuesMissingError
from kitaru.sync.plan import Drift, Plan, SecretPlan, crossing_error, oversized
from kitaru.sync.sources import missing_values

Status = Literal[
    "created", "updated", "deleted", "unchanged", "skipped", "failed", "planned", "blocked"
]
WRITTEN: frozenset[str] = frozenset({"created", "updated", "deleted"})
Progress = Callable[[int, int, SecretPlan], None]


@dataclass(frozen=True)
class SecretOutcome:
    plan: SecretPlan
    status: Status
    secret_id: str | None = None
    error: str | None = None  # written by kitaru: never contains a value

    @property
    def applied(self) -> bool:
        return self.status in ("created", "updated", "deleted", "unchanged", "skipped")


@dataclass(frozen=True)
class ApplyResult:
    plan: Plan
    outcomes: tuple[SecretOutcome, ...]
    writes: int = 0
    dry_run: bool = False
    drift_left: tuple[Drift, ...] = field(default=())

    @property
    def failed(self) -> list[SecretOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def has_drift_left(self) -> bool:
        return any(d.counts for d in self.drift_left)

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


def preflight(plan: Plan) -> None:
    """Problems that would fail a write are found before the first one is made."""
    if plan.missing:  # a plan made by hand (the pipeline refuses these before apply)
        raise missing_values(plan.missing, None)
    if plan.crossings:  # the same: a private value bound for another user's public secret
        raise crossing_error(plan.crossings)
    problems = oversized(plan)
    if problems:
        raise InvalidSecretError("; ".join(problems) + ". Nothing was written.")


def _create(store: SecretStore, secret: SecretPlan) -> SecretOutcome:
    # A secret created by another writer since the plan is updated instead (see there),
    # unless it is someone else's and a private secret's value would go into it.
    check = _mine(store) if secret.mine_only else None
    written, created = create_or_update(
        store, secret.name, secret.set_values, secret.private, check=check
    )
    return SecretOutcome(secret, "created" if created else "updated", written.id)


def _mine(store: SecretStore) -> Callable[[StoredSecret], None]:
    def check(existing: StoredSecret) -> None:
        me = store.current_user_id()
        if existing.user_id is None or me is None or existing.user_id != me:
            raise SecretOwnerError(
                "another user created this public secret since the plan; a value declared "
                "private is never written into it (nothing was written)"
            )

    return check


def _delete(store: SecretStore, secret: SecretPlan) -> SecretOutcome:
    """Delete the planned ID only while it is still the declared name and visibility (a
    secret renamed since the plan is not the one declared); gone already is unchanged."""
    assert secret.secret_id is not None  # a planned delete always has its target's ID
    current = [ref for ref in store.find(secret.name) if ref.id == secret.secret_id]
    if not current:
        return SecretOutcome(secret, "unchanged")
    if current[0].private != secret.private:
        message = "its visibility changed since the plan; nothing was deleted"
        return SecretOutcome(secret, "failed", secret.secret_id, message)
    try:
        store.delete(secret.secret_id)
    except ValuesMissingError:  # listed, but no API can delete it: it still exists
        message = f"not deleted: {VALUES_LOST_MESSAGE} (see the plan's orphaned finding)"
        return SecretOutcome(secret, "failed", secret.secret_id, message)
    except SecretNotFoundError:  # deleted by someone else in between: the same end state
        return SecretOutcome(secret, "unchanged")
    return SecretOutcome(secret, "deleted", secret.secret_id)


def _write(store: SecretStore, secret: SecretPlan) -> SecretOutcome:
    if secret.action == "blocked":  # orphaned: every write would fail the same way
        error = f"not written: {VALUES_LOST_MESSAGE} (see the plan's orphaned finding)"
        return SecretOutcome(secret, "failed", secret.secret_id, error)
    try:
        if secret.action == "create":
            return _create(store, secret)
        if secret.action == "delete":
            return _delete(store, secret)
        if secret.action == "update" and secret.secret_id is not None:
            updated = store.update(
                secret.secret_id,
                dict(secret.set_values),
                secret.remove_keys,
                before=secret.observed,
            )
            return SecretOutcome(secret, "updated", updated.id)
    except KitaruError as err:
        return SecretOutcome(secret, "failed", secret.secret_id, str(err))
    except Exception as err:  # one secret's failure must not hide the others' results
        message = f"{secret.action} '{secret.name}': unexpected {type(err).__name__}"
        return SecretOutcome(secret, "failed", secret.secret_id, message)
    status: Status = "skipped" if secret.action == "skip" else "unchanged"
    return SecretOutcome(secret, status, secret.secret_id)


def _dry_status(secret: SecretPlan) -> Status:
    if secret.action == "blocked":
        return "blocked"
    return "planned" if secret.writes else "unchanged"


def execute(
    plan: Plan,
    store: SecretStore,
    *,
    dry_run: bool = False,
    on_progress: Progress | None = None,
) -> ApplyResult:
    """Apply ``plan`` to ``store``; a no-op plan makes zero calls."""
    if dry_run:
        outcomes = tuple(SecretOutcome(s, _dry_status(s), s.secret_id) for s in plan.secrets)
        left = tuple(d for s in plan.secrets for d in s.drift) + plan.unmanaged
        return ApplyResult(plan, outcomes, 0, True, left)
    preflight(plan)
    changes = plan.changes
    done = 0
    lock = threading.Lock()

    def work(secret: SecretPlan) -> SecretOutcome:
        nonlocal done
        outcome = _write(store, secret)
        with lock:
            done += 1
            if on_progress is not None:
                on_progress(done, len(changes), secret)
        return outcome

    from kitaru.store.fetch import run_bounded

    written = {id(o.plan): o for o in run_bounded(store, changes, work)} if changes else {}
    outcomes = tuple(written.get(id(s)) or _write(store, s) for s in plan.secrets)
    left = tuple(d for o in outcomes for d in o.plan.drift_left(o.applied)) + plan.unmanaged
    writes = sum(1 for o in written.values() if o.status in WRITTEN)
    return ApplyResult(plan, outcomes, writes, False, left)
