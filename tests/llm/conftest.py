"""The stand-in provider, kitaru's config directory and a clean environment per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.llm.provider_server import StandIn, start

PROVIDER_VARIABLES = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "OPENROUTER_API_KEY",
    "OPENAI_BASE_URL",
    "ANTHROPIC_BASE_URL",
    "OPENROUTER_BASE_URL",
    "OLLAMA_HOST",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "ANTHROPIC_AUTH_TOKEN",
    "KITARU_CONFIG_PATH",
    "KITARU_MODEL_REGISTRY",
    "KITARU_DEFAULT_MODEL",
    "KITARU_LLM_MOCK_RESPONSE",
)


def forget_kept() -> None:
    from kitaru.llm import credentials, sdk

    credentials.forget()
    sdk.forget_clients()


@pytest.fixture
def llm_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """kitaru's config directory (where kitaru.yaml goes), no provider settings."""
    for name in PROVIDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "kitaru-config"
    monkeypatch.setenv("KITARU_CONFIG_PATH", str(folder))
    forget_kept()
    yield folder
    forget_kept()


@pytest.fixture
def provider(llm_config: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """A stand-in provider that both SDKs reach through the environment's base URLs."""
    state = start()
    monkeypatch.setenv("OPENAI_BASE_URL", state.openai_url)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", state.url)
    yield state
    state.stop()
