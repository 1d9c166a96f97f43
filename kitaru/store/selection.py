"""The one place that decides which client talks to the store: kitaru's REST store or
ZenML's client.

A ZenML server gets the REST store (no zenml import, no seconds of start-up) unless
``KITARU_STORE_CLIENT=zenml`` asks for ZenML's client. A server outside the supported
range (kitaru.store.compat) is refused in one line on first contact, whichever client
was chosen, before zenml is imported (ZenML's client would rewrite the version in the
user's ZenML config on the way); ``KITARU_STORE_CLIENT=rest`` skips that check. An
embedded (SQLite) store is read straight from its file where that is provably the store
ZenML would open (kitaru.store.embedded), else through ZenML's client, which
``KITARU_STORE_CLIENT=zenml`` also asks for; writes to it always go through ZenML. One
REST store is kept per server and identity, so repeated SDK calls reuse its connections
and token.
Importing this module costs nothing: each store's module loads when it is chosen.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from kitaru import startup
from kitaru.errors import StoreError
from kitaru.store import compat
from kitaru.store.base import SecretRef, SecretStore, StoredSecret
from kitaru.store.server_config import ServerConfig, display_url, read_server_config

if TYPE_CHECKING:
    from kitaru.store.rest import RestSecretStore

CLIENT_SWITCH = "KITARU_STORE_CLIENT"
CLIENT_CHOICES = ("auto", "rest", "zenml")

_open: dict[tuple[ServerConfig, bool], ServerStore] = {}
_open_lock = threading.Lock()


def client_choice(environ: Mapping[str, str] = os.environ) -> str:
    """``KITARU_STORE_CLIENT``: auto (REST for servers), rest, or zenml (always ZenML's)."""
    choice = environ.get(CLIENT_SWITCH, "").strip().lower() or "auto"
    if choice not in CLIENT_CHOICES:
        raise StoreError(
            f"{CLIENT_SWITCH} must be one of {', '.join(CLIENT_CHOICES)} (it is '{choice[:40]}')"
        )
    return choice


def rest_choice(environ: Mapping[str, str] = os.environ) -> tuple[ServerConfig, bool] | None:
    """The server kitaru's REST store should talk to (and whether to check its version
    first), or None when ZenML's client is wanted: an embedded store, or on request."""
    choice = client_choice(environ)
    if choice == "zenml":
        return None
    config = read_server_config(environ)
    return None if config is None else (config, choice == "auto")


def open_store() -> SecretStore:
    """The store configured for this process (kitaru.store.open_store)."""
    chosen = rest_choice()
    if chosen is not None:
        return server_store(*chosen)
    if client_choice() == "zenml":
        from kitaru.store.zenml_client import ZenMLClientStore

        return ZenMLClientStore()
    from kitaru.store.embedded import EmbeddedStore

    return EmbeddedStore()  # reads from SQLite where provably ZenML's store (sqlite_reader)


def check_server(rest: RestSecretStore) -> None:
    """Refuse a server outside the supported range (``GET /info``, no login)."""
    version = rest.server_info().version
    if not compat.server_supported(version):
        raise compat.server_refused(display_url(rest.connection.config.url), version)


def check_server_of(config: ServerConfig) -> None:
    """The same check on a throw-away connection (for ZenML's client, before zenml loads)."""
    from kitaru.store.rest import RestSecretStore
    from kitaru.store.rest_auth import ServerConnection

    rest = RestSecretStore(ServerConnection(config))
    try:
        check_server(rest)
    finally:
        rest.close()


class ServerStore:
    """The REST store, used once the server's version is known to be supported."""

    def __init__(self, config: ServerConfig, check_version: bool = True) -> None:
        from kitaru.store.rest import RestSecretStore
        from kitaru.store.rest_auth import ServerConnection

        self.rest = RestSecretStore(ServerConnection(config))
        self._check_version = check_version
        self._active: SecretStore | None = None
        self._lock = threading.Lock()

    def backend(self) -> SecretStore:
        """The store in use, decided on first contact (``GET /info``)."""
        if self._active is None:
            with self._lock:
                if self._active is None:
                    self._active = self._decide()
                    startup.resume()  # the server answered: the CLI's paused collector may run
        return self._active

    def _decide(self) -> SecretStore:
        if self._check_version:
            check_server(self.rest)
        return self.rest

    @property
    def max_workers(self) -> int:
        return self.backend().max_workers

    def list_all(self) -> list[SecretRef]:
        return self.backend().list_all()

    def find(self, name: str) -> list[SecretRef]:
        return self.backend().find(name)

    def get(self, secret_id: str) -> StoredSecret:
        return self.backend().get(secret_id)

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        return self.backend().create(name, values, private)

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        return self.backend().update(secret_id, set_values, remove_keys, before=before)

    def delete(self, secret_id: str) -> None:
        self.backend().delete(secret_id)

    def current_user_id(self) -> str | None:
        return self.backend().current_user_id()

    def close(self) -> None:
        """Close connections; the store stays usable and reconnects on its next call."""
        if self._active is not None:
            self._active.close()
        else:
            self.rest.close()


def server_store(config: ServerConfig, check_version: bool = True) -> ServerStore:
    """The process's store for this server and identity (made on first use)."""
    with _open_lock:
        store = _open.get((config, check_version))
        if store is None:
            store = _open[(config, check_version)] = ServerStore(config, check_version)
        return store


def close_all() -> None:
    """Close every REST store's connections and forget them (at exit, between tests);
    a store still held keeps working, and the next open_store() starts afresh."""
    with _open_lock:
        stores = list(_open.values())
        _open.clear()
    for store in stores:
        store.close()


atexit.register(close_all)
