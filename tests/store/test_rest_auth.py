"""Logging in: with a password or an API key, a token reused by the next process, a
stale cached token replaced, refusals in one line (against the real ZenML server), and
the re-login rule after a 401 (against a loopback stub, no server needed)."""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import TypeVar

import pytest

from kitaru.errors import CredentialsError
from kitaru.store.rest import RestSecretStore
from kitaru.store.rest_auth import ServerConnection
from kitaru.store.server_config import ServerConfig
from kitaru.store.token_cache import TokenCache
from tests.server.fixtures import ServerSession
from tests.server.zenml_server import Identity
from tests.store.http_stub import Stub
from tests.store.rest_servers import REFUSED, config_of, store_of

pytestmark = pytest.mark.usefixtures("token_cache")
T = TypeVar("T")


def on_the_server(test: T) -> T:
    """A test against the real ZenML server through kitaru's REST store."""
    client = pytest.mark.parametrize("server_client", ["rest"], indirect=True)
    return pytest.mark.server(client(test))  # type: ignore[return-value]


CANARY = "rest-canary-c0ffee"


@on_the_server
@pytest.mark.parametrize("who", ["alice", "robot"], ids=["password", "api-key"])
def test_logins_and_round_trips(server_session: ServerSession, who: str) -> None:
    store = store_of(server_session, getattr(server_session.users, who))
    created = store.create("login-check", {"K": CANARY}, private=True)
    assert (created.name, created.private) == ("login-check", True)
    assert dict(created.values) == {"K": CANARY}
    assert store.connection.round_trips == 3  # info, login, create
    assert store.get(created.id).values == {"K": CANARY}
    assert [r.id for r in store.list_all()] == [created.id]
    assert store.connection.round_trips == 5
    store.close()


@on_the_server
def test_token_is_reused_by_the_next_process(server_session: ServerSession) -> None:
    config = config_of(server_session, server_session.users.alice)
    first = RestSecretStore(ServerConnection(config))
    first.list_all()
    assert first.connection.round_trips == 3  # info, login, list
    second = RestSecretStore(ServerConnection(config))
    second.list_all()
    assert second.connection.round_trips == 2  # info, list: no login


@on_the_server
def test_stale_cached_token_is_replaced(server_session: ServerSession) -> None:
    config = config_of(server_session, server_session.users.alice)
    TokenCache(config).save("stale-token-from-an-old-server", None)
    store = RestSecretStore(ServerConnection(config))
    assert store.list_all() == []
    assert store.connection.round_trips == 4  # info, 401, login, list
    assert TokenCache(config).load() not in (None, "stale-token-from-an-old-server")


@on_the_server
def test_a_rejected_token_without_credentials_is_one_line(server_session: ServerSession) -> None:
    store = RestSecretStore(
        ServerConnection(ServerConfig(url=server_session.url, api_token="not-a-token"))
    )
    with pytest.raises(CredentialsError) as info:
        store.list_all()
    assert str(info.value) == f"listing secrets: {REFUSED}"


@on_the_server
@pytest.mark.parametrize(
    "who",
    [Identity("alice", password="wrong-4b1d"), Identity("ci-robot", api_key="ZENKEY_bogus")],
    ids=["password", "api-key"],
)
def test_bad_credentials(server_session: ServerSession, who: Identity) -> None:
    with pytest.raises(CredentialsError) as info:
        store_of(server_session, who).list_all()
    assert str(info.value) == f"connecting to the ZenML store: {REFUSED}"
    assert not any(s in repr(info.value) for s in (who.password, who.api_key) if s)


def logins_then(accepted: set[str], logins: list[str]) -> Callable[[BaseHTTPRequestHandler], None]:
    """A stub server that hands out ``fresh-N`` tokens and accepts only ``accepted``."""

    def behaviour(handler: BaseHTTPRequestHandler) -> None:
        handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        reply = handler.reply  # type: ignore[attr-defined]
        if handler.path.startswith("/api/v1/login"):
            logins.append(f"fresh-{len(logins) + 1}")
            reply(200, {"access_token": logins[-1], "token_type": "bearer"})
        elif handler.headers["Authorization"] in {f"Bearer {token}" for token in accepted}:
            reply(200, {})
        else:
            reply(401, {"detail": "not authorized"})

    return behaviour


def test_a_rejected_cached_token_means_one_fresh_login(stub: Callable[..., Stub]) -> None:
    logins: list[str] = []
    server = stub(logins_then({"fresh-1"}, logins))
    config = ServerConfig(url=server.url, api_key="key-canary-51e2")
    TokenCache(config).save("stale-token", None)
    connection = ServerConnection(config)
    assert connection.request("GET", "/secrets", "listing secrets") == {}
    assert logins == ["fresh-1"] and connection.round_trips == 4  # info, 401, login, GET
    assert TokenCache(config).load() == "fresh-1"
    connection.request("GET", "/secrets", "listing secrets")
    assert logins == ["fresh-1"] and connection.round_trips == 5  # the token is kept


def test_a_just_earned_token_that_is_refused_is_not_renewed(stub: Callable[..., Stub]) -> None:
    logins: list[str] = []
    server = stub(logins_then(set(), logins))
    connection = ServerConnection(ServerConfig(url=server.url, api_key="key-canary-51e2"))
    with pytest.raises(CredentialsError) as info:
        connection.request("GET", "/secrets", "listing secrets")
    assert str(info.value) == f"listing secrets: {REFUSED}"
    assert logins == ["fresh-1"]  # one login; logging in again could not help
    assert "key-canary-51e2" not in repr(info.value)
