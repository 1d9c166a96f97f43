"""Fetch many secrets with the store's own concurrency limit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from kitaru.errors import SecretNotFoundError
from kitaru.store.base import SecretStore, StoredSecret

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(store: SecretStore, items: Sequence[T], work: Callable[[T], R]) -> list[R]:
    """Map ``work`` over ``items`` in order, concurrently only where the store allows it."""
    workers = min(store.max_workers, len(items))
    if workers <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kitaru") as pool:
        return list(pool.map(work, items))


def fetch_existing(store: SecretStore, secret_ids: Iterable[str]) -> list[StoredSecret]:
    """Get each secret; ones deleted since they were listed are skipped."""

    def fetch(secret_id: str) -> StoredSecret | None:
        try:
            return store.get(secret_id)
        except SecretNotFoundError:
            return None

    fetched = run_bounded(store, list(secret_ids), fetch)
    return [secret for secret in fetched if secret is not None]
