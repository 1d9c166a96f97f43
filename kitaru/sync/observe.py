"""Observed state: one paged list, then one get per declared secret that exists."""

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
    return Observed(tuple(refs), {secret.id: secret for secret in fetched})
