"""HTTP to a ZenML server: one connection pool, first contact, and answers as errors.

Rules kept here: one ``httpx.Client`` (keep-alive, at most ``workers`` connections),
a timeout on every request (3 s to connect), retries with back-off for GETs only
(a write is never sent twice), TLS verified unless ZENML_STORE_VERIFY_SSL says
otherwise, no cookies kept, credentials blanked in httpcore's traces, and tokens or
server texts never put into an error. Logging in is kitaru.store.rest_auth's job.
"""

from __future__ import annotations

import http.cookiejar
import logging
import random
import re
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from kitaru.errors import KitaruError, StoreError
from kitaru.store import compat, failures
from kitaru.store.http_setup import import_httpx as import_httpx
from kitaru.store.http_setup import tls_setting as tls_setting
from kitaru.store.rest_models import ServerInfo
from kitaru.store.server_config import ServerConfig, display_url
from kitaru.store.workers import remote_workers

if TYPE_CHECKING:
    import httpx

M = TypeVar("M", bound=BaseModel)

API = "/api/v1"
CONNECT_TIMEOUT_S = 3.0
# uvicorn closes idle keep-alive connections after 5 s; drop ours first, so a request
# never goes out on a connection the server is closing.
KEEPALIVE_S = 4.0
READ_RETRIES = 2
RETRY_STATUSES = frozenset({429, 502, 503, 504})
BACKOFF_S = 0.2


def backoff(attempt: int, jitter: float) -> float:
    """0.2 s, then 0.6 s, ... with up to 50% jitter so parallel readers spread out."""
    return BACKOFF_S * (3.0**attempt) * (1.0 + 0.5 * jitter)


class _HideCredentials(logging.Filter):
    """httpcore's DEBUG trace prints response headers, and the login answer sets the
    token as a cookie: blank credential-bearing header values before anything prints."""

    _HEADER = re.compile(r"(b'(?:set-cookie|cookie|authorization)', b')[^']*'", re.I)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._HEADER.search(message):
            record.msg, record.args = self._HEADER.sub(r"\1<hidden>'", message), None
        return True


_HIDE_CREDENTIALS = _HideCredentials()
_sending = threading.local()  # set while this thread sends one of kitaru's requests


