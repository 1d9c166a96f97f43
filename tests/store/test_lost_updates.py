"""The lost-update guard, with the store's write and read played by plain functions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.errors import SecretNotFoundError, StoreError
from kitaru.store.base import StoredSecret
from kitaru.store.lost_updates import (
    MAX_SETTLE_S,
    MIN_SETTLE_S,
    lost_keys,
    patch,
    settle_time,
    update_until_kept,
    write_until_kept,
)

KEYS = st.text("ABCDEFGH_", min_size=1, max_size=3)
VALUES = st.text(min_size=0, max_size=5)


ABSENT = object()


@given(
    stored=st.dictionaries(KEYS, st.none() | VALUES),
    set_values=st.dictionaries(KEYS, VALUES),
    remove=st.lists(KEYS),
    before=st.dictionaries(KEYS, st.none() | VALUES),
)
def test_lost_keys_are_exactly_those_back_in_their_pre_write_state(
    stored: dict[str, str | None],
    set_values: dict[str, str],
    remove: list[str],
    before: dict[str, str | None],
) -> None:
    remove = [key for key in remove if key not in set_values]
    lost = lost_keys(stored, set_values, remove, before)
    for key, value in set_values.items():
        now = stored.get(key, ABSENT)
        reverted = now is ABSENT or (now is not None and now != value and now == before.get(key))
        assert (key in lost) is reverted
    for key in remove:
        assert (key in lost) is (key in stored and stored[key] == before.get(key, ABSENT))
    assert lost == sorted(set(lost))


@given(
    mine=VALUES,
    theirs=VALUES,
    old=st.none() | VALUES,
)
def test_another_writers_value_is_last_writer_wins_not_a_lost_write(
    mine: str, theirs: str, old: str | None
) -> None:
    """One key, two writers: whatever value other than the old one is stored is kept."""
    if theirs == old:
        return
    assert lost_keys({"K": theirs}, {"K": mine}, [], {"K": old} if old is not None else {}) == []
    assert lost_keys({"K": theirs}, {}, ["K"], {"K": old} if old is not None else {}) == []


def test_a_key_absent_or_back_to_its_old_value_was_lost() -> None:
    assert lost_keys({}, {"K": "new"}, [], {"K": "old"}) == ["K"]
    assert lost_keys({"K": "old"}, {"K": "new"}, [], {"K": "old"}) == ["K"]
    assert lost_keys({"K": "old"}, {}, ["K"], {"K": "old"}) == ["K"]
    assert lost_keys({}, {}, ["K"], {"K": "old"}) == []


@given(round_trip=st.floats(0, 100), jitter=st.floats(0, 1))
def test_settle_time_is_bounded_and_grows_with_the_round_trip(
    round_trip: float, jitter: float
) -> None:
    settle = settle_time(round_trip, jitter)
    assert MIN_SETTLE_S <= settle <= 2 * MAX_SETTLE_S
    assert settle_time(round_trip * 2, jitter) >= settle


class FakeServer:
    """A secret whose first ``lose`` writes are overwritten by a stale writer."""

    def __init__(self, lose: int, later: str | None = None) -> None:
        self.values: dict[str, str] = {"OTHER": "x", "MINE": "old"}
        self.later = later  # another writer's value that lands right after each write
        self.lose = lose
        self.writes = 0
        self.sleeps: list[float] = []

    def write(self, changes: dict[str, str]) -> StoredSecret:
        self.writes += 1
        if self.writes > self.lose:
            self.values.update(changes)
        written = StoredSecret("id", "shared", False, dict(self.values))
        if self.later is not None:
            self.values["MINE"] = self.later
        return written

    def read(self) -> StoredSecret:
        return StoredSecret("id", "shared", False, dict(self.values))


def run(server: FakeServer, rounds: int = 6) -> StoredSecret:
    return write_until_kept(
        lambda: server.write({"MINE": "v"}),
        server.read,
        {"MINE": "v"},
        [],
        {"MINE": "old"},
        rounds=rounds,
        sleep=server.sleeps.append,
        clock=lambda: 0.0,
        jitter=lambda: 0.5,
    )


def test_a_kept_write_costs_one_write_and_one_read() -> None:
    server = FakeServer(lose=0)
    assert run(server).values == {"OTHER": "x", "MINE": "v"}
    assert server.writes == 1
    assert server.sleeps == [MIN_SETTLE_S * 1.5]


def test_lost_writes_are_sent_again() -> None:
    server = FakeServer(lose=2)
    assert run(server).values["MINE"] == "v"
    assert server.writes == 3


def test_a_write_that_never_sticks_is_a_one_line_conflict_without_values() -> None:
    server = FakeServer(lose=99)
    with pytest.raises(StoreError) as info:
        run(server, rounds=3)
    assert str(info.value) == (
        "updating secret 'shared': other writers changed it at the same time and MINE did "
        "not stick after 3 attempts; re-run to retry"
    )
    assert server.writes == 3


def test_a_later_writers_value_of_the_same_key_is_not_re_sent() -> None:
    """Concurrent writers of one key: the guard must not undo a later writer's value."""
    server = FakeServer(lose=0, later="theirs")
    assert run(server).values["MINE"] == "theirs"
    assert server.writes == 1


def test_a_write_a_stale_merge_reverted_to_the_old_value_is_sent_again() -> None:
    server = FakeServer(lose=1)
    assert run(server).values["MINE"] == "v"
    assert server.writes == 2


@given(set_values=st.dictionaries(KEYS, VALUES), remove=st.lists(KEYS))
def test_a_patch_sets_values_and_removes_keys_with_none(
    set_values: dict[str, str], remove: list[str]
) -> None:
    changes = patch(set_values, remove)
    assert set(changes) == set(set_values) | set(remove)
    for key, value in changes.items():
        assert value == set_values.get(key)  # a key both set and removed is set


def test_without_before_the_secret_is_read_first() -> None:
    server = FakeServer(lose=1)
    kept = update_until_kept(
        lambda: server.write({"MINE": "v"}), server.read, {"MINE": "v"}, [], None
    )
    assert kept.values["MINE"] == "v"
    assert server.writes == 2  # the read before the write showed the first one was lost


def test_a_secret_gone_before_the_update_is_not_found() -> None:
    def gone() -> StoredSecret:
        raise SecretNotFoundError("reading secret: secret not found")

    with pytest.raises(SecretNotFoundError) as info:
        update_until_kept(gone, gone, {"K": "v"}, [], None)
    assert str(info.value) == "updating secret: secret not found"
