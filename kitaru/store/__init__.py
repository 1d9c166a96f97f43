"""Store selection: which SecretStore a command talks to."""

from __future__ import annotations

from kitaru.store.base import SecretRef, SecretStore, StoredSecret

__all__ = ["SecretRef", "SecretStore", "StoredSecret", "close_open_stores", "open_store"]


def open_store() -> SecretStore:
    """The store configured for this process: kitaru's REST store for a ZenML server
    (see kitaru.store.selection), ZenML's client for an embedded store or on request."""
    from kitaru.store.server_config import rest_choice

    chosen = rest_choice()
    if chosen is not None:
        from kitaru.store.selection import server_store

        return server_store(*chosen)
    from kitaru.store.zenml_client import ZenMLClientStore

    return ZenMLClientStore()


def close_open_stores() -> None:
    """Close (and forget) every REST store this process opened; cheap when none was."""
    import sys

    selection = sys.modules.get("kitaru.store.selection")
    if selection is not None:
        selection.close_all()
