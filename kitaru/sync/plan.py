"""The planner: (desired, observed) -> Plan. Pure: no store, no I/O, no clock.

Terraform's split: plan decides, apply executes. A declared secret is its name *and*
visibility: only a stored secret of the declared visibility is ever its target, so a value
declared private never goes into a public secret (which any co-user may have made), and
`state: absent` deletes that target alone, never its twin. A create-only key the store
holds is kept: never compared, never written. Drift is reported, and only fixed where
DESIGN.md says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from kitaru.checks.yaml_positions import START, Position
from kitaru.errors import SecretOwnerError
from kitaru.naming import MAX_SECRET_BYTES, named, secret_size, visibility_word
from kitaru.store.base import SecretRef, StoredSecret
from kitaru.store.failures import orphaned
from kitaru.sync.observe import Observed, Target, variable_of
from kitaru.sync.sources import Desired, DesiredSecret

# "blocked": the target is orphaned (see Observed.orphaned): apply can write nothing to it.
Action = Literal["create", "update", "delete", "unchanged", "skip", "blocked"]
# "kept": a create-only key the store holds; its value is never compared nor written.
KeyAction = Literal["add", "change", "remove", "unchanged", "kept"]
WRITING_ACTIONS: frozenset[str] = frozenset({"create", "update", "delete"})
DriftKind = Literal[
    "value",
    "missing_key",
    "extra_key",
    "shadowed",
    "unreadable",
    "unmanaged",
    "age",
    "orphaned",
    "steering",  # a key that changes how programs start (KS206): kitaru.sync.steering
]
# Drift that apply fixes by writing; the rest stays until someone acts outside kitaru.
FIXED_BY_WRITE: frozenset[str] = frozenset({"value", "missing_key", "unreadable"})
INFORMATIONAL: frozenset[str] = frozenset({"unmanaged"})


@dataclass(frozen=True, slots=True)  # one per unmanaged secret: thousands at scale
class Drift:
    """A difference between the manifest and the store; never holds a value."""

    kind: DriftKind
    secret: str
    private: bool
    message: str
    key: str | None = None
    secret_id: str | None = None
    position: Position | None = None
    caller_created: bool | None = None  # shadowed: whether the caller made that secret

    @property
    def counts(self) -> bool:
        """Worth a non-zero ``--detailed-exitcode``: not informational, and a shadowing
        secret only when the caller made it (its copy is theirs to remove)."""
        if self.kind == "shadowed":
            return self.caller_created is True
        if self.kind == "steering":
            return False  # listed, never a difference apply could fix (see sync.steering)
        return self.kind not in INFORMATIONAL


@dataclass(frozen=True)
class KeyPlan:
    key: str
    action: KeyAction
    source: str | None = None  # where the written value comes from


@dataclass(frozen=True)
class SecretPlan:
    """What apply will do to one declared secret."""

    name: str
    private: bool  # declared visibility
    action: Action
    keys: tuple[KeyPlan, ...] = ()
    secret_id: str | None = None
    stored_private: bool | None = None
    set_values: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    # The stored values the plan was made from (the lost-update guard's "before").
    observed: Mapping[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    remove_keys: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    drift: tuple[Drift, ...] = ()
    size_after: int = 0
    position: Position = START
    # The target's times as fetched (None for a secret to create): age, stale saved plans.
    created: datetime | None = None
    updated: datetime | None = None
    # Create-only keys to write that have no source value (one missing-value line each):
    # the pipeline refuses such a plan, as ``resolve`` refuses other missing values.
    missing: tuple[str, ...] = ()
    # Who created the target (None: a secret to create, or a store that does not say).
    owner: str | None = None
    # A public secret to create holding a value a private secret is fed by: should another
    # user create it first, apply fails it instead of updating theirs.
    mine_only: bool = False

    @property
    def writes(self) -> bool:
        return self.action in WRITING_ACTIONS

    @property
    def kept(self) -> tuple[str, ...]:
        """Create-only keys left as stored (informational: not drift, not a change)."""
        return tuple(key.key for key in self.keys if key.action == "kept")

    @property
    def label(self) -> str:
        return f"{self.name} ({visibility_word(self.private)})"

    def changed_keys(self) -> list[KeyPlan]:
        return [key for key in self.keys if key.action not in ("unchanged", "kept")]

    def drift_left(self, applied: bool) -> list[Drift]:
        """Drift that remains after this secret was (or was not) applied."""
        if not applied:
            return list(self.drift)
        removed = set(self.remove_keys)
        return [
            d
            for d in self.drift
            if d.kind not in FIXED_BY_WRITE
            and not (d.kind == "extra_key" and d.key in removed)
            and not (d.kind == "age" and self.writes)  # a write makes it new again
        ]


@dataclass(frozen=True)
class Plan:
    manifest: str
    secrets: tuple[SecretPlan, ...]
    unmanaged: tuple[Drift, ...] = ()
    prune: bool = False
    targets: tuple[str, ...] = ()  # --target: only these manifest secrets (empty: all)
    made_at: datetime | None = None  # when the store was read (relative times in reports)
    max_age: timedelta | None = None  # --max-age: older managed secrets are `age` drift
    # several manifests (-f a -f b): (name, private, the file declaring it) per secret
    declared_in: tuple[tuple[str, bool, str], ...] = ()
    # Writes that would put a value declared private into a public secret another user
    # created (one line each, see ``private_crossings``): the pipeline and apply refuse.
    crossings: tuple[str, ...] = ()

    def file_of(self, name: str, private: bool) -> str:
        """The manifest that declares this secret (the one manifest, unless several)."""
        for declared, is_private, path in self.declared_in:
            if (declared, is_private) == (name, private):
                return path
        return self.manifest

    @property
    def changes(self) -> list[SecretPlan]:
        return [secret for secret in self.secrets if secret.writes]

    @property
    def drift(self) -> list[Drift]:
        return [d for secret in self.secrets for d in secret.drift]

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def missing(self) -> list[str]:
        """Every create-only key that must be written and has no value (see SecretPlan)."""
        return [line for secret in self.secrets for line in secret.missing]

    @property
    def has_drift(self) -> bool:
        """Drift worth a non-zero ``--detailed-exitcode`` (see ``Drift.counts``)."""
        return any(d.counts for d in self.drift)

    def count(self, action: Action) -> int:
        return sum(1 for secret in self.secrets if secret.action == action)


def _shadowed(secret: DesiredSecret, target: Target, user_id: str | None) -> tuple[Drift, ...]:
    """The other visibility's secret of this name: never written, always reported."""
    other = target.shadowed
    if other is None:
        return ()
    mine = None if user_id is None or other.user_id is None else other.user_id == user_id
    if mine and not other.private:
        who = ", created by you: it still holds values every user can read"
    elif mine:
        who = ", created by you"
    elif mine is False:
        who = ", created by another user"
    else:
        who = ""
    message = (
        f"a {visibility_word(other.private)} secret with the same name exists ({other.id}){who}; "
        f"the manifest manages the {secret.visibility} one and never writes into that one"
    )
    drift = Drift(
        "shadowed", secret.name, secret.private, message, None, other.id, secret.position, mine
    )
    return (drift,)


