"""Observation: which stored secret each declaration maps to, and what it costs to read."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kitaru.store.base import SecretRef, StoredSecret
from kitaru.sync.observe import Observed, Target, observe, pick_targets
from kitaru.sync.sources import Desired
from tests.sync.stores import CountingStore, MemoryStore
from tests.sync.test_plan import desired_secret

NAMES = st.sampled_from(["a", "b", "c"])
REFS = st.lists(
    st.builds(SecretRef, id=st.uuids().map(str), name=NAMES, private=st.booleans()), max_size=8
)
DECLARED = st.lists(st.tuples(NAMES, st.booleans()), unique=True, max_size=6)


@given(DECLARED, REFS)
def test_a_target_has_the_declared_name_and_visibility_and_never_the_other(
    declared: list[tuple[str, bool]], refs: list[SecretRef]
) -> None:
    secrets = [desired_secret(name, {"K": "v"}, private=private) for name, private in declared]
    targets = pick_targets(secrets, refs)
    assert set(targets) == set(declared)
    for (name, private), target in targets.items():
        same = sorted(
            (r for r in refs if (r.name, r.private) == (name, private)), key=lambda r: r.id
        )
        assert target.ref == (same[0] if same else None)  # the lowest ID when several
        if target.shadowed is not None:
            assert (target.shadowed.name, target.shadowed.private) == (name, not private)
            assert (name, not private) not in declared  # a declared twin is nobody's shadow


def test_observe_lists_once_and_gets_only_existing_targets() -> None:
    store = CountingStore(
        MemoryStore(
            [
                StoredSecret("1", "app", False, {"K": "v"}),
                StoredSecret("2", "app", True, {"K": "v"}),  # declared too: no shadow
                StoredSecret("3", "other", False, {"K": "v"}),  # undeclared: no get
            ]
        )
    )
    desired = Desired(
        "m.yaml",
        (
            desired_secret("app", {"K": "v"}),
            desired_secret("app", {"K": "v"}, private=True),
            desired_secret("new", {"K": "v"}),
        ),
    )
    observed = observe(store, desired)
    # the user ID once: nothing is shadowed, but $K feeds the private app and the public
    # app that exists (whose creator decides whether a private value may go there)
    assert store.take() == {"list_all": 1, "get": 2, "current_user_id": 1}
    assert set(observed.fetched) == {"1", "2"} and observed.user_id == "me"
    assert observed.stored(desired.secrets[2]) is None
    assert observed.target(desired.secrets[0]) == Target(store.inner.secrets["1"].ref)  # type: ignore[attr-defined]
    fetched = list(observed.fetched.values())
    assert observed == Observed.of(desired, store.list_all(), fetched, user_id="me")


def test_the_callers_id_is_asked_only_when_a_secret_is_shadowed() -> None:
    store = CountingStore(MemoryStore([StoredSecret("1", "app", False, {"K": "v"})]))
    desired = Desired("m.yaml", (desired_secret("app", {"K": "v"}, private=True),))
    observed = observe(store, desired)
    assert store.take() == {"list_all": 1, "current_user_id": 1}
    assert observed.user_id == "me"
    (target,) = observed.targets.values()
    assert target.ref is None and target.shadowed is not None and target.shadowed.id == "1"


class VanishingStore(MemoryStore):
    """A secret deleted by someone else between the list and the get."""

    def list_all(self) -> list[SecretRef]:
        refs = super().list_all()
        self.secrets.clear()
        return refs


def test_a_secret_deleted_after_the_list_is_observed_as_absent() -> None:
    store = VanishingStore([StoredSecret("1", "app", False, {"K": "v"})])
    desired = Desired("m.yaml", (desired_secret("app", {"K": "v"}),))
    observed = observe(store, desired)
    assert observed.fetched == {} and observed.stored(desired.secrets[0]) is None
    assert observed.target(desired.secrets[0]).ref is not None  # listed, then gone
