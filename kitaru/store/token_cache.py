"""Server tokens kept between kitaru processes, so a CI job logs in once, not per step.

A ZenML login costs the server a password or API-key hash check (0.3-1 s measured on
a busy machine), more than the rest of a `kitaru secrets list`. ZenML's own client
caches tokens in credentials.yaml for the same reason (and writes the password there).

Each entry is one file, mode 0600 in a 0700 directory, named by a slow hash of the
server URL and the credentials that earned it: other credentials find nothing, and the
name does not give the password away cheaply. ``KITARU_TOKEN_CACHE=0`` turns it off.
Everything here is best effort: a cache that cannot be read or written is skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from kitaru.store.server_config import ServerConfig

SWITCH = "KITARU_TOKEN_CACHE"
KDF_ROUNDS = 10_000
_OFF = {"0", "false", "no", "off"}


def enabled() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() not in _OFF


def cache_dir() -> Path:
    explicit = os.environ.get("KITARU_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "kitaru"


def expired(expires_at: object, leeway: object = None, now: float | None = None) -> bool:
    """Whether a token's expiry (epoch seconds, ISO text or datetime; None = never) passed."""
    if expires_at is None:
        return False
    if isinstance(expires_at, str):
        try:
            expires_at = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
        except ValueError:
            return True
    if isinstance(expires_at, datetime):
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=timezone.utc)
        expires_at = expires_at.timestamp()
    if not isinstance(expires_at, int | float):
        return True
    margin = float(leeway) if isinstance(leeway, int | float) else 0.0
    return float(expires_at) - margin <= (time.time() if now is None else now)


def entry_name(config: ServerConfig) -> str | None:
    """The file name for ``config``'s login, or None when it has nothing to log in with."""
    if not config.can_login:
        return None
    identity = f"{config.url}\0{config.username or ''}".encode()
    secret = (config.api_key or config.password or "").encode()
    digest = hashlib.pbkdf2_hmac("sha256", secret, b"kitaru-token-v1\0" + identity, KDF_ROUNDS)
    return digest.hex()


class TokenCache:
    """Load, save and forget the token of one server login."""

    def __init__(self, config: ServerConfig) -> None:
        self._name = entry_name(config) if enabled() else None

    @property
    def _path(self) -> Path | None:
        return None if self._name is None else cache_dir() / "tokens" / self._name

    def load(self) -> str | None:
        path = self._path
        if path is None:
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or expired(entry.get("expires_at")):
            return None
        token = entry.get("token")
        return token if isinstance(token, str) and token else None

    def save(self, token: str, expires_in: float | None) -> None:
        path = self._path
        if path is None:
            return
        # Renew a little early: a token that expires mid-command costs a retry.
        expires_at = None if not expires_in else time.time() + 0.9 * float(expires_in)
        payload = json.dumps({"token": token, "expires_at": expires_at})
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(payload)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()

    def forget(self) -> None:
        path = self._path
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
