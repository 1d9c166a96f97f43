"""Secret names from a ZenML server in as little time as possible, for shell completion.

The REST store (kitaru.store.rest) validates every answer with pydantic models, whose
import alone costs a Tab press more than its whole budget. Names need none of that: this
module logs in the way the REST store does (a configured token, else kitaru's token
cache, else the configured API key or password, saved to the cache; one fresh login after
a 401) and reads the paged ``GET /secrets`` listing with plain JSON. It reads names and
visibility only, never values, and raises ``NamesUnavailable`` on anything unexpected:
completion then offers nothing.
"""

from __future__ import annotations

from typing import Any

from kitaru.store.base import LIST_PAGE_SIZE
from kitaru.store.http_setup import import_httpx, tls_setting
from kitaru.store.server_config import ServerConfig
from kitaru.store.token_cache import TokenCache

API = "/api/v1"
# Per request; completion abandons the whole lookup sooner (kitaru.completion.sources).
TIMEOUT_S = 5.0


class NamesUnavailable(Exception):
    """The server could not be asked, or answered something else than a listing."""


def _login(client: Any, config: ServerConfig, cache: TokenCache) -> str:
    if config.api_key is not None:
        form = {"grant_type": "zenml-api-key", "password": config.api_key}
    else:
        form = {
            "grant_type": "password",
            "username": config.username or "",
            "password": config.password or "",
        }
    response = client.post(f"{API}/login", data=form)
    payload = response.json() if response.status_code == 200 else None
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if not isinstance(token, str) or not token:
        raise NamesUnavailable("login refused")
    expires_in = payload.get("expires_in") if isinstance(payload, dict) else None
    cache.save(token, expires_in if isinstance(expires_in, (int, float)) else None)
    client.cookies.clear()  # the login answer sets the token as a cookie: only the header
    return token


def _page(client: Any, token: str | None, number: int) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    params = {"page": number, "size": LIST_PAGE_SIZE, "hydrate": "false"}
    return client.get(f"{API}/secrets", params=params, headers=headers)


def _items(payload: Any) -> tuple[list[tuple[str, bool]], int]:
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise NamesUnavailable("not a listing")
    names = []
    for item in payload["items"]:
        body = item.get("body") if isinstance(item, dict) else None
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str):
            private = body.get("private") if isinstance(body, dict) else False
            names.append((name, private is True))
    pages = payload.get("total_pages")
    return names, pages if isinstance(pages, int) else 1


def secret_names(config: ServerConfig, timeout: float = TIMEOUT_S) -> list[tuple[str, bool]]:
    """(name, private) of every secret the server shows this identity."""
    httpx = import_httpx()
    cache = TokenCache(config)
    token = config.api_token or cache.load()
    fresh = False
    with httpx.Client(base_url=config.url, verify=tls_setting(config), timeout=timeout) as client:
        if token is None and config.can_login:
            token, fresh = _login(client, config, cache), True
        found: list[tuple[str, bool]] = []
        number, pages = 1, 1
        while number <= pages:
            response = _page(client, token, number)
            if response.status_code == 401 and not fresh and config.can_login:
                if token != config.api_token:
                    cache.forget()
                token, fresh = _login(client, config, cache), True
                response = _page(client, token, number)
            if response.status_code != 200:
                raise NamesUnavailable(f"HTTP {response.status_code}")
            names, pages = _items(response.json())
            found += names
            number += 1
        return found
