"""The embedded store: reads from its SQLite file where that is provably ZenML's store,
everything else through ZenML's client.

``kitaru.store.sqlite_reader`` decides on first use whether this environment's store may
be read without zenml; where it may not, or a row is one the reader cannot vouch for,
that call goes through ZenML's client exactly as before, without a message. Writes
(create, update, delete) always go through ZenML's client, which loads zenml then.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from kitaru.store.base import SecretRef, SecretStore, StoredSecret
from kitaru.store.sqlite_reader import NotEligible, SqliteReader, Unsure, eligible_database

if TYPE_CHECKING:
    from kitaru.store.zenml_client import ZenMLClientStore

T = TypeVar("T")


class EmbeddedStore:
    """``SecretStore`` for the embedded store: fast reads, ZenML for the rest."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._decided = False
        self._reader: SqliteReader | None = None
        self._zenml_store: ZenMLClientStore | None = None

    @property
    def reads_without_zenml(self) -> bool:
        """Whether reads take the SQLite path (decided on first use)."""
        return self._fast_reader() is not None

    def _fast_reader(self) -> SqliteReader | None:
        with self._lock:
            if not self._decided:
                self._decided = True
                try:
                    self._reader = SqliteReader(eligible_database())
                except NotEligible:
                    self._reader = None
            return self._reader

    def _zenml(self) -> SecretStore:
        if self._zenml_store is None:
            from kitaru.store.zenml_client import ZenMLClientStore

            self._zenml_store = ZenMLClientStore()
        return self._zenml_store

    def _read(self, fast: Callable[[SqliteReader], T], slow: Callable[[SecretStore], T]) -> T:
        reader = self._fast_reader()
        if reader is not None:
            try:
                with self._lock:
                    return fast(reader)
            except Unsure:
                pass
        return slow(self._zenml())

    @property
    def max_workers(self) -> int:
        return 1  # one SQLite database, as through ZenML's client

    def list_all(self) -> list[SecretRef]:
        return self._read(lambda reader: reader.list_all(), lambda store: store.list_all())

    def find(self, name: str) -> list[SecretRef]:
        return self._read(lambda reader: reader.find(name), lambda store: store.find(name))

    def get(self, secret_id: str) -> StoredSecret:
        return self._read(lambda reader: reader.get(secret_id), lambda store: store.get(secret_id))

    def current_user_id(self) -> str | None:
        return self._read(
            lambda reader: reader.current_user_id(), lambda store: store.current_user_id()
        )

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        return self._zenml().create(name, values, private)

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        return self._zenml().update(secret_id, set_values, remove_keys, before=before)

    def delete(self, secret_id: str) -> None:
        self._zenml().delete(secret_id)

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                self._reader.close()
            self._reader = None
            self._decided = False
        if self._zenml_store is not None:
            self._zenml_store.close()
