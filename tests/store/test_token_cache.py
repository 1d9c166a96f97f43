"""Tokens kept between processes: private files, one per login, best effort."""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kitaru.store import token_cache
from kitaru.store.server_config import ServerConfig
from kitaru.store.token_cache import KEY_FILE, TokenCache, entry_name

URL = "http://127.0.0.1:8237"
TOKEN = "token-canary-8e1f"


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KITARU_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KITARU_TOKEN_CACHE", raising=False)
    return tmp_path / "cache"


@pytest.fixture(autouse=True)
def fresh_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(token_cache, "_notices", set())


def alice(password: str = "pw-1") -> ServerConfig:
    return ServerConfig(url=URL, username="alice", password=password)


def entries(cache_home: Path) -> list[Path]:
    return sorted(p for p in (cache_home / "tokens").iterdir() if p.name != KEY_FILE)


def test_round_trip_in_private_files(cache_home: Path) -> None:
    TokenCache(alice()).save(TOKEN, None)
    assert TokenCache(alice()).load() == TOKEN
    files = entries(cache_home)
    assert len(files) == 1
    for private in (files[0], cache_home / "tokens" / KEY_FILE):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    for directory in (cache_home, cache_home / "tokens"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert "alice" not in files[0].name and "pw-1" not in files[0].name
    assert "pw-1" not in files[0].read_text()


def test_other_credentials_find_nothing() -> None:
    TokenCache(alice()).save(TOKEN, None)
    assert TokenCache(alice("wrong")).load() is None
    assert TokenCache(ServerConfig(url=URL, username="bob", password="pw-1")).load() is None
    assert TokenCache(ServerConfig(url=URL + "0", username="alice", password="pw-1")).load() is None


def test_no_login_means_no_cache(cache_home: Path) -> None:
    bare = ServerConfig(url=URL, api_token="given")
    assert entry_name(bare, b"k" * 32) is None
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
    (path,) = entries(cache_home)
    path.write_text("{not json")
    assert cache.load() is None
    path.unlink()
    shutil.rmtree(cache_home / "tokens")
    (cache_home / "tokens").write_text("a file where the directory should be")
    cache.save(TOKEN, None)  # no exception, nothing kept
    assert cache.load() is None


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_distinct_secrets_get_distinct_entries(first: str, second: str) -> None:
    one = entry_name(ServerConfig(url=URL, api_key=first), b"k" * 32)
    two = entry_name(ServerConfig(url=URL, api_key=second), b"k" * 32)
    assert (one == two) == (first == second)


# --- a cache in a shared place: trusted only when it is ours and only we can write it ---

OTHER_UID = 12345


def refused(cache_home: Path, capsys: pytest.CaptureFixture[str], why: str) -> None:
    """The cache is not used (no token read, none written) and stderr says why once."""
    before = sorted(p.name for p in (cache_home / "tokens").iterdir())
    assert TokenCache(alice()).load() is None
    TokenCache(alice()).save("token-of-a-fresh-login", None)
    assert TokenCache(alice()).load() is None
    after = sorted(p.name for p in (cache_home / "tokens").iterdir())
    assert after == before
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("kitaru: not using the token cache: ") and why in lines[0]
    assert lines[0].endswith("; logging in without it")


@pytest.fixture
def saved(cache_home: Path) -> Path:
    TokenCache(alice()).save(TOKEN, None)
    assert TokenCache(alice()).load() == TOKEN
    return cache_home


@pytest.mark.parametrize("part", ["", "tokens"])
def test_a_directory_someone_else_owns_is_refused(
    saved: Path, capsys: pytest.CaptureFixture[str], part: str
) -> None:
    os.chown(saved / part, OTHER_UID, -1)
    refused(saved, capsys, "owned by another user (uid 12345)")


@pytest.mark.parametrize(("part", "mode"), [("", 0o777), ("tokens", 0o777), ("tokens", 0o770)])
def test_a_group_or_world_writable_directory_is_refused(
    saved: Path, capsys: pytest.CaptureFixture[str], part: str, mode: int
) -> None:
    (saved / part).chmod(mode)
    refused(saved, capsys, f"writable by group or others (mode {mode:04o})")


def test_a_writable_parent_is_refused_unless_sticky(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("KITARU_CACHE_DIR", str(shared / "cache"))
    TokenCache(alice()).save(TOKEN, None)  # someone could swap shared/cache: refused
    assert TokenCache(alice()).load() is None
    assert "writable by group or others" in capsys.readouterr().err
    shared.chmod(0o1777)  # sticky, like /tmp: only the owner may rename what is in it
    TokenCache(alice()).save(TOKEN, None)
    assert TokenCache(alice()).load() == TOKEN


@pytest.mark.parametrize("which", ["entry", "key"])
def test_a_file_someone_else_owns_or_others_can_open_is_refused(
    saved: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    (entry,) = entries(saved)
    path = entry if which == "entry" else saved / "tokens" / KEY_FILE
    path.chmod(0o644)
    assert TokenCache(alice()).load() is None
    assert "readable or writable by others (mode 0644)" in capsys.readouterr().err
    path.chmod(0o600)
    os.chown(path, OTHER_UID, -1)
    assert TokenCache(alice()).load() is None
    assert "owned by another user" in capsys.readouterr().err


def test_a_symlinked_entry_is_not_followed(saved: Path, tmp_path: Path) -> None:
    (entry,) = entries(saved)
    elsewhere = tmp_path / "elsewhere"
    shutil.copyfile(entry, elsewhere)
    elsewhere.chmod(0o600)
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert TokenCache(alice()).load() is None


def test_a_token_swapped_in_from_another_login_or_server_is_ignored(cache_home: Path) -> None:
    """bob's (or another server's) entry copied over carol's name does not log carol in."""
    carol = ServerConfig(url=URL, username="carol", password="carol-pw")
    TokenCache(carol).save("carol-token", None)
    (carol_entry,) = entries(cache_home)
    for other in (
        ServerConfig(url=URL, username="bob", password="bob-pw"),
        ServerConfig(url="http://127.0.0.1:9999", username="carol", password="carol-pw"),
        ServerConfig(url=URL, api_key="bob-api-key"),
    ):
        TokenCache(other).save("bob-token", None)
        (other_entry,) = [p for p in entries(cache_home) if p != carol_entry]
        shutil.copyfile(other_entry, carol_entry)
        other_entry.unlink()
        assert TokenCache(carol).load() is None
        assert TokenCache(other).load() is None  # and it is not found under its own name


def test_entries_name_nothing_without_the_cache_key(cache_home: Path) -> None:
    TokenCache(alice()).save(TOKEN, None)
    (cache_home / "tokens" / KEY_FILE).unlink()
    assert TokenCache(alice()).load() is None  # a new key: old entries are unreachable
    TokenCache(alice()).save(TOKEN, None)
    assert TokenCache(alice()).load() == TOKEN
