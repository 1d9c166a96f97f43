"""Server tokens kept between kitaru processes, so a CI job logs in once, not per step.

A ZenML login costs the server a password or API-key hash check (0.3-1 s measured on
a busy machine), more than the rest of a `kitaru secrets list`. ZenML's own client
caches tokens in credentials.yaml for the same reason (and writes the password there).

The cache may sit in a shared place (``KITARU_CACHE_DIR``), so it is trusted the way
ssh trusts ``~/.ssh``: the directory, its ``tokens/`` and every file in them must be
the user's own and not writable by group or others (nor may a parent directory be,
unless it is sticky like /tmp), else it is not used at all, with a one-line notice,
and the command logs in afresh. Files are 0600 in 0700 directories. Each entry is
named by an HMAC, under a random key kept in the cache (0600), of the server URL and
the credential that earned it, and holds that URL and HMAC itself: a file renamed
or copied in from another server or credential is ignored, and the names give
nothing away. ``KITARU_TOKEN_CACHE=0`` turns the cache off. Everything here is best
effort: a cache that cannot be read or written is skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import threading
import time
from pathlib import Path

from kitaru.private_file import write_private
from kitaru.safe_text import for_terminal
from kitaru.store.server_config import ServerConfig
from kitaru.store.token_expiry import expired

SWITCH = "KITARU_TOKEN_CACHE"
KEY_FILE = "key"
ENTRY_FORMAT = 2
_OFF = {"0", "false", "no", "off"}
_notices: set[str] = set()
_notice_lock = threading.Lock()


class UnsafeCache(Exception):
    """The cache is someone else's or others may write it; the message says which."""


def enabled() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() not in _OFF


def cache_dir() -> Path:
    explicit = os.environ.get("KITARU_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "kitaru"


def _uid() -> int | None:
    geteuid = getattr(os, "geteuid", None)
    return None if geteuid is None else int(geteuid())


def unsafe_reason(info: os.stat_result, path: Path, *, parent: bool = False) -> str | None:
    """Why ``path`` (stat ``info``) must not be trusted, or None. ``parent``: an ancestor
    of the cache, which root may own and which may be shared if sticky (like /tmp)."""
    uid = _uid()
    if uid is None:  # no POSIX ownership to check (Windows)
        return None
    owners = (uid, 0) if parent else (uid,)
    if info.st_uid not in owners:
        return f"{path} is owned by another user (uid {info.st_uid})"
    mode = stat.S_IMODE(info.st_mode)
    shared_ok = parent and stat.S_ISDIR(info.st_mode) and mode & stat.S_ISVTX
    if mode & 0o022 and not shared_ok:
        return f"{path} is writable by group or others (mode {mode:04o})"
    if stat.S_ISREG(info.st_mode) and mode & 0o077:
        return f"{path} is readable or writable by others (mode {mode:04o})"
    return None


def _check_dir(path: Path) -> None:
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeCache(f"{path} is not a directory")
    reason = unsafe_reason(info, path)
    if reason:
        raise UnsafeCache(reason)


def check_tree(root: Path) -> Path:
    """The checked ``tokens`` directory of ``root``; raises UnsafeCache (or OSError
    when it does not exist)."""
    real = Path(os.path.realpath(root))
    for ancestor in reversed(real.parents):
        reason = unsafe_reason(os.stat(ancestor), ancestor, parent=True)
        if reason:
            raise UnsafeCache(reason)
    _check_dir(real)
    tokens = real / "tokens"
    _check_dir(tokens)
    return tokens


def _read_private(path: Path) -> str:
    """A file's text, when it is a regular file of ours that only we can read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "r", encoding="utf-8") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeCache(f"{path} is not a regular file")
        reason = unsafe_reason(info, path)
        if reason:
            raise UnsafeCache(reason)
        return handle.read(64 * 1024)


def notice(reason: str) -> None:
    """One line on stderr per reason and process."""
    with _notice_lock:
        if reason in _notices:
            return
        _notices.add(reason)
    print(
        f"kitaru: not using the token cache: {for_terminal(reason)}; logging in without it",
        file=sys.stderr,
        flush=True,
    )


def cache_key(tokens: Path, create: bool) -> bytes | None:
    """The cache's random HMAC key (made on first save), or None when there is none."""
    path = tokens / KEY_FILE
    if create and not path.exists():
        write_private(path, secrets.token_hex(32), replace=False)
    try:
        text = _read_private(path).strip()
    except FileNotFoundError:
        return None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        return None
    return key if len(key) >= 16 else None


def entry_name(config: ServerConfig, key: bytes) -> str | None:
    """The entry for ``config``'s login, or None when it has nothing to log in with: an
    HMAC of the URL and the credential (never the credential, nor a plain hash of it)."""
    if not config.can_login:
        return None
    credential = config.api_key if config.api_key is not None else config.password or ""
    message = "\0".join(("kitaru-token-v2", config.url, config.username or "", credential))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


class TokenCache:
    """Load, save and forget the token of one server login."""

    def __init__(self, config: ServerConfig) -> None:
        self._config = config if enabled() and config.can_login else None

    def _entry(self, create: bool) -> Path | None:
        """The entry's path in a cache that passed the checks, or None (with a notice
        when the cache is unsafe)."""
        if self._config is None:
            return None
        root = cache_dir()
        try:
            if create:
                root.mkdir(mode=0o700, parents=True, exist_ok=True)
                (root / "tokens").mkdir(mode=0o700, exist_ok=True)
            tokens = check_tree(root)
            key = cache_key(tokens, create)
        except UnsafeCache as unsafe:
            notice(str(unsafe))
            return None
        except OSError:
            return None
        name = None if key is None else entry_name(self._config, key)
        return None if name is None else tokens / name

    def load(self) -> str | None:
        path = self._entry(create=False)
        if path is None or self._config is None:
            return None
        try:
            entry = json.loads(_read_private(path))
        except UnsafeCache as unsafe:
            notice(str(unsafe))
            return None
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != ENTRY_FORMAT:
            return None
        bound = hmac.compare_digest(str(entry.get("login", "")), path.name) and (
            entry.get("url") == self._config.url
        )
        if not bound or expired(entry.get("expires_at")):
            return None
        token = entry.get("token")
        return token if isinstance(token, str) and token else None

    def save(self, token: str, expires_in: float | None) -> None:
        path = self._entry(create=True)
        if path is None or self._config is None:
            return
        # Renew a little early: a token that expires mid-command costs a retry.
        expires_at = None if not expires_in else time.time() + 0.9 * float(expires_in)
        payload = {
            "format": ENTRY_FORMAT,
            "url": self._config.url,
            "login": path.name,
            "token": token,
            "expires_at": expires_at,
        }
        with contextlib.suppress(OSError):
            write_private(path, json.dumps(payload), replace=True)

    def forget(self) -> None:
        path = self._entry(create=False)
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
