"""Guard against lost updates on a shared ZenML server.

A ZenML server merges a secret update by reading the stored values and writing them
back in a separate step, without a lock or version check. Two updates of one secret
that overlap on the server can therefore drop each other's keys silently (measured
on zenml 0.98.0: 8 concurrent updates with different keys kept 1-6 of them). The API
offers no compare-and-swap, so the only defence is to read back after the other
in-flight writers have had time to land, and to re-send keys that did not stick.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence

from kitaru.errors import StoreError
from kitaru.store.base import StoredSecret

ROUNDS = 6
MIN_SETTLE_S = 0.05
MAX_SETTLE_S = 2.0


def lost_keys(
    stored: Mapping[str, str | None], set_values: Mapping[str, str], remove_keys: Sequence[str]
) -> list[str]:
    """Keys whose write did not stick; a withheld (``None``) value is given the benefit."""
    lost = {key for key in remove_keys if key in stored}
    for key, value in set_values.items():
        if key not in stored or stored[key] not in (None, value):
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
    *,
    rounds: int = ROUNDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    jitter: Callable[[], float] = random.random,
) -> StoredSecret:
    """Write, wait, read back; re-send while keys were lost. Returns the state read back.

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
        lost = lost_keys(current.values, set_values, remove_keys)
        if not lost:
            return current
    raise StoreError(
        f"updating secret '{name}': other writers changed it at the same time and "
        f"{', '.join(lost)} did not stick after {rounds} attempts; re-run to retry"
    )
