"""Logging in to the real ZenML server: with a password or an API key, a token reused
by the next process, a stale cached token replaced, refusals in one line."""

from __future__ import annotations

import pytest

from kitaru.errors import CredentialsError
from kitaru.store.rest import RestSecretStore
from kitaru.store.rest_auth import ServerConnection
from kitaru.store.server_config import ServerConfig
from kitaru.store.token_cache import TokenCache
from tests.server.fixtures import ServerSession
from tests.server.zenml_server import Identity
from tests.store.rest_servers import REFUSED, config_of, store_of

pytestmark = [
    pytest.mark.server,
    pytest.mark.parametrize("server_client", ["rest"], indirect=True),
    pytest.mark.usefixtures("token_cache"),
]

CANARY = "rest-canary-c0ffee"


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


def test_token_is_reused_by_the_next_process(server_session: ServerSession) -> None:
    config = config_of(server_session, server_session.users.alice)
    first = RestSecretStore(ServerConnection(config))
    first.list_all()
    assert first.connection.round_trips == 3  # info, login, list
    second = RestSecretStore(ServerConnection(config))
    second.list_all()
    assert second.connection.round_trips == 2  # info, list: no login


def test_stale_cached_token_is_replaced(server_session: ServerSession) -> None:
    config = config_of(server_session, server_session.users.alice)
    TokenCache(config).save("stale-token-from-an-old-server", None)
    store = RestSecretStore(ServerConnection(config))
    assert store.list_all() == []
    assert store.connection.round_trips == 4  # info, 401, login, list
    assert TokenCache(config).load() not in (None, "stale-token-from-an-old-server")


def test_a_rejected_token_without_credentials_is_one_line(server_session: ServerSession) -> None:
    store = RestSecretStore(
        ServerConnection(ServerConfig(url=server_session.url, api_token="not-a-token"))
    )
    with pytest.raises(CredentialsError) as info:
        store.list_all()
    assert str(info.value) == f"listing secrets: {REFUSED}"


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
