"""Observed state: one paged list, then one get per declared secret that exists (and the
caller's user ID, only when a declared secret has a twin of the other visibility)."""

from __future__ import annotations

from kitaru.store.base import SecretStore
from kitaru.store.fetch import fetch_existing
from kitaru.sync.plan import Observed, pick_targets
from kitaru.sync.sources import Desired


def observe(store: SecretStore, desired: Desired) -> Observed:
    """Read exactly what the planner needs; unchanged and undeclared secrets cost no get."""
    refs = store.list_all()
    targets = pick_targets(desired.secrets, refs)
    ids: dict[str, None] = {}  # ordered and de-duplicated in one pass
    for secret in desired.secrets:
        ref = targets[(secret.name, secret.private)].ref
        if ref is not None:
            ids[ref.id] = None
    fetched = fetch_existing(store, ids)
    # Who the caller is matters only to tell them a shadowing secret is their own copy.
    shadowing = any(target.shadowed is not None for target in targets.values())
    user_id = store.current_user_id() if shadowing else None
    return Observed(tuple(refs), {secret.id: secret for secret in fetched}, user_id)
