"""The REST store's HTTP rules: timeouts, GET-only retries, TLS on by default, and
errors that never carry a token or a server's text.

Transport faults a real ZenML server cannot be made to produce on demand (a 503, a
connection dropped before the answer, a self-signed certificate) come from a tiny
loopback HTTP server (tests/store/http_stub.py); everything ZenML-specific is tested
against the real server in test_rest.py and test_rest_auth.py.
"""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from kitaru.errors import StoreError, StoreUnreachableError
from kitaru.store.rest_transport import (
    CONNECT_TIMEOUT_S,
    READ_RETRIES,
    backoff,
    hide_credentials_in_http_logs,
    tls_setting,
    transport_reason,
)
from kitaru.store.server_config import ServerConfig
from tests.server.zenml_server import HOST, free_port
from tests.store.http_stub import TOKEN, VALUE, Behaviour, Stub, busy, connection, hang_up


@pytest.mark.parametrize("behaviour", [busy, hang_up], ids=["503", "reset"])
def test_reads_are_retried_and_writes_never(
    stub: Callable[..., Stub], behaviour: Behaviour
) -> None:
    server = stub(behaviour)
    conn = connection(server.url)
    with pytest.raises((StoreError, StoreUnreachableError)):
        conn.request("GET", "/secrets", "listing secrets")
    assert server.calls["GET /api/v1/secrets"] == 1 + READ_RETRIES
    for method in ("POST", "PUT", "DELETE"):
        with pytest.raises((StoreError, StoreUnreachableError)) as info:
            conn.request(method, "/secrets", "writing")
        assert server.calls[f"{method} /api/v1/secrets"] == 1
        assert str(info.value).startswith("writing: the ZenML server ")
    assert server.calls["GET /api/v1/info"] == 1  # first contact happens once
    conn.close()


def test_errors_never_carry_tokens_or_server_text(stub: Callable[..., Stub]) -> None:
    def echo(handler: BaseHTTPRequestHandler) -> None:
        detail = ["ValueError", f"bad input {VALUE} sent with {handler.headers['Authorization']}"]
        handler.reply(422, {"detail": detail})  # type: ignore[attr-defined]

    server = stub(echo)
    conn = connection(server.url)
    with pytest.raises(StoreError) as info:
        conn.request("POST", "/secrets", "creating secret 'x'", json={"values": {"K": VALUE}})
    assert str(info.value) == "creating secret 'x': the store rejected the request"
    assert f"Bearer {TOKEN}" in "".join(server.headers)  # it was sent, as a header
    assert TOKEN not in repr(conn.config) and TOKEN not in repr(info.value)


def test_every_request_has_timeouts_and_a_bounded_pool(stub: Callable[..., Stub]) -> None:
    conn = connection(stub(busy).url, read_timeout=7.0)
    client = conn.transport._http()
    assert client.timeout.connect == CONNECT_TIMEOUT_S
    assert client.timeout.read == client.timeout.write == client.timeout.pool == 7.0
    pool = client._transport._pool  # type: ignore[attr-defined]
    assert pool._max_connections == conn.workers == 8
    assert not client.follow_redirects
    conn.close()
    conn.close()  # closing twice is harmless; the next request would reconnect


def test_cookies_are_not_kept(stub: Callable[..., Stub]) -> None:
    def set_cookie(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Set-Cookie", f"zenml-session={TOKEN}; Path=/")
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"{}")

    server = stub(set_cookie)
    conn = connection(server.url)
    conn.request("GET", "/secrets", "listing")
    conn.request("GET", "/secrets", "listing")
    assert "Cookie" not in server.headers[-1]
    assert len(conn.transport._http().cookies) == 0


def test_refused_port_is_one_line_fast() -> None:
    port = free_port()
    started = time.monotonic()
    with pytest.raises(StoreUnreachableError) as info:
        connection(f"http://{HOST}:{port}").request("GET", "/secrets", "listing secrets")
    assert time.monotonic() - started < 5
    assert str(info.value) == (
        f"cannot reach the ZenML server at http://{HOST}:{port} (Connection refused); "
        "check ZENML_STORE_URL or `zenml login`"
    )


def test_backoff_grows_and_stays_short() -> None:
    delays = [backoff(attempt, 1.0) for attempt in range(READ_RETRIES)]
    assert delays == sorted(delays) and sum(delays) < 2.0
    assert backoff(0, 0.0) < backoff(0, 1.0)


