"""Every backend hands on when a secret was created and last updated, as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kitaru.store import open_store
from kitaru.store.base import as_utc
from tests.conftest import KitaruEnv


def test_created_and_updated_come_back_aware_and_in_utc(kitaru_env: KitaruEnv) -> None:
    store = open_store()
    before = datetime.now(UTC) - timedelta(minutes=5)
    created = store.create("timed", {"K": "v"}, private=False)
    assert created.created is not None and created.updated is not None
    assert created.created.tzinfo is UTC and created.created >= before
    updated = store.update(created.id, {"K": "w"}, [])
    assert updated.updated is not None and updated.updated >= created.updated
    (listed,) = [ref for ref in store.list_all() if ref.id == created.id]
    assert listed.created == created.created
    assert store.get(created.id).updated == listed.updated


def test_naive_times_mean_utc() -> None:
    naive = datetime(2026, 1, 2, 3, 4, 5)
    assert as_utc(naive) == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert as_utc(None) is None
