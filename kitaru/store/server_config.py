"""Which ZenML server this process is configured for, read the way ZenML reads it.

ZenML takes its store from ``ZENML_STORE_*`` variables (a ``ZENML_STORE_URL`` replaces
the configured store; other variables amend it) or from ``config.yaml`` in its config
directory, and keeps logins made by ``zenml login`` in ``credentials.yaml`` beside it.
Reading those files here costs milliseconds; importing zenml to read them costs seconds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

STORE_PREFIX = "ZENML_STORE_"
DEFAULT_READ_TIMEOUT_S = 30.0
_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}

Verify = bool | str  # False, True, a CA bundle file or PEM text


@dataclass(frozen=True)
class ServerConfig:
    """Where the server is and how to log in. Secrets are left out of ``repr``."""

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)
    api_token: str | None = field(default=None, repr=False)
    verify: Verify = True
    read_timeout: float = DEFAULT_READ_TIMEOUT_S

    @property
    def can_login(self) -> bool:
        """A fresh token can be had (an API key, or a username with a password)."""
        return self.api_key is not None or (self.username is not None and self.password is not None)

    def login_form(self) -> dict[str, str]:
        """The form ZenML's ``/login`` takes: the API key, else username and password."""
        if self.api_key is not None:
            return {"grant_type": "zenml-api-key", "password": self.api_key}
        return {
            "grant_type": "password",
            "username": self.username or "",
            "password": self.password or "",
        }


def _expanduser(path: str, environ: Mapping[str, str]) -> str:
    """``os.path.expanduser`` of a ``~/...`` path, with ``HOME`` read from ``environ``."""
    if "HOME" in environ:
        home = environ["HOME"]
    else:
        return os.path.expanduser(path)  # the password database, as Python does
    return (home.rstrip("/") + path[1:]) or "/"


def zenml_config_dir(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """ZenML's global config directory: ``ZENML_CONFIG_PATH``, else the per-user
    application directory ZenML picks on this platform (click's ``get_app_dir``).

    Exactly as they compute it, odd values included: ZenML does not expand ``~`` in
    ``ZENML_CONFIG_PATH``, and click takes a set ``XDG_CONFIG_HOME`` as it is, even empty
    or relative (the folder is then relative to the working directory)."""
    explicit = environ.get("ZENML_CONFIG_PATH")
    if explicit:
        return Path(explicit).resolve()
    if platform == "win32":
        folder = environ.get("APPDATA")
        if folder is None:
            folder = environ.get("USERPROFILE") or environ.get("HOME") or os.path.expanduser("~")
        return Path(os.path.join(folder, "zenml"))
    if platform == "darwin":
        return Path(_expanduser("~/Library/Application Support", environ)) / "zenml"
    base = environ.get("XDG_CONFIG_HOME")
    if base is None:
        base = _expanduser("~/.config", environ)
    return Path(os.path.join(base, "zenml"))


def is_server_url(url: object) -> bool:
    return isinstance(url, str) and url.startswith(("http://", "https://"))


def display_url(url: str) -> str:
    """``scheme://host[:port]`` only: user info, paths and queries never reach output."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def parse_verify(value: object) -> Verify:
    """ZenML's ``verify_ssl``: a boolean, or a CA bundle (a file path or PEM text)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    return text or True


def _read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping, or empty when the file is missing or unreadable (ZenML decides)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _env_store(environ: Mapping[str, str]) -> dict[str, str]:
    return {
        name[len(STORE_PREFIX) :].lower(): value
        for name, value in environ.items()
        if name.startswith(STORE_PREFIX)
    }


def _store_settings(environ: Mapping[str, str], config_dir: Path) -> dict[str, Any]:
    """ZenML's rule: an env URL replaces the configured store, other env values amend it."""
    from_env = _env_store(environ)
    if "url" in from_env:
        return dict(from_env)
    stored = _read_yaml(config_dir / "config.yaml").get("store")
    settings = dict(stored) if isinstance(stored, dict) else {}
    settings.update(from_env)
    return settings


def store_url(environ: Mapping[str, str] = os.environ) -> str | None:
    """The URL of the store ZenML will use (a server or a local database), if one is set."""
    url = _store_settings(environ, zenml_config_dir(environ)).get("url")
    return _text(url)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _saved_login(config_dir: Path, url: str) -> dict[str, Any]:
    """What ``zenml login`` saved for ``url`` in credentials.yaml (may be nothing)."""
    saved = _read_yaml(config_dir / "credentials.yaml")
    entry = saved.get(url) or saved.get(url + "/")
    return entry if isinstance(entry, dict) else {}


def _unexpired_token(entry: Mapping[str, Any]) -> str | None:
    token = entry.get("api_token")
    if not isinstance(token, dict):
        return None
    from kitaru.store.token_expiry import expired  # datetime: only when a login was saved

    if expired(token.get("expires_at"), token.get("leeway")):
        return None
    return _text(token.get("access_token"))


def read_server_config(environ: Mapping[str, str] = os.environ) -> ServerConfig | None:
    """The configured ZenML server, or ``None`` when the store is not a server."""
    config_dir = zenml_config_dir(environ)
    settings = _store_settings(environ, config_dir)
    url = settings.get("url")
    if not is_server_url(url):
        return None
    url = str(url).rstrip("/")
    username = _text(settings.get("username"))
    password = settings.get("password") if isinstance(settings.get("password"), str) else None
    api_key = _text(settings.get("api_key"))
    api_token = _text(settings.get("api_token"))
    if api_key is None and (username is None or password is None) and api_token is None:
        saved = _saved_login(config_dir, url)
        api_key = _text(saved.get("api_key"))
        if api_key is None and _text(saved.get("username")) and "password" in saved:
            username, password = str(saved["username"]), str(saved.get("password") or "")
        api_token = _unexpired_token(saved)
    try:
        read_timeout = float(settings.get("http_timeout", DEFAULT_READ_TIMEOUT_S))
    except (TypeError, ValueError):
        read_timeout = DEFAULT_READ_TIMEOUT_S
    if username is None or password is None:
        username = password = None
    return ServerConfig(
        url=url,
        username=username,
        password=password,
        api_key=api_key,
        api_token=api_token,
        verify=parse_verify(settings.get("verify_ssl", True)),
        read_timeout=read_timeout if read_timeout > 0 else DEFAULT_READ_TIMEOUT_S,
    )
