"""Guard against lost updates on a shared ZenML server.

A ZenML server merges a secret update by reading the stored values and writing them
back in a separate step, without a lock or version check. Two updates of one secret
that overlap on the server can therefore drop each other's keys silently (measured
on zenml 0.98.0: 8 concurrent updates with different keys kept 1-6 of them). The API
offers no compare-and-swap, so the only defence is to read back after the other
in-flight writers have had time to land, and to re-send keys that did not stick.

A key that holds another writer's value was not lost: that writer came later, and
the last writer wins. Only a key that is absent, or still holds the value it had
before our write, was dropped by a stale merge; re-sending anything else would make
concurrent writers of one key overwrite each other in turn.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence

from kitaru.errors import SecretNotFoundError, StoreError
from kitaru.safe_text import for_terminal
from kitaru.store import failures
from kitaru.store.base import StoredSecret

ROUNDS = 6
MIN_SETTLE_S = 0.05
MAX_SETTLE_S = 2.0


Values = Mapping[str, str | None]
_ABSENT = object()


def lost_keys(
    stored: Values,
    set_values: Mapping[str, str],
    remove_keys: Sequence[str],
    before: Values,
) -> list[str]:
    """Keys whose write a stale merge undid: the key is back to its pre-write state.

    ``before`` is what the caller saw before writing (a key missing from it was
    absent). A set key was lost when it is absent or still holds its old value
    (unless that is the value we wrote; a withheld ``None`` gets the benefit of the
    doubt); a removed key was lost when it is present with its old value. Any other
    value is a later writer's, and it wins.
    """
    lost: set[str] = set()
    for key in remove_keys:
        if key in stored and before.get(key, _ABSENT) == stored[key]:
            lost.add(key)
    for key, value in set_values.items():
        now = stored.get(key, _ABSENT)
        if now is _ABSENT or (now not in (None, value) and before.get(key, _ABSENT) == now):
            lost.add(key)
    return sorted(lost)


def settle_time(round_trip_s: float, jitter: float) -> float:
    """Long enough for writers that overlapped ours to finish: twice our own round
    trip (it grows with server load), randomized so retrying writers spread out."""
    base = min(MAX_SETTLE_S, max(MIN_SETTLE_S, 2.0 * round_trip_s))
    return base * (1.0 + jitter)


def write_until_kept(
    write: Callable[[], StoredSecret],
    read: Callable[[], StoredSecret],
    set_values: Mapping[str, str],
    remove_keys: Sequence[str],
    before: Values,
    *,
    rounds: int = ROUNDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    jitter: Callable[[], float] = random.random,
) -> StoredSecret:
    """Write, wait, read back; re-send while keys were lost. Returns the state read back.

    ``before`` holds the values of the written keys as the caller last read them.
    Every round re-sends the same update, so retrying is idempotent; after ``rounds``
    the caller gets a conflict error naming the keys (never their values).
    """
    lost: list[str] = []
    name = "secret"
    for _ in range(rounds):
        started = clock()
        written = write()
        name = written.name
        sleep(settle_time(clock() - started, jitter()))
        current = read()
        lost = lost_keys(current.values, set_values, remove_keys, before)
        if not lost:
            return current
    raise StoreError(
        f"updating secret '{for_terminal(name)}': other writers changed it at the same time and "
        f"{', '.join(lost)} did not stick after {rounds} attempts; re-run to retry"
    )


def patch(set_values: Mapping[str, str], remove_keys: Sequence[str]) -> dict[str, str | None]:
    """One update as ZenML's client and its API both take it: ``None`` removes a key."""
    changes: dict[str, str | None] = {key: None for key in remove_keys}
    changes.update(set_values)
    return changes


def update_until_kept(
    write: Callable[[], StoredSecret],
    read: Callable[[], StoredSecret],
    set_values: Mapping[str, str],
    remove_keys: Sequence[str],
    before: Values | None,
) -> StoredSecret:
    """A store's ``update`` on a server: ``write_until_kept``, reading the secret first
    when the caller did not say what it saw (``before`` is None)."""
    if before is None:
        try:
            before = read().values
        except failures.ValuesMissingError:  # listed, but its creation never finished
            raise failures.values_missing("updating secret") from None
        except SecretNotFoundError:
            raise failures.not_found("updating secret") from None
    return write_until_kept(write, read, set_values, remove_keys, before)
