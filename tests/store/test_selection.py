"""open_store(): the REST store for servers, ZenML's client for embedded stores, on
request, or when a server's version is not one the REST store supports."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import kitaru
from kitaru.errors import StoreError, StoreUnreachableError
from kitaru.store import close_open_stores, open_store, rest_models
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
def test_unsupported_version_falls_back_with_one_line(
    server_session: ServerSession,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(rest_models, "MAX_SERVER_VERSION", (0, 90, 0))  # 0.98 now "too new"
    close_open_stores()
    store = open_store()
    assert isinstance(store, ServerStore)
    kitaru.create_secret("via-fallback", {"K": "1"})
    assert isinstance(store.backend(), ZenMLClientStore)
    # ZenML itself may log its own set-up here (this process configured its logging).
    notice = [line for line in capsys.readouterr().err.splitlines() if "kitaru" in line]
    assert notice == [
        f"kitaru: the ZenML server at {server_session.url} runs version 0.98.0, which "
        "kitaru's REST client does not support; using ZenML's client "
        "(set KITARU_STORE_CLIENT=rest to override)"
    ]
    assert [s.name for s in kitaru.list_secrets()] == ["via-fallback"]
    assert "kitaru" not in capsys.readouterr().err  # said once per store

    monkeypatch.setenv("KITARU_STORE_CLIENT", "rest")
    forced = open_store()
    assert isinstance(forced, ServerStore) and forced is not store
    assert [r.name for r in forced.list_all()] == ["via-fallback"]
    assert forced.backend() is forced.rest
    assert "kitaru" not in capsys.readouterr().err


@pytest.mark.server
@pytest.mark.parametrize("server_client", ["rest"], indirect=True)
def test_fallback_notice_in_the_cli(
    server_session: ServerSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rest_models, "MIN_SERVER_VERSION", (0, 99, 0))  # 0.98 now "too old"
    close_open_stores()
    from zenml.client import Client

    Client().zen_store  # noqa: B018 - ZenML's first connection, outside the CliRunner capture
    result = Cli()("secrets", "list", "-o", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) in ([], {"secrets": []})
    assert result.stderr.count("\n") == 1 and "using ZenML's client" in result.stderr
    assert result.stderr.startswith("kitaru: the ZenML server at ")
