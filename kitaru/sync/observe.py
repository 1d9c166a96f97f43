"""Observed state: one paged list, then one get per declared secret that exists (one
declared absent too: a server that lists a secret but answers every read with "no values"
cannot delete it either, and the plan must say so), and the caller's user ID, only when a
declared secret has a twin of the other visibility, or when a private secret's values could
go into a public secret that exists (another user's, perhaps).

Which stored secret each declaration maps to (its target) is decided here, once; the
planner reads it from ``Observed`` instead of working it out again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kitaru.store.base import SecretRef, SecretStore, StoredSecret
from kitaru.store.fetch import fetch_existing
from kitaru.sync.sources import Desired, DesiredSecret

TargetKey = tuple[str, bool]  # (name, private): a declared secret's identity
Reading = Callable[[int, int, str], None]  # (done, total, name) as declared secrets are read


@dataclass(frozen=True)
class Target:
    """The stored secret a declaration maps to, and one it shadows (if any)."""

    ref: SecretRef | None
    shadowed: SecretRef | None = None


@dataclass(frozen=True)
class Observed:
    """What the store holds: every visible secret's ref, each declaration's target, and
    the fetched targets."""

    refs: tuple[SecretRef, ...]
    targets: Mapping[TargetKey, Target]
    fetched: Mapping[str, StoredSecret] = field(default_factory=dict, repr=False)
    user_id: str | None = None  # who is planning (asked only when a secret is shadowed)
    # Targets a server lists but holds no values for: no API reads, updates or deletes them.
    orphaned: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls,
        desired: Desired,
        refs: Sequence[SecretRef],
        fetched: Sequence[StoredSecret] = (),
        user_id: str | None = None,
        orphaned: Iterable[str] = (),
    ) -> Observed:
        """Observed state assembled by hand (tests, benchmarks): targets picked as
        ``observe`` picks them."""
        targets = pick_targets(desired.secrets, refs)
        by_id = {secret.id: secret for secret in fetched}
        return cls(tuple(refs), targets, by_id, user_id, frozenset(orphaned))

    def target(self, secret: DesiredSecret) -> Target:
        return self.targets[(secret.name, secret.private)]

    def stored(self, secret: DesiredSecret) -> StoredSecret | None:
        """The fetched target, or None (absent, or deleted between the list and the get)."""
        ref = self.target(secret).ref
        return self.fetched.get(ref.id) if ref is not None else None


def pick_targets(
    desired: Sequence[DesiredSecret], refs: Sequence[SecretRef]
) -> dict[TargetKey, Target]:
    """Each declaration's target is the stored secret of its name *and* visibility, or
    none (then it is created). A secret of the other visibility is never a target: it is
    reported as shadowed unless the manifest declares it too."""
    by_key: dict[TargetKey, SecretRef] = {}
    for ref in sorted(refs, key=lambda r: r.id):
        by_key.setdefault((ref.name, ref.private), ref)
    declared = {(secret.name, secret.private) for secret in desired}
    targets: dict[TargetKey, Target] = {}
    for name, private in declared:
        other = by_key.get((name, not private))
        shadowed = other if (name, not private) not in declared else None
        targets[(name, private)] = Target(by_key.get((name, private)), shadowed)
    return targets


def variable_of(source: str) -> str:
    """The variable of a source (``env:VAR`` or ``dotenv:FILE:VAR``)."""
    return source.rsplit(":", 1)[-1]


def _may_cross(present: Sequence[DesiredSecret], targets: Mapping[TargetKey, Target]) -> bool:
    """Some existing public target is fed by a variable that also feeds a private secret:
    only then does it matter who created it (one more request)."""
    variables = {variable_of(s) for d in present if d.private for s in d.sources.values()}
    return any(
        not d.private
        and targets[(d.name, d.private)].ref is not None
        and any(variable_of(s) in variables for s in d.sources.values())
        for d in present
    )


def observe(store: SecretStore, desired: Desired, on_read: Reading | None = None) -> Observed:
    """Read exactly what the planner needs: the paged list, then one get per declared
    secret that exists. Undeclared secrets cost no get and keep only their list ref.
    ``on_read(done, total, name)`` follows the gets (a progress line)."""
    refs = store.list_all()
    targets = pick_targets(desired.secrets, refs)
    names: dict[str, str] = {}  # ID -> name; ordered and de-duplicated in one pass
    present = [secret for secret in desired.secrets if not secret.absent]
    for secret in desired.secrets:  # absent ones too: an orphan cannot be deleted
        ref = targets[(secret.name, secret.private)].ref
        if ref is not None:
            names[ref.id] = ref.name

    def read(done: int, total: int, secret_id: str) -> None:
        if on_read is not None:
            on_read(done, total, names[secret_id])

    fetched = fetch_existing(store, names, read)
    # Who the caller is matters to tell them a shadowing secret is their own copy, and to
    # refuse a private value bound for a public secret someone else created.
    shadowing = any(targets[(s.name, s.private)].shadowed is not None for s in present)
    user_id = store.current_user_id() if shadowing or _may_cross(present, targets) else None
    by_id = {secret.id: secret for secret in fetched.secrets}
    return Observed(tuple(refs), targets, by_id, user_id, fetched.orphaned)
