"""The ZenML process plumbing kitaru needs around ZenML's client, apart from the store.

ZenML's defaults suit a long-running pipeline, not a command: its console log goes to
stdout (the caller's), its REST session retries a dead server for ~30 s, and it pins
urllib3's logger so every retry prints. This module keeps stdout for the caller, makes
a dead server fail fast, and probes reachability before zenml's seconds of import.
"""

from __future__ import annotations

import logging
import sys
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import ParseResult, urlparse

from kitaru import startup
from kitaru.store import failures
from kitaru.store.server_config import ServerConfig, Verify, display_url, read_server_config
from kitaru.store.workers import remote_workers

if TYPE_CHECKING:
    import ssl

CONNECT_TIMEOUT_S = 3.0
_FAIL_FAST_SESSIONS: weakref.WeakSet[Any] = weakref.WeakSet()


def _proxied(parsed: ParseResult) -> bool:
    """Requests (and so ZenML) would go through a proxy: a direct probe proves nothing."""
    from urllib.request import getproxies, proxy_bypass

    proxies = getproxies()
    if not (proxies.get(parsed.scheme) or proxies.get("all")):
        return False
    return not proxy_bypass(parsed.netloc)


def _tls_context(url: str, verify: Verify) -> ssl.SSLContext:
    """The TLS check ZenML's client would make: ZENML_STORE_VERIFY_SSL decides, and by
    default the CA bundle requests uses (certifi), like kitaru's REST store."""
    import ssl

    from kitaru.store.rest_transport import tls_setting

    setting = tls_setting(ServerConfig(url=url, verify=verify))
    if isinstance(setting, ssl.SSLContext):
        return setting
    if setting is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - requests and httpx both depend on certifi
        return ssl.create_default_context()


def check_reachable(
    url: str, timeout: float = CONNECT_TIMEOUT_S, verify: Verify | None = None
) -> None:
    """Fail in seconds, not after ZenML's minutes of retries, when a server is down.

    One ``GET /health`` within ``timeout`` seconds in all. Any HTTP answer below 500
    counts as up. TLS is checked with the user's settings (``verify``, by default the
    configured ZENML_STORE_VERIFY_SSL), so an untrusted certificate is reported here in
    the REST store's words instead of as a server that stopped answering.
    """
    import http.client

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or _proxied(parsed):
        return
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    where = display_url(url)
    deadline = time.monotonic() + timeout
    connection: http.client.HTTPConnection
    if parsed.scheme == "https":
        if verify is None:
            configured = read_server_config()
            verify = configured.verify if configured is not None else True
        connection = http.client.HTTPSConnection(
            parsed.hostname, port, timeout=timeout, context=_tls_context(url, verify)
        )
    else:
        connection = http.client.HTTPConnection(parsed.hostname, port, timeout=timeout)
    try:
        connection.connect()
        if connection.sock is not None:
            connection.sock.settimeout(max(0.2, deadline - time.monotonic()))
        connection.request("GET", parsed.path.rstrip("/") + "/health")
        status = connection.getresponse().status
    except TimeoutError:
        raise failures.unreachable(where, failures.no_answer(timeout)) from None
    except http.client.HTTPException:
        raise failures.unreachable(where, failures.HUNG_UP) from None
    except OSError as exc:  # ssl.SSLError included
        reason = failures.socket_reason(exc) or type(exc).__name__
        raise failures.unreachable(where, reason) from None
    finally:
        connection.close()
    if status >= 500:
        raise failures.unreachable(where, failures.answered_down(status))


def fail_fast(zen_store: Any) -> None:
    """Give up on a dead server in about a second instead of ZenML's ~30 s of retries.

    ZenML's REST session retries refused connections five times with exponential
    back-off. kitaru keeps one quick retry (and ZenML's retries of 429/502/503/504,
    which proxies send while a server restarts), so a server that dies mid-command
    yields a per-secret error fast. Installed once per ZenML session.
    """
    session = zen_store.session
    if session in _FAIL_FAST_SESSIONS:
        return
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(
        total=None,
        connect=1,
        read=1,
        redirect=3,
        status=3,
        other=0,
        allowed_methods=None,  # ZenML sends an Idempotency-Key with every request
        status_forcelist=(408, 429, 502, 503, 504),
        backoff_factor=0.2,
        backoff_max=2.0,
    )
    pool = max(remote_workers(), int(getattr(zen_store.config, "connection_pool_size", 10)))
    adapter = HTTPAdapter(max_retries=retry, pool_connections=pool, pool_maxsize=pool)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    _FAIL_FAST_SESSIONS.add(session)


def quiet_retries() -> None:
    """ZenML pins urllib3's logger at WARNING whatever its own verbosity, so each retry
    prints a line to stdout (into `-o json` too). Let ZenML's verbosity decide."""
    urllib3_logger = logging.getLogger("urllib3")
    urllib3_logger.setLevel(max(urllib3_logger.level, logging.root.level))


class _CurrentStderr:
    """Whatever ``sys.stderr`` is at write time (tests and tools swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


@contextmanager
def zenml_console_on_stderr() -> Iterator[None]:
    """ZenML's console log goes to stderr while kitaru opens the store: stdout is the
    caller's (the CLI's JSON, or the output of a user's own program using the SDK).

    On first use ZenML announces its set-up ("Creating default stack...") through a
    console handler that writes to stdout. The console script keeps that handler on
    stderr for good; a library call hands ZenML its own stream back afterwards.
    """
    from kitaru.store.compat import console_handlers

    moved: list[tuple[logging.StreamHandler[Any], Any]] = []
    for handler in console_handlers():
        if not isinstance(handler.stream, _CurrentStderr):
            moved.append((handler, handler.setStream(_CurrentStderr())))
    try:
        yield
    finally:
        if not startup.zenml_console_to_stderr:
            for handler, stream in moved:
                handler.setStream(stream)
