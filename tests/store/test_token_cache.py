"""Tokens kept between processes: private files, one per login, best effort."""

from __future__ import annotations

import stat
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kitaru.store.server_config import ServerConfig
from kitaru.store.token_cache import TokenCache, entry_name, expired

URL = "http://127.0.0.1:8237"
TOKEN = "token-canary-8e1f"


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KITARU_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KITARU_TOKEN_CACHE", raising=False)
    return tmp_path / "cache"


def alice(password: str = "pw-1") -> ServerConfig:
    return ServerConfig(url=URL, username="alice", password=password)


def test_round_trip_in_private_files(cache_home: Path) -> None:
    TokenCache(alice()).save(TOKEN, None)
    assert TokenCache(alice()).load() == TOKEN
    files = list((cache_home / "tokens").iterdir())
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((cache_home / "tokens").stat().st_mode) == 0o700
    assert "alice" not in files[0].name and "pw-1" not in files[0].name


def test_other_credentials_find_nothing() -> None:
    TokenCache(alice()).save(TOKEN, None)
    assert TokenCache(alice("wrong")).load() is None
    assert TokenCache(ServerConfig(url=URL, username="bob", password="pw-1")).load() is None
    assert TokenCache(ServerConfig(url=URL + "0", username="alice", password="pw-1")).load() is None


def test_no_login_means_no_cache(cache_home: Path) -> None:
    bare = ServerConfig(url=URL, api_token="given")
    assert entry_name(bare) is None
    TokenCache(bare).save(TOKEN, None)
    assert not cache_home.exists()


def test_expiry_and_forget() -> None:
    cache = TokenCache(alice())
    cache.save(TOKEN, 0.001)
    time.sleep(0.01)
    assert cache.load() is None
    cache.save(TOKEN, 3600)
    assert cache.load() == TOKEN
    cache.forget()
    assert cache.load() is None
    cache.forget()  # nothing left to remove is fine


def test_switched_off(monkeypatch: pytest.MonkeyPatch, cache_home: Path) -> None:
    monkeypatch.setenv("KITARU_TOKEN_CACHE", "0")
    TokenCache(alice()).save(TOKEN, None)
    assert TokenCache(alice()).load() is None
    assert not cache_home.exists()


def test_damaged_or_unwritable_cache_is_skipped(cache_home: Path) -> None:
    cache = TokenCache(alice())
    cache.save(TOKEN, None)
    (path,) = (cache_home / "tokens").iterdir()
    path.write_text("{not json")
    assert cache.load() is None
    path.unlink()
    (cache_home / "tokens").rmdir()
    (cache_home / "tokens").write_text("a file where the directory should be")
    cache.save(TOKEN, None)  # no exception, nothing kept
    assert cache.load() is None


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_distinct_secrets_get_distinct_entries(first: str, second: str) -> None:
    one = entry_name(ServerConfig(url=URL, api_key=first))
    two = entry_name(ServerConfig(url=URL, api_key=second))
    assert (one == two) == (first == second)


def test_expired_reads_every_shape_zenml_writes() -> None:
    now = time.time()
    assert not expired(None)
    assert not expired(now + 60, now=now)
    assert expired(now - 1, now=now)
    assert expired(now + 20, leeway=30, now=now)
    soon = datetime.now(timezone.utc) + timedelta(hours=1)
    assert not expired(soon.isoformat())
    assert not expired(soon.replace(tzinfo=None).isoformat().replace("+00:00", "") + "Z")
    assert expired((datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat())
    assert expired("garbage") and expired(["not", "a", "time"])