def _absent(secret: DesiredSecret, target: Target, orphans: frozenset[str]) -> SecretPlan:
    """`state: absent`: delete the stored secret of exactly this name and visibility (its
    twin of the other visibility is another secret: never touched, never claimed). One the
    server lists but can neither read nor delete (orphaned) still exists: blocked."""
    ref = target.ref
    if ref is not None and ref.id in orphans:
        return _blocked(secret, ref, ())
    return SecretPlan(
        name=secret.name,
        private=secret.private,
        action="unchanged" if ref is None else "delete",
        secret_id=None if ref is None else ref.id,
        stored_private=None if ref is None else ref.private,
        position=secret.position,
        created=None if ref is None else ref.created,
        updated=None if ref is None else ref.updated,
    )


def _create(secret: DesiredSecret, shadowed: tuple[Drift, ...] = ()) -> SecretPlan:
    keys = tuple(KeyPlan(key, "add", secret.sources[key]) for key in secret.values)
    return SecretPlan(
        name=secret.name,
        private=secret.private,
        action="create" if secret.values else "skip",
        keys=keys,
        set_values=dict(secret.values),
        skipped=secret.skipped,
        drift=shadowed,
        size_after=secret_size(secret.values),
        position=secret.position,
        missing=tuple(secret.unset.values()),
    )


