"""kitaru's REST store against the real ZenML server: paging, writes, errors, visibility,
tokens kept out of logs, and interop with ZenML's own client (logins: test_rest_auth)."""

from __future__ import annotations

import logging
import uuid

import pytest

import kitaru
from kitaru.errors import (
    InvalidSecretError,
    SecretExistsError,
    SecretNotFoundError,
    StoreError,
)
from kitaru.store import rest
from tests.server.fixtures import ServerSession
from tests.store.rest_servers import store_of

pytestmark = [
    pytest.mark.server,
    pytest.mark.parametrize("server_client", ["rest"], indirect=True),
    pytest.mark.usefixtures("token_cache"),
]

CANARY = "rest-canary-c0ffee"


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


def test_sdk_list_is_one_page_and_keys_one_get_each(server_session: ServerSession) -> None:
    for index in range(6):
        kitaru.create_secret(f"counted-{index}", {"K": str(index)})
    from kitaru.store import open_store

    connection = open_store().rest.connection  # type: ignore[attr-defined]
    before = connection.round_trips
    assert [s.name for s in kitaru.list_secrets()] == [f"counted-{i}" for i in range(6)]
    assert connection.round_trips - before == 1
    before = connection.round_trips
    assert [s.keys for s in kitaru.list_secrets(keys=True)] == [["K"]] * 6
    assert connection.round_trips - before == 1 + 6
