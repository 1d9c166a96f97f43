"""Secret stores: the seam (base), kitaru's REST store, ZenML's client, and the choice
between them (selection). Importing the package loads none of the stores."""

from __future__ import annotations

from kitaru.store.base import SecretRef, SecretStore, StoredSecret

__all__ = ["SecretRef", "SecretStore", "StoredSecret", "close_open_stores", "open_store"]


def open_store() -> SecretStore:
    """The store configured for this process: kitaru's REST store for a ZenML server,
    ZenML's client for an embedded store or on request (decided in kitaru.store.selection)."""
    from kitaru.store import selection

    return selection.open_store()


def close_open_stores() -> None:
    """Close (and forget) every REST store this process opened; cheap when none was."""
    import sys

    selection = sys.modules.get("kitaru.store.selection")
    if selection is not None:
        selection.close_all()