def _blocked(secret: DesiredSecret, ref: SecretRef, shadowed: tuple[Drift, ...]) -> SecretPlan:
    """A target the server lists without values: reported with its remedy, never written."""
    message = orphaned(ref.id, absent=secret.absent)
    drift = Drift("orphaned", secret.name, secret.private, message, None, ref.id, secret.position)
    return SecretPlan(
        name=secret.name,
        private=secret.private,
        action="blocked",
        secret_id=ref.id,
        stored_private=ref.private,
        skipped=secret.skipped,
        drift=(*shadowed, drift),
        position=secret.position,
        created=ref.created,
        updated=ref.updated,
    )


def _drift(
    kind: DriftKind, secret: DesiredSecret, stored: StoredSecret, message: str, key: str | None
) -> Drift:
    position = secret.key_positions.get(key, secret.position) if key else secret.position
    return Drift(kind, secret.name, secret.private, message, key, stored.id, position)


def _update(
    secret: DesiredSecret, stored: StoredSecret, shadowed: tuple[Drift, ...], prune: bool
) -> SecretPlan:
    keys: list[KeyPlan] = []
    drift: list[Drift] = list(shadowed)
    set_values: dict[str, str] = {}
    missing: list[str] = []
    for key in dict.fromkeys([*secret.declared, *secret.values]):  # declared order
        if key in secret.create_only and key in stored.values:
            # Stored (readable or not): kept as it is, never compared with the source.
            keys.append(KeyPlan(key, "kept", secret.sources.get(key)))
            continue
        if key in secret.unset:  # create-only, missing in the store, and no value
            missing.append(secret.unset[key])
            continue
        if key not in secret.values:  # optional and unset
            continue
        value = secret.values[key]
        source = secret.sources[key]
        if key not in stored.values:
            keys.append(KeyPlan(key, "add", source))
            drift.append(_drift("missing_key", secret, stored, "declared key not in store", key))
        elif stored.values[key] is None:
            keys.append(KeyPlan(key, "change", source))
            message = "the store returned no value for this key; apply writes the declared one"
            drift.append(_drift("unreadable", secret, stored, message, key))
        elif stored.values[key] != value:
            keys.append(KeyPlan(key, "change", source))
            drift.append(_drift("value", secret, stored, "stored value differs from source", key))
        else:
            keys.append(KeyPlan(key, "unchanged", source))
            continue
        set_values[key] = value
    remove: list[str] = []
    declared = set(secret.declared)
    for key in sorted(set(stored.values) - declared):
        if prune and secret.prune:
            remove.append(key)
            keys.append(KeyPlan(key, "remove"))
            hint = "removed by --prune"
        elif secret.prune:
            hint = "apply --prune removes it"
        else:
            hint = "kept: the secret is not marked `prune: true`"
        drift.append(_drift("extra_key", secret, stored, f"stored key not declared ({hint})", key))
    final: dict[str, str | None] = {k: v for k, v in stored.values.items() if k not in remove}
    final.update(set_values)
    return SecretPlan(
        name=secret.name,
        private=secret.private,
        action="update" if set_values or remove else "unchanged",
        keys=tuple(keys),
        secret_id=stored.id,
        stored_private=stored.private,
        set_values=set_values,
        observed=dict(stored.values),
        remove_keys=tuple(remove),
        skipped=secret.skipped,
        drift=tuple(drift),
        size_after=secret_size(final),
        position=secret.position,
        created=stored.created,
        updated=stored.updated,
        missing=tuple(missing),
        owner=stored.user_id,
    )


