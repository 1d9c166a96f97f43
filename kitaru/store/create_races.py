"""Races around creating a secret on a ZenML server, handled alike by both stores.

ZenML commits a new secret's row and its values in two steps, so for a moment a new
secret is listed while get, update and delete fail because its values are not stored
yet (``failures.ValuesMissingError``). kitaru waits that out; a creation that never
finished is then reported as such instead of as "not found".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from kitaru.errors import SecretExistsError, StoreError
from kitaru.store import failures
from kitaru.store.base import SecretRef, SecretStore, StoredSecret

VALUES_WAIT_S = (0.1, 0.2, 0.4, 0.8)

T = TypeVar("T")


def patiently(call: Callable[[], T]) -> T:
    """Retry a call that met a secret still being created (about 1.5 s in all)."""
    for delay in VALUES_WAIT_S:
        try:
            return call()
        except failures.ValuesMissingError:
            time.sleep(delay)
    return call()


def create_once(
    create: Callable[[], T],
    find: Callable[[str], Sequence[SecretRef]],
    name: str,
    private: bool,
    action: str,
) -> T:
    """``create()``, reporting "already exists" when it lost a race for the name.

    Two creates of one name that overlap on a server: the loser either passes the
    existence check and hits the database's unique constraint (HTTP 500), or its check
    trips over the winner's values not being stored yet (404) (zenml 0.98.0). Both
    mean the name is taken, which a fresh look-up of the name confirms.
    """
    try:
        return create()
    except (StoreError, failures.ValuesMissingError) as create_error:
        try:
            taken = any(ref.private == private for ref in find(name))
        except StoreError:
            # The look-up failed too (a server or database going down): the user is
            # told why the create failed, not why the look-up after it did.
            raise create_error from None
        if taken:
            raise failures.exists(action) from None
        raise


def create_or_update(
    store: SecretStore,
    name: str,
    values: Mapping[str, str],
    private: bool,
    *,
    check: Callable[[StoredSecret], None] | None = None,
) -> tuple[StoredSecret, bool]:
    """Create the secret, or update the one of this name and visibility that another
    writer created since the caller looked (the written secret, and whether it is new).

    A store's ``create`` says it lost that race by raising ``SecretExistsError`` (see
    ``create_once``); this is the one place that turns it into an update, for ``set`` and
    ``apply`` alike. ``check`` vets the existing secret before it is written.
    """
    try:
        return store.create(name, dict(values), private), True
    except SecretExistsError:
        matches = [ref for ref in store.find(name) if ref.private == private]
        if not matches:
            raise
    if check is None:  # the store reads what its lost-update guard needs itself
        return store.update(matches[0].id, dict(values), []), False
    existing = store.get(matches[0].id)
    check(existing)
    return store.update(existing.id, dict(values), [], before=existing.values), False
