"""Store selection: which SecretStore a command talks to."""

from __future__ import annotations

from kitaru.store.base import SecretRef, SecretStore, StoredSecret

__all__ = ["SecretRef", "SecretStore", "StoredSecret", "open_store"]


def open_store() -> SecretStore:
    """The store configured for this process (ZenML's client for now)."""
    from kitaru.store.zenml_client import ZenMLClientStore

    return ZenMLClientStore()
