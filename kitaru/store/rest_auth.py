"""Logging in to a ZenML server: which token a request carries, and when to get a new one.

A token comes from the configuration (``ZENML_STORE_API_TOKEN`` or a saved ``zenml
login``), else from kitaru's token cache, else from a login with the configured API
key or password (saved to the cache). A 401 triggers one fresh login, unless the
token was just earned or there is nothing to log in with. HTTP itself is
kitaru.store.rest_transport's job.
"""

from __future__ import annotations

import threading
from typing import Any

from kitaru.errors import StoreError
from kitaru.store import failures
from kitaru.store.rest_models import ServerInfo, TokenResponse
from kitaru.store.rest_transport import Transport, decode, parsed
from kitaru.store.server_config import ServerConfig
from kitaru.store.token_cache import TokenCache


class ServerConnection:
    """Authenticated requests over one Transport; thread-safe like it."""

    def __init__(self, config: ServerConfig, workers: int | None = None) -> None:
        self.transport = Transport(config, workers)
        self._auth_lock = threading.Lock()
        self._cache = TokenCache(config)
        self._token: str | None = None
        self._token_is_new = False  # earned by a login in this process

    @property
    def config(self) -> ServerConfig:
        return self.transport.config

    @property
    def workers(self) -> int:
        return self.transport.workers

    @property
    def round_trips(self) -> int:
        return self.transport.round_trips

    def info(self) -> ServerInfo:
        """First contact, before any login (see Transport.info)."""
        return self.transport.info()

    def _login(self) -> None:
        """Exchange the configured API key or password for a token (auth lock held)."""
        form = self.config.login_form()
        response = self.transport.send("POST", "/login", failures.CONNECTING, data=form)
        if response.status_code in (400, 401, 403):
            raise failures.refused(failures.CONNECTING)
        if response.status_code == 429:
            raise StoreError(
                f"{failures.CONNECTING}: the ZenML server is limiting logins; try again later"
            )
        token = parsed(TokenResponse, response, failures.CONNECTING)
        self._token = token.access_token
        self._token_is_new = True
        self._cache.save(token.access_token, token.expires_in)

    def _current_token(self) -> str | None:
        with self._auth_lock:
            if self._token is None:
                self._token = self.config.api_token or self._cache.load()
                self._token_is_new = False
                if self._token is None and self.config.can_login:
                    self._login()
            return self._token

    def _renew(self, rejected: str | None) -> bool:
        """After a 401: log in again unless that cannot help. True = try once more."""
        with self._auth_lock:
            if self._token != rejected:
                return True  # another thread already renewed it
            if rejected is None or self._token_is_new or not self.config.can_login:
                return False
            if rejected != self.config.api_token:
                self._cache.forget()
            self._token = None
            self._login()
            return True

    def request(self, method: str, path: str, action: str, **kwargs: Any) -> Any:
        """Send an authenticated request and return its JSON, or raise a KitaruError."""
        self.info()
        for attempt in (0, 1):
            token = self._current_token()
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = self.transport.send(method, path, action, headers=headers, **kwargs)
            if response.status_code == 401 and attempt == 0 and self._renew(token):
                continue
            return decode(response, action)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close pooled connections; a later request opens new ones (token kept)."""
        self.transport.close()
