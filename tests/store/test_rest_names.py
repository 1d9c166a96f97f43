"""Names over plain HTTP for shell completion: what a hostile or broken server can do to
it (a loopback stub; the real server is tests/completion/test_scripts.py's)."""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from kitaru.store import rest_names
from kitaru.store.rest_names import NamesUnavailable, secret_names
from kitaru.store.server_config import ServerConfig
from tests.store.http_stub import TOKEN, VALUE, Stub

pytestmark = pytest.mark.usefixtures("no_proxy_env", "token_cache")


def listing(count: int) -> dict[str, object]:
    items = [
        {"name": f"name-{i}", "body": {"private": i % 2 == 0, "values": {"K": VALUE}}}
        for i in range(count)
    ]
    return {"items": items, "total_pages": 1}


def answer(payload: object) -> Callable[[BaseHTTPRequestHandler], None]:
    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        handler.reply(200, payload)  # type: ignore[attr-defined]

    return behaviour


def test_names_and_visibility_only(stub: Callable[..., Stub]) -> None:
    server = stub(answer(listing(3)))
    found = secret_names(ServerConfig(url=server.url, api_token=TOKEN))
    assert found == [("name-0", True), ("name-1", False), ("name-2", True)]
    assert VALUE not in repr(found)


def test_an_answer_over_the_size_limit_is_not_read(
    stub: Callable[..., Stub], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server answering a huge body (within the deadline on a fast link) would have it
    all read into memory."""
    monkeypatch.setattr(rest_names, "MAX_BODY_BYTES", 4096)
    server = stub(answer(listing(200)))
    with pytest.raises(NamesUnavailable):
        secret_names(ServerConfig(url=server.url, api_token=TOKEN))


@pytest.mark.parametrize(
    "payload", [[], {"items": "x"}, {"items": None}, "not a listing", {"detail": "x"}]
)
def test_something_else_than_a_listing_offers_nothing(
    stub: Callable[..., Stub], payload: object
) -> None:
    server = stub(answer(payload))
    with pytest.raises(NamesUnavailable):
        secret_names(ServerConfig(url=server.url, api_token=TOKEN))


def test_a_redirect_is_refused_and_the_token_never_follows(
    stub: Callable[..., Stub], tmp_path: Path
) -> None:
    elsewhere = stub(answer(listing(1)))

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(307)
        handler.send_header("Location", f"{elsewhere.url}{handler.path}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server = stub(redirect)
    with pytest.raises(NamesUnavailable):
        secret_names(ServerConfig(url=server.url, api_token=TOKEN))
    assert not elsewhere.calls
    assert TOKEN not in "".join(elsewhere.headers)
