"""kitaru's own models of the server's secret, login and info resources."""

from __future__ import annotations

from kitaru.store.rest_models import (
    CurrentUser,
    SecretPage,
    SecretResource,
    ServerInfo,
    TokenResponse,
)

CANARY = "model-canary-2b7c"

# Shapes as ZenML 0.98.0 sends them (trimmed); unknown fields must be ignored.
SECRET = {
    "body": {
        "created": "2026-11-27T08:02:02.755431",
        "user_id": "106afd89-25aa-4316-b01e-ad5853321f3c",
        "private": True,
        "values": {"A": CANARY, "B": None},
    },
    "metadata": None,
    "resources": {"user": {"name": "alice"}},
    "id": "ea5ec77b-cb3e-4913-886c-4c738b1c2b89",
    "permission_denied": False,
    "name": "probe",
}


def test_secret_resource() -> None:
    secret = SecretResource.model_validate(SECRET)
    stored = secret.stored()
    assert (stored.id, stored.name, stored.private) == (SECRET["id"], "probe", True)
    assert stored.user_id == "106afd89-25aa-4316-b01e-ad5853321f3c"  # who created it
    assert stored.readable == {"A": CANARY} and stored.unavailable == ["B"]
    assert secret.ref() == stored.ref
    assert CANARY not in repr(secret) + repr(stored) + str(secret)


def test_listed_secret_without_values() -> None:
    page = SecretPage.model_validate(
        {"index": 1, "max_size": 2, "total_pages": 3, "total": 5, "items": [SECRET]}
    )
    assert page.total_pages == 3 and page.items[0].ref().name == "probe"
    bare = SecretResource.model_validate({"id": "x", "name": "n"})
    assert bare.ref().private is False and bare.stored().values == {}
    assert bare.ref().user_id is None  # a server that does not say: never taken for the caller


def test_current_user() -> None:
    me = CurrentUser.model_validate({"id": "u-1", "name": "alice", "body": {"active": True}})
    assert me.id == "u-1"


def test_token_and_info() -> None:
    token = TokenResponse.model_validate(
        {"access_token": CANARY, "token_type": "bearer", "expires_in": None, "csrf_token": None}
    )
    assert token.access_token == CANARY and CANARY not in repr(token)
    info = ServerInfo.model_validate({"version": "0.98.0", "auth_scheme": "OAUTH2", "id": "x"})
    assert info.version == "0.98.0"


def test_owner_of_servers_before_0_83() -> None:
    """ZenML 0.80-0.82 send the creating user as ``body.user`` (a whole user), not
    ``body.user_id``: both name the same owner."""
    owner = "106afd89-25aa-4316-b01e-ad5853321f3c"
    body = {k: v for k, v in SECRET["body"].items() if k != "user_id"}  # type: ignore[union-attr]
    old = {**SECRET, "body": {**body, "user": {"id": owner, "name": "alice", "body": {}}}}
    secret = SecretResource.model_validate(old)
    assert secret.stored().user_id == owner and secret.ref().user_id == owner
    assert CANARY not in repr(secret)
    listed = SecretPage.model_validate({"total_pages": 1, "items": [old]})
    assert listed.items[0].ref().user_id == owner