class _RequestsAreDetails(logging.Filter):
    """httpx logs every request at INFO, which a process that configured logging (ZenML
    does, in pipelines) would print, one line per secret read. kitaru's own requests
    are logged at DEBUG instead, like ZenML's client's; other httpx users are untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(_sending, "active", False) and record.levelno == logging.INFO:
            if not logging.getLogger(record.name).isEnabledFor(logging.DEBUG):
                return False
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


_REQUESTS_ARE_DETAILS = _RequestsAreDetails()


def hide_credentials_in_http_logs() -> None:
    """Idempotent: blank credentials in httpcore's traces, demote httpx's request lines."""
    filters: list[tuple[str, logging.Filter]] = [
        (name, _HIDE_CREDENTIALS)
        for name in ("httpcore.http11", "httpcore.http2", "httpcore.connection", "httpcore.proxy")
    ]
    filters.append(("httpx", _REQUESTS_ARE_DETAILS))
    for name, log_filter in filters:
        logger = logging.getLogger(name)
        if log_filter not in logger.filters:
            logger.addFilter(log_filter)


def _no_cookies() -> http.cookiejar.CookieJar:
    """The login answer sets a session cookie; tokens are sent as headers only."""
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def transport_reason(exc: BaseException, read_timeout: float) -> str:
    """A short cause for a failed request, from the exception chain (never its text)."""
    import httpx

    if isinstance(exc, httpx.ConnectTimeout):
        return failures.no_answer(CONNECT_TIMEOUT_S)
    if isinstance(exc, httpx.TimeoutException):
        return failures.no_answer(read_timeout)
    reason = failures.socket_reason(exc)
    if reason is not None:
        return reason
    if isinstance(exc, httpx.RemoteProtocolError):  # closed before any answer
        return failures.HUNG_UP
    return type(exc).__name__


def _retryable(exc: BaseException) -> bool:
    """Failures worth one more GET: the server reset or refused, not a full timeout."""
    import httpx

    return isinstance(
        exc, httpx.ConnectError | httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError
    )


class Transport:
    """Thread-safe: the worker threads of one command share it."""

    def __init__(self, config: ServerConfig, workers: int | None = None) -> None:
        self.config = config
        self.workers = remote_workers() if workers is None else workers
        self.round_trips = 0
        self._lock = threading.Lock()
        self._info_lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._info: ServerInfo | None = None

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                from kitaru import __version__

                httpx = import_httpx()
                hide_credentials_in_http_logs()

                self._client = httpx.Client(
                    base_url=self.config.url + API,
                    timeout=httpx.Timeout(self.config.read_timeout, connect=CONNECT_TIMEOUT_S),
                    limits=httpx.Limits(
                        max_connections=self.workers,
                        max_keepalive_connections=self.workers,
                        keepalive_expiry=KEEPALIVE_S,
                    ),
                    verify=tls_setting(self.config),
                    cookies=_no_cookies(),
                    headers={"User-Agent": f"kitaru/{__version__}", "Accept": "application/json"},
                    follow_redirects=False,
                )
            return self._client

    def send(
        self,
        method: str,
        path: str,
        action: str | None,
        *,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request; GETs are retried on resets and on 429/502/503/504. ``action``
        names the failure; None (first contact) reports the server unreachable."""
        client = self._http()
        attempts = 1 + (READ_RETRIES if method == "GET" else 0)
        for attempt in range(attempts):
            last = attempt + 1 == attempts
            with self._lock:
                self.round_trips += 1
            _sending.active = True
            try:
                response = client.request(method, path, headers=headers, **kwargs)
            except Exception as exc:
                import httpx

                if not isinstance(exc, httpx.TransportError):
                    raise
                if not last and _retryable(exc):
                    time.sleep(backoff(attempt, random.random()))
                    continue
                raise self._transport_failure(exc, action) from None
            finally:
                _sending.active = False
            if response.status_code in RETRY_STATUSES and not last:
                response.close()
                time.sleep(backoff(attempt, random.random()))
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover - the loop always returns

    def _transport_failure(self, exc: BaseException, action: str | None) -> KitaruError:
        reason = transport_reason(exc, self.config.read_timeout)
        if action is None or self._info is None:
            return failures.unreachable(display_url(self.config.url), reason)
        if reason.startswith("no answer within"):
            return failures.silent(action, reason)
        return failures.stopped(action)

    def info(self) -> ServerInfo:
        """``GET /info`` once: proves the server is there and tells its version."""
        with self._info_lock:
            if self._info is None:
                response = self.send("GET", "/info", None)
                if response.status_code >= 500:  # as the ZenML client's reachability check
                    raise failures.unreachable(
                        display_url(self.config.url), failures.answered_down(response.status_code)
                    )
                if response.status_code != 200:
                    raise StoreError(
                        f"{failures.CONNECTING}: {display_url(self.config.url)} does not "
                        f"answer like a ZenML server (HTTP {response.status_code} from /info)"
                    )
                self._info = parsed(ServerInfo, response, failures.CONNECTING)
            return self._info

    def close(self) -> None:
        """Close pooled connections; a later request opens new ones."""
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()


def unreadable(action: str) -> StoreError:
    return StoreError(f"{action}: the ZenML server sent an unreadable answer")


def _json(response: httpx.Response, action: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise unreadable(action) from None


def parse(model: type[M], payload: Any, action: str) -> M:
    """The server's JSON as one of kitaru's models, or a one-line error."""
    try:
        return model.model_validate(payload)
    except ValidationError:
        raise unreadable(action) from None


def parsed(model: type[M], response: httpx.Response, action: str) -> M:
    """A 2xx answer as ``model``; other statuses become kitaru's errors."""
    return parse(model, decode(response, action), action)


def decode(response: httpx.Response, action: str) -> Any:
    """2xx -> JSON (``None`` for an empty body); anything else -> kitaru's own error."""
    status = response.status_code
    if 200 <= status < 300:
        return _json(response, action) if response.content else None
    if status == 401:
        raise failures.refused(action)
    if status == 403:
        raise failures.not_allowed(action)
    if status == 404:
        if failures.VALUES_MISSING_MARKER in response.text:
            raise failures.values_missing(action)
        raise failures.not_found(action)
    if status == 409:
        raise failures.exists(action)
    if status in (400, 422):
        if compat.too_big(response.text):
            raise failures.too_big(action)
        raise failures.rejected(action)
    if status == 429 or status >= 500:
        raise failures.server_failed(action, status)
    raise StoreError(f"{action}: unexpected HTTP {status} from the ZenML server")
