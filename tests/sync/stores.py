"""Test doubles of kitaru's own SecretStore protocol (never of ZenML).

``MemoryStore`` backs the planner's property tests; ``CountingStore`` wraps any store
(the real embedded one in tests and benchmarks) to count round trips per phase.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from kitaru.errors import SecretExistsError, SecretNotFoundError
from kitaru.store.base import SecretRef, SecretStore, StoredSecret

WRITES = ("create", "update", "delete")


class MemoryStore:
    """Secrets in a dict; a ``None`` value is one the store withholds (unreadable)."""

    def __init__(self, secrets: Sequence[StoredSecret] = (), user_id: str = "me") -> None:
        self._ids = itertools.count(1)
        self.secrets: dict[str, StoredSecret] = {s.id: s for s in secrets}
        self.user_id = user_id  # who this store acts as; new secrets are theirs

    @property
    def max_workers(self) -> int:
        return 1

    def list_all(self) -> list[SecretRef]:
        return [s.ref for s in self.secrets.values()]

    def find(self, name: str) -> list[SecretRef]:
        return [s.ref for s in self.secrets.values() if s.name == name]

    def get(self, secret_id: str) -> StoredSecret:
        if secret_id not in self.secrets:
            raise SecretNotFoundError("reading secret: secret not found")
        return self.secrets[secret_id]

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        if any(s.name == name and s.private == private for s in self.secrets.values()):
            raise SecretExistsError(f"creating secret '{name}': it already exists")
        secret = StoredSecret(f"mem-{next(self._ids)}", name, private, dict(values), self.user_id)
        self.secrets[secret.id] = secret
        return secret

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        old = self.get(secret_id)
        values = {k: v for k, v in old.values.items() if k not in remove_keys}
        values.update(set_values)
        self.secrets[secret_id] = StoredSecret(old.id, old.name, old.private, values, old.user_id)
        return self.secrets[secret_id]

    def delete(self, secret_id: str) -> None:
        self.get(secret_id)
        del self.secrets[secret_id]

    def current_user_id(self) -> str | None:
        return self.user_id

    def close(self) -> None:
        pass


class CountingStore:
    """Forwards every call to ``inner`` and counts it by method name."""

    def __init__(self, inner: SecretStore) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    @property
    def max_workers(self) -> int:
        return self.inner.max_workers

    def _count(self, name: str) -> Any:
        self.calls[name] += 1
        return getattr(self.inner, name)

    def list_all(self) -> list[SecretRef]:
        return self._count("list_all")()  # type: ignore[no-any-return]

    def find(self, name: str) -> list[SecretRef]:
        return self._count("find")(name)  # type: ignore[no-any-return]

    def get(self, secret_id: str) -> StoredSecret:
        return self._count("get")(secret_id)  # type: ignore[no-any-return]

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        return self._count("create")(name, values, private)  # type: ignore[no-any-return]

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        return self._count("update")(secret_id, set_values, remove_keys, before=before)  # type: ignore[no-any-return]

    def delete(self, secret_id: str) -> None:
        self._count("delete")(secret_id)

    def current_user_id(self) -> str | None:
        return self._count("current_user_id")()  # type: ignore[no-any-return]

    def close(self) -> None:
        self.inner.close()

    @property
    def writes(self) -> int:
        return sum(self.calls[name] for name in WRITES)

    def take(self) -> dict[str, int]:
        """Counts since the last call, then reset (one phase of a benchmark or test)."""
        counts = dict(self.calls)
        self.calls.clear()
        return counts
