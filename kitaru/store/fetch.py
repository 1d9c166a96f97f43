"""Fetch many secrets with the store's own concurrency limit."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from kitaru.errors import SecretNotFoundError
from kitaru.store.base import SecretStore, StoredSecret
from kitaru.store.failures import ValuesMissingError

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(store: SecretStore, items: Sequence[T], work: Callable[[T], R]) -> list[R]:
    """Map ``work`` over ``items`` in order, concurrently only where the store allows it."""
    workers = min(store.max_workers, len(items))
    if workers <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kitaru") as pool:
        return list(pool.map(work, items))


@dataclass(frozen=True)
class Fetched:
    """The secrets read, and the IDs of listed ones a server holds no values for
    (orphaned by a create killed between ZenML's two commits: no API reads them)."""

    secrets: list[StoredSecret]
    orphaned: frozenset[str] = frozenset()


Read = Callable[[int, int, str], None]  # (done, total, secret ID): a progress callback


def fetch_existing(
    store: SecretStore, secret_ids: Iterable[str], on_read: Read | None = None
) -> Fetched:
    """Get each secret; ones deleted since they were listed are skipped, orphaned ones
    are set apart (``Fetched.orphaned``)."""
    ids = list(secret_ids)
    orphaned: set[str] = set()
    done = 0
    lock = threading.Lock()

    def fetch(secret_id: str) -> StoredSecret | None:
        nonlocal done
        try:
            return store.get(secret_id)
        except ValuesMissingError:
            with lock:
                orphaned.add(secret_id)
            return None
        except SecretNotFoundError:
            return None
        finally:
            with lock:
                done += 1
                if on_read is not None:
                    on_read(done, len(ids), secret_id)

    fetched = run_bounded(store, ids, fetch)
    return Fetched([secret for secret in fetched if secret is not None], frozenset(orphaned))