def test_transport_reason_reads_the_cause_chain() -> None:
    inner = ConnectionRefusedError(111, "Connection refused")
    outer = RuntimeError("wrapped")
    outer.__cause__ = inner
    assert transport_reason(outer, 30) == "Connection refused"
    assert transport_reason(RuntimeError("x"), 30) == "RuntimeError"


def test_tls_setting() -> None:
    strict = tls_setting(ServerConfig(url="http://h"))
    assert isinstance(strict, ssl.SSLContext)
    assert strict.verify_mode == ssl.CERT_REQUIRED and strict.check_hostname
    assert tls_setting(ServerConfig(url="https://h")) is True
    assert tls_setting(ServerConfig(url="https://h", verify=False)) is False
    with pytest.raises(StoreError, match="ZENML_STORE_VERIFY_SSL names a CA bundle"):
        tls_setting(ServerConfig(url="https://h", verify="/no/such/ca.pem"))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    root = tmp_path_factory.mktemp("tls")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN={HOST}"),
            *("-addext", f"subjectAltName=IP:{HOST}"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls_is_verified_by_default(
    stub: Callable[..., Stub], certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = stub(lambda handler: handler.reply(200, {"ok": True}), tls=context)  # type: ignore[attr-defined]
    with pytest.raises(StoreUnreachableError, match="TLS certificate not trusted"):
        connection(server.url).request("GET", "/secrets", "listing")
    assert connection(server.url, verify=str(cert)).request("GET", "/s", "x") == {"ok": True}
    assert connection(server.url, verify=cert.read_text()).request("GET", "/s", "x") == {"ok": True}
    assert connection(server.url, verify=False).request("GET", "/s", "x") == {"ok": True}


def test_http_debug_logs_hide_credential_headers(caplog: pytest.LogCaptureFixture) -> None:
    hide_credentials_in_http_logs()
    hide_credentials_in_http_logs()  # once is enough; twice must not stack filters
    logger = logging.getLogger("httpcore.http11")
    assert logger.filters.count(logger.filters[-1]) == 1
    headers = [(b"set-cookie", f"zenml-server-1={TOKEN}; HttpOnly".encode()), (b"vary", b"x")]
    with caplog.at_level(logging.DEBUG, logger="httpcore.http11"):
        logger.debug("receive_response_headers.complete return_value=%r", (b"HTTP/1.1", headers))
        logger.debug("send %s", [(b"Authorization", f"Bearer {TOKEN}".encode())])
    assert TOKEN not in caplog.text
    assert caplog.text.count("<hidden>") == 2 and "b'vary', b'x'" in caplog.text


def test_kitaru_requests_log_at_debug_only(
    stub: Callable[..., Stub], caplog: pytest.LogCaptureFixture
) -> None:
    """A process that logs at INFO (ZenML sets that up) gets no line per request."""
    server = stub(lambda handler: handler.reply(200, {}))  # type: ignore[attr-defined]
    conn = connection(server.url)
    with caplog.at_level(logging.INFO):
        conn.request("GET", "/secrets", "listing")
    assert "HTTP Request" not in caplog.text
    with caplog.at_level(logging.DEBUG):
        conn.request("GET", "/secrets", "listing")
    assert [r.levelname for r in caplog.records if "HTTP Request" in r.getMessage()] == ["DEBUG"]
    other = httpx.Client()
    with caplog.at_level(logging.INFO):
        other.get(server.url + "/api/v1/info")  # someone else's httpx client: unchanged
    assert "INFO" in [r.levelname for r in caplog.records if "HTTP Request" in r.getMessage()]
    other.close()


def test_a_server_whose_largest_page_is_lower_is_listed_in_its_default_pages(
    stub: Callable[..., Stub],
) -> None:
    """ZENML_PAGINATION_DEFAULT_LIMIT on a server lowers its largest page too: a listing
    it rejects for its size is asked again without one (the server's default page)."""
    from kitaru.store.rest import RestSecretStore

    item = {"id": "5f0c1a5e-2b7e-4d59-9a8e-7d2b1c3e4f50", "name": "one", "body": {}}

    def limited(handler: BaseHTTPRequestHandler) -> None:
        if "size=" in handler.path:
            handler.reply(422, {"detail": ["size: less than or equal to 100"]})  # type: ignore[attr-defined]
        else:
            handler.reply(200, {"index": 1, "total_pages": 1, "items": [item]})  # type: ignore[attr-defined]

    server = stub(limited)
    store = RestSecretStore(connection(server.url))
    assert [ref.name for ref in store.list_all()] == ["one"]
    assert server.calls["GET /api/v1/secrets"] == 2
    store.close()
