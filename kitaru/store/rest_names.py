"""Secret names from a ZenML server in as little time as possible, for shell completion.

The REST store (kitaru.store.rest) validates every answer with pydantic models and talks
through httpx, whose imports alone cost a Tab press most of its budget. Names need none of
that: this module logs in the way the REST store does (a configured token, else kitaru's
token cache, else the configured API key or password, saved to the cache; one fresh login
after a 401) and reads the paged ``GET /secrets`` listing with the standard library
(proxies from the environment as httpx honours them; redirects refused, so a token never
follows one; TLS as the REST store verifies it). It reads names and visibility only, never
values, and raises ``NamesUnavailable`` on anything unexpected: completion then offers
nothing.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from kitaru.store.base import LIST_PAGE_SIZE
from kitaru.store.http_setup import tls_setting
from kitaru.store.server_config import ServerConfig
from kitaru.store.token_cache import TokenCache

API = "/api/v1"
# Per request; completion abandons the whole lookup sooner (kitaru.completion.sources).
TIMEOUT_S = 5.0
# A page of LIST_PAGE_SIZE unhydrated secrets is a few MiB; a larger answer is not read.
MAX_BODY_BYTES = 32 * 1024 * 1024


class NamesUnavailable(Exception):
    """The server could not be asked, or answered something else than a listing."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx is then an error: the token is never sent elsewhere


def _opener(config: ServerConfig) -> urllib.request.OpenerDirector:
    tls = tls_setting(config)
    if tls is True:
        import ssl

        tls = ssl.create_default_context()
    elif tls is False:
        import ssl

        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=tls), _NoRedirects)


def _send(opener: Any, request: urllib.request.Request) -> tuple[int, Any]:
    try:
        with opener.open(request, timeout=TIMEOUT_S) as response:
            body = response.read(MAX_BODY_BYTES + 1)
            if len(body) > MAX_BODY_BYTES:
                raise NamesUnavailable("an answer too large")
            return int(response.status), json.loads(body)
    except urllib.error.HTTPError as err:
        err.close()
        return int(err.code), None
    except (OSError, ValueError) as err:
        raise NamesUnavailable(type(err).__name__) from None


def _login(opener: Any, config: ServerConfig, cache: TokenCache) -> str:
    body = urllib.parse.urlencode(config.login_form()).encode()
    status, payload = _send(opener, urllib.request.Request(f"{config.url}{API}/login", body))
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if status != 200 or not isinstance(token, str) or not token:
        raise NamesUnavailable("login refused")
    expires_in = payload.get("expires_in")
    cache.save(token, expires_in if isinstance(expires_in, (int, float)) else None)
    return token


def _page(opener: Any, config: ServerConfig, token: str | None, number: int) -> tuple[int, Any]:
    query = urllib.parse.urlencode({"page": number, "size": LIST_PAGE_SIZE, "hydrate": "false"})
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{config.url}{API}/secrets?{query}", headers=headers)
    return _send(opener, request)


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


def secret_names(config: ServerConfig) -> list[tuple[str, bool]]:
    """(name, private) of every secret the server shows this identity."""
    opener = _opener(config)
    cache = TokenCache(config)
    token = config.api_token or cache.load()
    fresh = False
    if token is None and config.can_login:
        token, fresh = _login(opener, config, cache), True
    found: list[tuple[str, bool]] = []
    number, pages = 1, 1
    while number <= pages:
        status, payload = _page(opener, config, token, number)
        if status == 401 and not fresh and config.can_login:
            if token != config.api_token:
                cache.forget()
            token, fresh = _login(opener, config, cache), True
            status, payload = _page(opener, config, token, number)
        if status != 200:
            raise NamesUnavailable(f"HTTP {status}")
        names, pages = _items(payload)
        found += names
        number += 1
    return found
