"""kitaru's REST store against the real ZenML server: logins, paging, writes, errors,
visibility, tokens, and interop with ZenML's own client."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest

import kitaru
from kitaru.errors import (
    CredentialsError,
    InvalidSecretError,
    SecretExistsError,
    SecretNotFoundError,
    StoreError,
)
from kitaru.store import rest
from kitaru.store.rest import RestSecretStore
from kitaru.store.rest_connection import ServerConnection
from kitaru.store.server_config import ServerConfig, read_server_config
from kitaru.store.token_cache import TokenCache
from tests.server.fixtures import ServerSession
from tests.server.zenml_server import Identity

pytestmark = [
    pytest.mark.server,
    pytest.mark.parametrize("server_client", ["rest"], indirect=True),
]

CANARY = "rest-canary-c0ffee"
REFUSED = (
    "the ZenML server refused the configured credentials "
    "(check ZENML_STORE_USERNAME/ZENML_STORE_PASSWORD, ZENML_STORE_API_KEY or `zenml login`)"
)


@pytest.fixture(autouse=True)
def token_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KITARU_CACHE_DIR", str(tmp_path / "kitaru-cache"))
    return tmp_path / "kitaru-cache"


def config_of(session: ServerSession, who: Identity) -> ServerConfig:
    config = read_server_config(session.env_for(who))
    assert config is not None
    return config


def store_of(session: ServerSession, who: Identity) -> RestSecretStore:
    return RestSecretStore(ServerConnection(config_of(session, who)))


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


def test_all_pages_are_read(server_session: ServerSession, monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_of(server_session, server_session.users.alice)
    ids = {store.create(f"paged-{index}", {"K": str(index)}, False).id for index in range(5)}
    public_twin = store.create("twin", {"K": "public"}, False)
    private_twin = store.create("twin", {"K": "private"}, True)
    monkeypatch.setattr(rest, "PAGE_SIZE", 2)
    listed = store.list_all()
    assert {ref.id for ref in listed} == ids | {public_twin.id, private_twin.id}
    assert len(listed) == 7
    monkeypatch.setattr(rest, "PAGE_SIZE", 1)
    assert {(r.id, r.private) for r in store.find("twin")} == {
        (public_twin.id, False),
        (private_twin.id, True),
    }
    assert store.find("paged") == [] and store.find("twi") == []


def test_update_sets_and_removes_in_one_call(server_session: ServerSession) -> None:
    store = store_of(server_session, server_session.users.alice)
    secret = store.create("multi", {"A": "1", "B": "2", "C": "3"}, False)
    before = store.connection.round_trips
    updated = store.update(secret.id, {"A": "new", "D": "4"}, ["B"], before=secret.values)
    assert dict(updated.values) == {"A": "new", "C": "3", "D": "4"}
    assert store.connection.round_trips - before == 2  # the PUT, and the read-back
    before = store.connection.round_trips
    store.update(secret.id, {"E": "5"}, [])  # what it held before is read first
    assert store.connection.round_trips - before == 3
    assert dict(store.get(secret.id).values) == {"A": "new", "C": "3", "D": "4", "E": "5"}


def test_delete_and_lookups_of_what_is_not_there(server_session: ServerSession) -> None:
    store = store_of(server_session, server_session.users.alice)
    secret = store.create("short-lived", {"A": "1"}, False)
    store.delete(secret.id)
    for call in (store.get, store.delete):
        with pytest.raises(SecretNotFoundError, match="secret not found"):
            call(secret.id)
    with pytest.raises(SecretNotFoundError, match=r"^updating secret: secret not found$"):
        store.update(str(uuid.uuid4()), {"A": "1"}, [])
    with pytest.raises(StoreError, match=r"^reading secret: the store rejected the request$"):
        store.get("not-a-uuid")


def test_server_side_rules(server_session: ServerSession) -> None:
    store = store_of(server_session, server_session.users.alice)
    store.create("taken", {"A": "1"}, False)
    with pytest.raises(SecretExistsError) as exists:
        store.create("taken", {"A": CANARY}, False)
    assert str(exists.value) == "creating secret 'taken': a secret with that name already exists"
    store.create("taken", {"A": "private twin is fine"}, True)
    with pytest.raises(InvalidSecretError) as big:
        store.create("big", {"K": CANARY * 5000}, False)
    assert str(big.value) == "creating secret 'big': secret exceeds ZenML's 64 KiB limit"
    with pytest.raises(StoreError) as long_name:
        store.create(CANARY * 20, {"A": "1"}, False)
    assert str(long_name.value).endswith(": the store rejected the request")
    assert CANARY not in str(exists.value) + str(big.value) + str(long_name.value)[-40:]


def test_visibility_is_the_servers(server_session: ServerSession) -> None:
    users = server_session.users
    alice = store_of(server_session, users.alice)
    hidden = alice.create("alice-only", {"K": CANARY}, True)
    shared = alice.create("alice-shared", {"K": "shared"}, False)
    for who in (users.bob, users.robot):
        other = store_of(server_session, who)
        assert [ref.id for ref in other.list_all()] == [shared.id]
        assert other.find("alice-only") == []
        with pytest.raises(SecretNotFoundError):
            other.get(hidden.id)
        with pytest.raises(SecretNotFoundError):
            other.update(hidden.id, {"K": "x"}, [])
        with pytest.raises(SecretNotFoundError):
            other.delete(hidden.id)
        assert other.get(shared.id).values == {"K": "shared"}
    assert alice.get(hidden.id).values == {"K": CANARY}


def test_tokens_and_passwords_never_logged(
    server_session: ServerSession, caplog: pytest.LogCaptureFixture
) -> None:
    alice = server_session.users.alice
    with caplog.at_level(logging.DEBUG):
        store = store_of(server_session, alice)
        secret = store.create("logged", {"K": CANARY}, False)
        store.get(secret.id)
        store.update(secret.id, {"K": "2"}, [])
        store.delete(secret.id)
    token = store.connection._token
    assert token and alice.password
    assert caplog.text  # httpx and httpcore did log at DEBUG
    for secret_text in (token, alice.password, CANARY):
        assert secret_text not in caplog.text


def test_interop_with_zenml_client(server_session: ServerSession) -> None:
    """What one client writes, the other reads, changes and deletes."""
    from zenml.client import Client

    store = store_of(server_session, server_session.users.alice)
    ours = store.create("from-kitaru", {"A": "1", "B": "2"}, True)
    store.update(ours.id, {"C": "3"}, ["A"])
    client = Client()
    theirs = client.get_secret(ours.id)
    assert (theirs.name, theirs.private, theirs.secret_values) == (
        "from-kitaru",
        True,
        {"B": "2", "C": "3"},
    )
    made = client.create_secret("from-zenml", {"X": "1", "Y": "2"})
    assert [r.id for r in store.find("from-zenml")] == [str(made.id)]
    store.update(str(made.id), {"Z": "3"}, ["X"])
    assert client.get_secret(made.id).secret_values == {"Y": "2", "Z": "3"}
    store.delete(str(made.id))
    with pytest.raises(KeyError):
        client.get_secret(made.id)


def test_sdk_list_is_one_page_and_one_get_each(server_session: ServerSession) -> None:
    for index in range(6):
        kitaru.create_secret(f"counted-{index}", {"K": str(index)})
    from kitaru.store import open_store

    connection = open_store().rest.connection  # type: ignore[attr-defined]
    before = connection.round_trips
    assert [s.name for s in kitaru.list_secrets()] == [f"counted-{i}" for i in range(6)]
    assert connection.round_trips - before == 1 + 6
