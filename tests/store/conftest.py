"""Fixtures shared by the store tests."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.store.http_stub import Behaviour, Stub


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("ZENML_STORE_URL", raising=False)
    monkeypatch.setenv("ZENML_CONFIG_PATH", str(tmp_path))
    return tmp_path


@pytest.fixture
def token_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A token cache of the test's own (the REST store tests use it)."""
    monkeypatch.setenv("KITARU_CACHE_DIR", str(tmp_path / "kitaru-cache"))
    return tmp_path / "kitaru-cache"


@pytest.fixture
def stub() -> Iterator[Callable[..., Stub]]:
    started: list[Stub] = []

    def start(behaviour: Behaviour, tls: ssl.SSLContext | None = None) -> Stub:
        started.append(Stub(behaviour, tls))
        return started[-1]

    yield start
    for each in started:
        each.close()