def make_plan(desired: Desired, observed: Observed, *, prune: bool = False) -> Plan:
    """Compare the manifest's desired state with what the store holds."""
    plans: list[SecretPlan] = []
    claimed: set[str] = set()
    for secret in desired.secrets:
        target = observed.target(secret)
        if secret.absent:
            claimed.update(ref.id for ref in (target.ref,) if ref is not None)
            plans.append(_absent(secret, target, observed.orphaned))
            continue
        claimed.update(ref.id for ref in (target.ref, target.shadowed) if ref is not None)
        stored = observed.stored(secret)
        shadowed = _shadowed(secret, target, observed.user_id)
        if target.ref is not None and target.ref.id in observed.orphaned:
            plans.append(_blocked(secret, target.ref, shadowed))
        elif stored is None:  # absent, or deleted between the list and the get
            plans.append(_create(secret, shadowed))
        else:
            plans.append(_update(secret, stored, shadowed, prune))
    from kitaru.sync.steering import flag_steering

    plans = [flag_steering(p, s) for p, s in zip(plans, desired.secrets, strict=True)]
    unmanaged = tuple(
        Drift(
            "unmanaged",
            ref.name,
            ref.private,
            "in the store but not in the manifest (left alone)",
            None,
            ref.id,
        )
        for ref in sorted(observed.refs, key=lambda r: (r.name, r.private, r.id))
        if ref.id not in claimed
    )
    crossings = private_crossings(desired, plans, observed.user_id)
    # A public secret to create with such a value: if another user creates it first, apply's
    # create must not turn into an update of theirs (``mine_only``).
    plans = [
        replace(plan, mine_only=True)
        if plan.action == "create" and _fed_privately(desired, plan)
        else plan
        for plan in plans
    ]
    return Plan(
        desired.manifest_path,
        tuple(plans),
        unmanaged,
        prune,
        declared_in=desired.declared_in,
        crossings=crossings,
    )


def _fed_privately(desired: Desired, plan: SecretPlan) -> bool:
    """``plan`` is public and one of its values comes from a private secret's road."""
    if plan.private:
        return False
    return bool(_crossing_keys(_private_roads(desired), plan))


# Variable -> (private secret, key) it feeds. Sources, never values, decide: comparing
# values would make plan (and MCP's plan tool) an oracle for whether two values are equal.
Roads = dict[str, tuple[str, str]]


def _private_roads(desired: Desired) -> Roads:
    """Each variable that feeds a private secret, and the first such secret and key."""
    roads: Roads = {}
    for secret in desired.secrets:
        if secret.private and not secret.absent:
            for key, source in secret.sources.items():
                roads.setdefault(variable_of(source), (secret.name, key))
    return roads


def _crossing_keys(roads: Roads, plan: SecretPlan) -> list[tuple[str, str, tuple[str, str]]]:
    """(key, variable, (private secret, key)) for each value ``plan`` writes from a variable
    that also feeds a private secret."""
    sources = {key.key: key.source for key in plan.keys}
    found = []
    for key in plan.set_values:
        variable = variable_of(sources.get(key) or "")
        if variable in roads:
            found.append((key, f"${named(variable)}", roads[variable]))
    return found


def private_crossings(
    desired: Desired, plans: list[SecretPlan], user_id: str | None
) -> tuple[str, ...]:
    """Writes into a public secret the caller did not create (or whose creator the store
    does not name) of a value whose variable (environment or .env) also feeds a private
    secret. One line per such key, naming both entries."""
    roads = _private_roads(desired)
    if not roads:
        return ()
    lines = []
    for plan in plans:
        theirs = user_id is None or plan.owner is None or plan.owner != user_id
        if plan.private or plan.action != "update" or not theirs:
            continue
        for key, how, other in _crossing_keys(roads, plan):
            lines.append(
                f"public secret {named(plan.name)} (created by another user) would receive "
                f"in {named(key)} {how}, which feeds private secret {named(other[0])} "
                f"key {named(other[1])}"
            )
    return tuple(lines)


def crossing_error(lines: Sequence[str]) -> SecretOwnerError:
    """The one error for ``Plan.crossings``: nothing is written."""
    return SecretOwnerError(
        "a value declared private would go into a public secret another user created; "
        f"nothing was written: {'; '.join(lines)} (give one of them another source with "
        "`from:`, or leave the public secret out of the manifest)"
    )


def oversized(plan: Plan) -> list[str]:
    """Secrets that would exceed ZenML's 64 KiB limit (checked before any write)."""
    return [
        f"secret '{secret.name}' would hold {secret.size_after} bytes of keys and values; "
        f"ZenML's limit is {MAX_SECRET_BYTES} bytes (64 KiB)"
        for secret in plan.secrets
        if secret.writes and secret.size_after > MAX_SECRET_BYTES
    ]
