"""Which key a call gets: kept per store and identity, never another store's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kitaru.llm import credentials
from kitaru.llm.errors import LLMCredentialsError
from kitaru.llm.providers import PROVIDERS
from kitaru.llm.registry import Alias
from kitaru.secret_models import Secret

OPENAI = PROVIDERS["openai"]
ALIAS = Alias("fast", "openai/gpt-4o-mini", secret="llm-creds")


@pytest.fixture
def stores(
    llm_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, list[str]]:
    """Each store URL holds its own 'llm-creds'; what was read, per store."""
    from kitaru import secrets

    monkeypatch.setenv("ZENML_CONFIG_PATH", str(tmp_path / "zenml"))
    read: dict[str, list[str]] = {}

    def get_secret(name_or_id: str, **_: object) -> Secret:
        where = os.environ.get("ZENML_STORE_URL", "")
        read.setdefault(where, []).append(name_or_id)
        return Secret(
            name=name_or_id, id="1", private=True, values={"OPENAI_API_KEY": f"sk-of-{where}"}
        )

    monkeypatch.setattr(secrets, "get_secret", get_secret)
    return read


def key_for() -> str | None:
    return credentials.resolve_credential(OPENAI, ALIAS.model, ALIAS, environ={}).key


def test_a_kept_key_is_read_once_per_store_and_identity(
    stores: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENML_STORE_URL", "https://a.example")
    assert key_for() == key_for() == "sk-of-https://a.example"
    monkeypatch.setenv("ZENML_STORE_URL", "https://b.example")
    assert key_for() == "sk-of-https://b.example"  # not the key kept from the other store
    monkeypatch.setenv("ZENML_STORE_USERNAME", "someone-else")
    key_for()
    assert stores == {"https://a.example": ["llm-creds"], "https://b.example": ["llm-creds"] * 2}


def test_zenml_login_changing_the_config_is_another_identity(
    stores: dict[str, list[str]], tmp_path: Path
) -> None:
    config = tmp_path / "zenml"
    config.mkdir()
    key_for()
    (config / "credentials.yaml").write_text("https://x.example: {api_key: other}\n")
    key_for()
    assert stores[""] == ["llm-creds", "llm-creds"]


def test_the_identity_holds_no_password() -> None:
    identity = credentials.store_identity({"ZENML_STORE_PASSWORD": "pw-canary-1234"})
    assert "pw-canary" not in identity
    assert identity != credentials.store_identity({"ZENML_STORE_PASSWORD": "other"})


def test_a_key_from_a_public_secret_is_warned_about_once(
    llm_config: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from kitaru import secrets

    def get_secret(name_or_id: str, **_: object) -> Secret:
        return Secret(name=name_or_id, id="1", private=False, values={"OPENAI_API_KEY": "sk-x1"})

    monkeypatch.setattr(secrets, "get_secret", get_secret)
    with caplog.at_level("WARNING", logger="kitaru"):
        key_for()
        key_for()
    warned = [r.getMessage() for r in caplog.records if "is public" in r.getMessage()]
    assert warned == [
        "alias 'fast': linked secret 'llm-creds' is public: any user of the server can replace "
        "its key and receive your prompts (link a private secret)"
    ]


@pytest.mark.parametrize(
    "key", ["sk-a1b2\r\nX-Injected: 1", "sk-a1b2 c3", "sk-\u00e91b2", "sk-a1\x00b2"]
)
def test_a_key_no_header_can_carry_is_one_line_never_shown(
    stores: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setattr(credentials, "_from_secret", lambda *_: key)
    for environ in ({"OPENAI_API_KEY": key}, {}):
        with pytest.raises(LLMCredentialsError) as caught:
            credentials.resolve_credential(OPENAI, ALIAS.model, ALIAS, environ=environ)
        message = str(caught.value)
        assert "\n" not in message and "a1" not in message and "OPENAI_API_KEY" in message


def test_a_pasted_line_break_around_the_key_is_dropped(
    stores: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = {"OPENAI_API_KEY": " sk-a1b2\n"}
    assert credentials.resolve_credential(OPENAI, ALIAS.model, ALIAS, environ).key == "sk-a1b2"
    monkeypatch.setattr(credentials, "_from_secret", lambda *_: "sk-c3d4\r\n")
    assert key_for() == "sk-c3d4"
