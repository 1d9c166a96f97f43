"""Reading the configured ZenML server the way ZenML does, without importing zenml."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kitaru.store.server_config import (
    display_url,
    parse_verify,
    read_server_config,
    store_url,
    zenml_config_dir,
)

URL = "https://zenml.example.com:8443"
PASSWORD = "pw-canary-61c2"
API_KEY = "ZENKEY_canary-0d9a"


def write_config(
    config_dir: Path, store: dict[str, object] | None, credentials: object = None
) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    if store is not None:
        (config_dir / "config.yaml").write_text(yaml.safe_dump({"store": store}))
    if credentials is not None:
        (config_dir / "credentials.yaml").write_text(yaml.safe_dump(credentials))


def env(tmp_path: Path, **variables: str) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "ZENML_CONFIG_PATH": str(tmp_path / "cfg"), **variables}


def test_env_url_and_password(tmp_path: Path) -> None:
    config = read_server_config(
        env(
            tmp_path,
            ZENML_STORE_URL=URL + "/",
            ZENML_STORE_USERNAME="alice",
            ZENML_STORE_PASSWORD=PASSWORD,
        )
    )
    assert config is not None
    assert (config.url, config.username, config.password) == (URL, "alice", PASSWORD)
    assert config.verify is True and config.can_login
    assert PASSWORD not in repr(config)


def test_env_api_key_wins_like_zenml(tmp_path: Path) -> None:
    config = read_server_config(env(tmp_path, ZENML_STORE_URL=URL, ZENML_STORE_API_KEY=API_KEY))
    assert config is not None and config.api_key == API_KEY and config.can_login
    assert API_KEY not in repr(config)


@pytest.mark.parametrize("url", ["sqlite:////tmp/zenml.db", "mysql://db/zenml", ""])
def test_non_server_urls_are_not_servers(tmp_path: Path, url: str) -> None:
    assert read_server_config(env(tmp_path, ZENML_STORE_URL=url)) is None


def test_nothing_configured_is_the_embedded_store(tmp_path: Path) -> None:
    assert read_server_config(env(tmp_path)) is None


def test_zenml_login_config_with_saved_api_key(tmp_path: Path) -> None:
    write_config(
        tmp_path / "cfg",
        {"type": "rest", "url": URL, "verify_ssl": False},
        {URL: {"url": URL, "api_key": API_KEY}},
    )
    config = read_server_config(env(tmp_path))
    assert config is not None
    assert (config.url, config.api_key, config.verify) == (URL, API_KEY, False)


def test_saved_token_is_used_until_it_expires(tmp_path: Path) -> None:
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    earlier = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    for expires_at, expected in [(later, "tok-live"), (None, "tok-live"), (earlier, None)]:
        token = {"access_token": "tok-live", "expires_at": expires_at, "leeway": 30}
        write_config(tmp_path / "cfg", {"type": "rest", "url": URL}, {URL: {"api_token": token}})
        config = read_server_config(env(tmp_path))
        assert config is not None and config.api_token == expected
        assert not config.can_login


def test_saved_password_login(tmp_path: Path) -> None:
    saved = {URL: {"username": "bob", "password": PASSWORD}}
    write_config(tmp_path / "cfg", {"type": "rest", "url": URL}, saved)
    config = read_server_config(env(tmp_path))
    assert config is not None and (config.username, config.password) == ("bob", PASSWORD)


def test_env_credentials_amend_the_configured_url(tmp_path: Path) -> None:
    """`zenml login` put the URL in config.yaml; CI puts an API key in the environment."""
    write_config(tmp_path / "cfg", {"type": "rest", "url": URL, "verify_ssl": "false"})
    config = read_server_config(env(tmp_path, ZENML_STORE_API_KEY=API_KEY))
    assert config is not None and config.url == URL and config.api_key == API_KEY
    assert config.verify is False


def test_env_url_replaces_the_configured_store(tmp_path: Path) -> None:
    write_config(tmp_path / "cfg", {"type": "rest", "url": URL, "verify_ssl": False})
    config = read_server_config(env(tmp_path, ZENML_STORE_URL="https://other.example.com"))
    assert config is not None and config.url == "https://other.example.com"
    assert config.verify is True  # the file's setting belonged to the replaced store


def test_verify_ssl_from_env(tmp_path: Path) -> None:
    config = read_server_config(
        env(tmp_path, ZENML_STORE_URL=URL, ZENML_STORE_VERIFY_SSL="/etc/ca.pem")
    )
    assert config is not None and config.verify == "/etc/ca.pem"


def test_broken_config_files_are_left_to_zenml(tmp_path: Path) -> None:
    config_dir = tmp_path / "cfg"
    config_dir.mkdir()
    (config_dir / "config.yaml").write_text("store: [unclosed\n")
    assert read_server_config(env(tmp_path)) is None


def test_incomplete_password_login_is_no_login(tmp_path: Path) -> None:
    config = read_server_config(env(tmp_path, ZENML_STORE_URL=URL, ZENML_STORE_USERNAME="a"))
    assert config is not None and config.username is None and not config.can_login


def test_config_dir_follows_zenml(tmp_path: Path) -> None:
    assert zenml_config_dir({"ZENML_CONFIG_PATH": str(tmp_path)}) == tmp_path.resolve()
    assert zenml_config_dir({"XDG_CONFIG_HOME": "/x"}) == Path("/x/zenml")
    assert zenml_config_dir({"HOME": "/h"}) == Path("/h/.config/zenml")


def test_config_dir_is_clicks_app_dir_on_each_platform() -> None:
    assert zenml_config_dir({"HOME": "/h"}, "linux") == Path("/h/.config/zenml")
    mac = Path("/h/Library/Application Support/zenml")
    assert zenml_config_dir({"HOME": "/h", "XDG_CONFIG_HOME": "/x"}, "darwin") == mac
    windows = {"HOME": "/h", "APPDATA": "/roaming"}
    assert zenml_config_dir(windows, "win32") == Path("/roaming/zenml")


@pytest.mark.parametrize(
    "variables",
    [
        {"ZENML_CONFIG_PATH": "~/zen"},  # ZenML does not expand ~ here
        {"ZENML_CONFIG_PATH": "rel/zen"},
        {"XDG_CONFIG_HOME": ""},  # set but empty: click uses it, relative to the cwd
        {"XDG_CONFIG_HOME": "~/cfg"},  # click does not expand ~
        {"XDG_CONFIG_HOME": "rel"},
        {"HOME": ""},
        {"HOME": "/h/"},
        {"HOME": "/h"},
        {},
    ],
)
def test_config_dir_is_the_one_zenml_computes(
    variables: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A different folder would make the SQLite reader read another store than ZenML."""
    from zenml.utils.io_utils import get_global_config_directory

    monkeypatch.chdir(tmp_path)
    for name in ("ZENML_CONFIG_PATH", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    expected = Path(get_global_config_directory())
    assert zenml_config_dir(dict(os.environ), "linux") == expected


def test_store_url_from_env_then_config_file(tmp_path: Path) -> None:
    assert store_url(env(tmp_path)) is None
    write_config(tmp_path / "cfg", {"type": "rest", "url": "https://zen.example"})
    assert store_url(env(tmp_path)) == "https://zen.example"
    assert store_url(env(tmp_path, ZENML_STORE_URL="http://other:8080")) == "http://other:8080"
    write_config(tmp_path / "cfg", {"type": "sql", "url": "sqlite:////tmp/zenml.db"})
    assert store_url(env(tmp_path)) == "sqlite:////tmp/zenml.db"


@pytest.mark.parametrize("text", ["", "store: 3\n", "[unclosed\n", "store:\n  url: [1]\n"])
def test_unusable_config_file_means_no_url(tmp_path: Path, text: str) -> None:
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.yaml").write_text(text)
    assert store_url(env(tmp_path)) is None


@given(st.sampled_from(["true", "True", "1", "yes", "on", "t", "y"]))
def test_verify_true_words(word: str) -> None:
    assert parse_verify(word) is True


@given(st.sampled_from(["false", "FALSE", "0", "no", "off", "f", "n"]))
def test_verify_false_words(word: str) -> None:
    assert parse_verify(word) is False


def test_verify_other_text_is_a_ca_bundle() -> None:
    assert parse_verify("/path/ca.pem") == "/path/ca.pem"
    assert parse_verify(True) is True and parse_verify("") is True


@given(
    user=st.text(alphabet="abcdefgh", min_size=1, max_size=8),
    # not digits only: those can be part of the port, which is shown
    secret=st.text(alphabet="xyz0123456789", min_size=4, max_size=12).filter(
        lambda text: not text.isdigit()
    ),
    port=st.integers(min_value=1, max_value=65535),
)
def test_display_url_never_shows_user_info(user: str, secret: str, port: int) -> None:
    shown = display_url(f"https://{user}:{secret}@host.example:{port}/api?token={secret}")
    assert shown == f"https://host.example:{port}"
    assert secret not in shown
