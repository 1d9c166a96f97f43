"""SecretStore over a ZenML server's REST API (``/api/v1``), with httpx; no zenml import.

The calls are the ones ZenML's own client makes for secrets: a paged
``GET /secrets`` (names and visibility only), ``GET /secrets/{id}`` for values,
``POST /secrets``, ``PUT /secrets/{id}?patch_values=true`` (``null`` removes a key)
and ``DELETE /secrets/{id}``. Which secrets a user sees is decided by the server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from kitaru.store import failures
from kitaru.store.base import LIST_PAGE_SIZE, SecretRef, StoredSecret
from kitaru.store.create_races import create_once, patiently
from kitaru.store.lost_updates import patch, update_until_kept
from kitaru.store.rest_auth import ServerConnection
from kitaru.store.rest_models import CurrentUser, SecretPage, SecretResource, ServerInfo
from kitaru.store.rest_transport import parse

PAGE_SIZE = LIST_PAGE_SIZE


def _secret_path(secret_id: str, action: str) -> str:
    """Only a full UUID may reach the URL (the same rule as ZenML's client)."""
    try:
        return f"/secrets/{UUID(secret_id)}"
    except ValueError:
        raise failures.rejected(action) from None


def _resource(payload: Any, action: str) -> StoredSecret:
    return parse(SecretResource, payload, action).stored()


class RestSecretStore:
    """Exact operations on one server, as one identity; safe to share between threads."""

    def __init__(self, connection: ServerConnection) -> None:
        self.connection = connection
        self._user_id: str | None = None

    @property
    def max_workers(self) -> int:
        return self.connection.workers

    def server_info(self) -> ServerInfo:
        """First contact: reachability and version, before any login."""
        return self.connection.info()

    def _pages(self, action: str, **filters: str) -> list[SecretRef]:
        refs: dict[str, SecretRef] = {}
        page_number = 1
        size: int | None = PAGE_SIZE
        while True:
            params = {"page": page_number, "hydrate": "false", **filters}
            if size is not None:
                params["size"] = size
            try:
                payload = self.connection.request("GET", "/secrets", action, params=params)
            except failures.RejectedError:
                if size is None or page_number > 1:
                    raise
                # ZENML_PAGINATION_DEFAULT_LIMIT on the server lowers its largest page to
                # that limit (zenml 0.98 reads one variable for both); its default page is
                # then its largest one.
                size = None
                continue
            page = parse(SecretPage, payload, action)
            for item in page.items:  # a secret created meanwhile may shift into a later page
                refs.setdefault(item.id, item.ref())
            if page_number >= page.total_pages:
                return list(refs.values())
            page_number += 1

    def list_all(self) -> list[SecretRef]:
        return self._pages("listing secrets")

    def find(self, name: str) -> list[SecretRef]:
        matches = self._pages("listing secrets", name=f"equals:{name}")
        return [ref for ref in matches if ref.name == name]

    def get(self, secret_id: str) -> StoredSecret:
        action = "reading secret"
        path = _secret_path(secret_id, action)

        def read() -> StoredSecret:
            payload = self.connection.request("GET", path, action, params={"hydrate": "false"})
            return _resource(payload, action)

        return patiently(read)

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        action = f"creating secret '{name}'"
        body = {"name": name, "private": private, "values": dict(values)}
        payload = create_once(
            lambda: self.connection.request("POST", "/secrets", action, json=body),
            self.find,
            name,
            private,
            action,
        )
        return _resource(payload, action)

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        action = "updating secret"
        path = _secret_path(secret_id, action)
        changes = patch(set_values, remove_keys)

        def write() -> StoredSecret:
            payload = self.connection.request(
                "PUT", path, action, params={"patch_values": "true"}, json={"values": changes}
            )
            return _resource(payload, action)

        # The server merges without a lock: read back and re-send keys that were lost.
        return update_until_kept(
            lambda: patiently(write), lambda: self.get(secret_id), set_values, remove_keys, before
        )

    def delete(self, secret_id: str) -> None:
        action = "deleting secret"
        path = _secret_path(secret_id, action)
        patiently(lambda: self.connection.request("DELETE", path, action))

    def current_user_id(self) -> str | None:
        """Asked once per store: a store acts as one identity for its whole life."""
        if self._user_id is None:
            action = "reading the current user"
            payload = self.connection.request("GET", "/current-user", action)
            self._user_id = parse(CurrentUser, payload, action).id
        return self._user_id

    def close(self) -> None:
        """Every write above was committed when its call returned; drop the pool."""
        self.connection.close()
