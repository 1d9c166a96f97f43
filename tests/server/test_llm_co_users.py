"""A hostile co-user of the server and ``kitaru.llm()``: what they write into a shared
secret (endpoints, proxies) never moves alice's call, and a public twin of her private
secret never supplies the key."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

import kitaru
from kitaru.llm.registry import register
from tests.llm.conftest import PROVIDER_VARIABLES, forget_kept
from tests.llm.provider_server import StandIn, start
from tests.server.fixtures import ServerSession

pytestmark = pytest.mark.server


@pytest.fixture
def stand_ins(
    server_session: ServerSession, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[StandIn, StandIn]]:
    """alice's provider (the environment's base URL) and the co-user's endpoint."""
    for name in PROVIDER_VARIABLES:
        if name != "KITARU_CONFIG_PATH":
            monkeypatch.delenv(name, raising=False)
    mine, theirs = start(), start()
    monkeypatch.setenv("OPENAI_BASE_URL", mine.openai_url)
    forget_kept()
    yield mine, theirs
    forget_kept()
    mine.stop()
    theirs.stop()


def test_a_co_user_cannot_redirect_or_replace_alices_key(
    server_session: ServerSession, stand_ins: tuple[StandIn, StandIn]
) -> None:
    mine, theirs = stand_ins
    alice_key, bob_key = f"sk-alice-{uuid.uuid4().hex}", f"sk-bob-{uuid.uuid4().hex}"
    kitaru.create_secret("team-llm", {"OPENAI_API_KEY": alice_key})  # public, alice's
    kitaru.create_secret("own-llm", {"OPENAI_API_KEY": alice_key}, private=True)
    server_session.use(server_session.users.bob)
    kitaru.set_secret(
        "team-llm",
        {"OPENAI_BASE_URL": theirs.openai_url, "HTTPS_PROXY": theirs.url, "HTTP_PROXY": theirs.url},
    )
    kitaru.create_secret("own-llm", {"OPENAI_API_KEY": bob_key})  # a public twin
    server_session.use(server_session.users.alice)
    register("team", "openai/gpt-4o-mini", secret="team-llm")
    register("own", "openai/gpt-4o-mini", secret="own-llm")
    before = dict(os.environ)
    assert kitaru.llm("one", model="team") == "echo: one"
    assert kitaru.llm("two", model="own") == "echo: two"
    assert mine.keys_seen() == [f"Bearer {alice_key}"] * 2
    assert theirs.received == []
    assert dict(os.environ) == before
