"""Waiting out a secret still being created, and naming a lost race for a name."""

from __future__ import annotations

import pytest

from kitaru.errors import SecretExistsError, StoreError
from kitaru.store import create_races
from kitaru.store.base import SecretRef
from kitaru.store.create_races import VALUES_WAIT_S, create_once, patiently
from kitaru.store.failures import ValuesMissingError


def test_a_secret_being_created_is_waited_for_then_named(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(create_races.time, "sleep", slept.append)
    attempts = iter([ValuesMissingError("x"), ValuesMissingError("x"), "values"])

    def call() -> str:
        outcome = next(attempts)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert patiently(call) == "values"
    assert slept == list(VALUES_WAIT_S[:2])

    def never() -> str:
        raise ValuesMissingError("reading secret: lost")

    with pytest.raises(ValuesMissingError, match="lost"):
        patiently(never)
    assert sum(slept) == pytest.approx(sum(VALUES_WAIT_S[:2]) + sum(VALUES_WAIT_S))


def failing(error: Exception) -> object:
    raise error


def refs(*private: bool) -> list[SecretRef]:
    return [SecretRef(id=f"id-{i}", name="db", private=p) for i, p in enumerate(private)]


@pytest.mark.parametrize(
    "error", [StoreError("creating secret 'db': failed"), ValuesMissingError("x")]
)
def test_a_lost_race_for_the_name_says_it_exists(error: Exception) -> None:
    looked_up: list[str] = []

    def find(name: str) -> list[SecretRef]:
        looked_up.append(name)
        return refs(False, True)

    with pytest.raises(SecretExistsError) as info:
        create_once(lambda: failing(error), find, "db", True, "creating secret 'db'")
    assert str(info.value) == "creating secret 'db': a secret with that name already exists"
    assert looked_up == ["db"]


def no_lookup(name: str) -> list[SecretRef]:
    raise AssertionError(f"looked up {name!r}")


def test_other_failures_pass_through() -> None:
    error = StoreError("creating secret 'db': failed")
    with pytest.raises(StoreError) as info:  # only the other visibility holds the name
        create_once(lambda: failing(error), lambda _: refs(False), "db", True, "creating")
    assert info.value is error
    with pytest.raises(KeyError):  # not a store failure: no look-up at all
        create_once(lambda: failing(KeyError("x")), no_lookup, "db", True, "creating")
    assert create_once(lambda: "made", lambda _: [], "db", False, "creating") == "made"


def test_a_failed_look_up_after_a_failed_create_reports_the_create() -> None:
    """A server or database going down fails the create and the look-up after it: the
    user is told why the create failed (tests/server/test_replicas.py meets this)."""
    error = StoreError("creating secret 'db': the ZenML server failed (HTTP 500)")

    def find(name: str) -> list[SecretRef]:
        raise StoreError("listing secrets: the ZenML server failed (HTTP 500)")

    with pytest.raises(StoreError) as info:
        create_once(lambda: failing(error), find, "db", True, "creating secret 'db'")
    assert info.value is error


def test_create_or_update_is_the_one_place_a_lost_race_becomes_an_update() -> None:
    from kitaru.errors import SecretOwnerError
    from kitaru.store.create_races import create_or_update
    from tests.sync.stores import MemoryStore

    store = MemoryStore()
    new, created = create_or_update(store, "app", {"K": "1"}, False)
    assert created and new.values == {"K": "1"}
    again, created = create_or_update(store, "app", {"L": "2"}, False)  # the name is taken
    assert not created and again.id == new.id and again.values == {"K": "1", "L": "2"}
    other, created = create_or_update(store, "app", {"K": "p"}, True)  # other visibility
    assert created and other.id != new.id

    def refuse(existing: object) -> None:
        raise SecretOwnerError("not yours")

    with pytest.raises(SecretOwnerError):
        create_or_update(store, "app", {"K": "x"}, False, check=refuse)
    assert store.get(new.id).values == {"K": "1", "L": "2"}  # vetted before any write
