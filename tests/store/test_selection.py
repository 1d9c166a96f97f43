"""open_store(): the REST store for servers, ZenML's client for embedded stores or on
request; a server outside the supported range refused by both."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import kitaru
from kitaru.errors import StoreError, StoreUnreachableError
from kitaru.store import close_open_stores, compat, open_store
from kitaru.store.embedded import EmbeddedStore
from kitaru.store.selection import ServerStore, client_choice
from kitaru.store.zenml_client import ZenMLClientStore
from tests.conftest import Cli
from tests.server.fixtures import ServerSession
from tests.server.zenml_server import HOST, free_port

SERVER = {"ZENML_STORE_URL": "http://127.0.0.1:9", "ZENML_STORE_API_KEY": "k-1"}


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("ZENML_STORE_URL", "ZENML_STORE_API_KEY", "KITARU_STORE_CLIENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZENML_CONFIG_PATH", str(tmp_path / "cfg"))
    return monkeypatch


@pytest.mark.parametrize("value", ["", "auto", "rest", "zenml", "ZenML"])
def test_client_choice(value: str) -> None:
    assert client_choice({"KITARU_STORE_CLIENT": value}) == (value.lower() or "auto")


def test_client_choice_rejects_typos() -> None:
    with pytest.raises(StoreError, match="KITARU_STORE_CLIENT must be one of auto, rest, zenml"):
        client_choice({"KITARU_STORE_CLIENT": "zenm1"})


def test_choice_needs_no_network(clean_env: pytest.MonkeyPatch) -> None:
    assert isinstance(open_store(), EmbeddedStore)  # nothing configured: embedded
    for name, value in SERVER.items():
        clean_env.setenv(name, value)
    store = open_store()
    assert isinstance(store, ServerStore)
    assert open_store() is store  # one per server and identity, reused
    clean_env.setenv("ZENML_STORE_API_KEY", "k-2")
    assert open_store() is not store
    clean_env.setenv("KITARU_STORE_CLIENT", "zenml")
    assert isinstance(open_store(), ZenMLClientStore)
    clean_env.setenv("KITARU_STORE_CLIENT", "rest")
    assert isinstance(open_store(), ServerStore)
    clean_env.setenv("KITARU_STORE_CLIENT", "restful")
    with pytest.raises(StoreError, match="KITARU_STORE_CLIENT must be one of"):
        open_store()


def test_dead_server_is_reported_within_5s(clean_env: pytest.MonkeyPatch) -> None:
    port = free_port()
    clean_env.setenv("ZENML_STORE_URL", f"http://{HOST}:{port}")
    started = time.monotonic()
    with pytest.raises(StoreUnreachableError, match="cannot reach the ZenML server at http"):
        kitaru.list_secrets()
    assert time.monotonic() - started < 5


@pytest.mark.server
@pytest.mark.parametrize("server_client", ["rest"], indirect=True)
def test_server_gets_the_rest_store(server_session: ServerSession) -> None:
    store = open_store()
    assert isinstance(store, ServerStore)
    kitaru.create_secret("via-rest", {"K": "1"})
    assert store.backend() is store.rest
    assert store.rest.connection.round_trips > 0


@pytest.mark.server
@pytest.mark.parametrize("server_client", ["rest"], indirect=True)
def test_a_server_outside_the_range_is_refused_by_both_clients(
    server_session: ServerSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One line naming the version and the range, exit 1, through the REST store and
    ZenML's client alike; no fallback, and ZenML's config is left as it was."""
    monkeypatch.setattr(compat, "SERVER_FLOOR", (0, 99, 0))  # 0.98 is now "too old"
    close_open_stores()
    config_dir = Path(os.environ["ZENML_CONFIG_PATH"])
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.yaml").write_text(
        "user_id: 1f2e0c6e-0000-4000-8000-000000000001\nversion: 0.75.1\n"
    )
    before = _files(config_dir)
    expected = (
        f"Error: the ZenML server at {server_session.url} runs version 0.98.0; "
        "kitaru supports ZenML servers 0.99.0 to 0.98.x\n"
    )
    for client in ("auto", "zenml"):
        monkeypatch.setenv("KITARU_STORE_CLIENT", client)
        result = Cli()("secrets", "list", "-o", "json")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected), client
    assert _files(config_dir) == before
    monkeypatch.setenv("KITARU_STORE_CLIENT", "rest")  # the user insists: no check
    assert Cli()("secrets", "list", "-o", "json").exit_code == 0


def _files(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
