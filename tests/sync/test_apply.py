"""Executing a plan: one write per changed secret, failures recorded, races become updates."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from kitaru.errors import InvalidSecretError, SecretExistsError, StoreError
from kitaru.store.base import StoredSecret
from kitaru.sync.apply import execute
from kitaru.sync.observe import observe
from kitaru.sync.plan import Plan, make_plan
from kitaru.sync.sources import Desired, DesiredSecret
from tests.sync.example import CANARY_DB, stored_state, write_example
from tests.sync.stores import CountingStore, MemoryStore
from tests.sync.test_plan import desired_secret


def plan_on(store: MemoryStore | CountingStore, *secrets: DesiredSecret) -> Plan:
    desired = Desired("m.yaml", secrets)
    return make_plan(desired, observe(store, desired))


class FlakyStore(MemoryStore):
    """Writes to one name fail: with a kitaru error, or with something unexpected."""

    def __init__(self, fail: str, error: Exception) -> None:
        super().__init__()
        self.fail, self.error = fail, error

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        if name == self.fail:
            raise self.error
        return super().create(name, values, private)


def test_a_dry_run_and_a_no_op_plan_make_no_call() -> None:
    store = CountingStore(MemoryStore([StoredSecret("1", "same", False, {"K": "v"})]))
    pending = plan_on(store, desired_secret("same", {"K": "v"}), desired_secret("new", {"K": "v"}))
    store.take()
    dry = execute(pending, store, dry_run=True)
    assert [o.status for o in dry.outcomes] == ["unchanged", "planned"] and store.take() == {}
    noop = plan_on(store, desired_secret("same", {"K": "v"}))
    store.take()
    assert execute(noop, store).writes == 0 and store.take() == {}


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (StoreError("creating secret 'b': the server stopped answering"), "creating secret 'b'"),
        (RuntimeError("kitaru-canary-in-a-backend-text"), "create 'b': unexpected RuntimeError"),
    ],
)
def test_one_failure_is_recorded_and_the_others_still_run(error: Exception, message: str) -> None:
    store = FlakyStore("b", error)
    secrets = [desired_secret(name, {"K": "v"}) for name in ("a", "b", "c")]
    result = execute(plan_on(store, *secrets), store)
    assert [o.status for o in result.outcomes] == ["created", "failed", "created"]
    (failed,) = result.failed
    assert failed.error is not None and failed.error.startswith(message)
    assert "canary" not in failed.error  # an unexpected error's own text is never shown
    assert result.writes == 2 and not result.ok


def test_an_oversized_secret_stops_the_apply_before_any_write() -> None:
    store = CountingStore(MemoryStore())
    pending = plan_on(
        store, desired_secret("ok", {"K": "v"}), desired_secret("big", {"K": "x" * 70_000})
    )
    store.take()
    with pytest.raises(InvalidSecretError, match=r"'big' would hold .* Nothing was written"):
        execute(pending, store)
    assert store.take() == {}


def test_a_create_that_lost_the_race_updates_the_winners_secret() -> None:
    """Another writer created the name (same visibility) since the plan: the store says
    so (SecretExistsError) and apply updates that secret instead, keeping its other keys."""
    store = MemoryStore()
    pending = plan_on(store, desired_secret("app", {"K": "mine"}))
    winner = store.create("app", {"K": "theirs", "OTHER": "kept"}, False)
    result = execute(pending, store)
    assert [(o.status, o.secret_id) for o in result.outcomes] == [("updated", winner.id)]
    assert store.get(winner.id).values == {"K": "mine", "OTHER": "kept"}


def test_a_twin_of_the_other_visibility_is_no_race() -> None:
    store = MemoryStore()
    pending = plan_on(store, desired_secret("app", {"K": "private"}, private=True))
    public = store.create("app", {"K": "public"}, False)  # never the place for a private value
    result = execute(pending, store)
    assert [o.status for o in result.outcomes] == ["created"]
    assert store.get(public.id).values == {"K": "public"}


class ExistsButHiddenStore(MemoryStore):
    """Says the name is taken, but shows no such secret (e.g. deleted again at once)."""

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        raise SecretExistsError(f"creating secret '{name}': a secret with that name already exists")


def test_a_race_whose_winner_cannot_be_found_is_a_failure_of_that_secret() -> None:
    store = ExistsButHiddenStore()
    result = execute(plan_on(store, desired_secret("app", {"K": "v"})), store)
    assert [o.status for o in result.outcomes] == ["failed"]
    assert result.failed[0].error == "creating secret 'app': a secret with that name already exists"


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return write_example(tmp_path, monkeypatch)


def test_create_that_races_is_retried_as_update(kitaru_env: object, manifest: Path) -> None:
    from kitaru.secrets import create_secret
    from kitaru.sync import apply as sync_apply
    from kitaru.sync import plan as sync_plan

    pending = sync_plan(manifest)
    assert pending.secrets[2].action == "create"
    create_secret("db-creds", {"DB_PASSWORD": "raced", "OTHER": "kept"})  # another writer
    result = sync_apply(pending)
    assert result.ok
    assert [o.status for o in result.outcomes] == ["created", "created", "updated"]
    assert stored_state()[("db-creds", False)] == {"DB_PASSWORD": CANARY_DB, "OTHER": "kept"}
