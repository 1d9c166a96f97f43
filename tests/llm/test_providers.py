"""Which provider a model string names, and where its endpoint comes from."""

from __future__ import annotations

import pytest

from kitaru.llm.errors import ModelAliasError
from kitaru.llm.providers import PROVIDERS, environment_key, split_model


def test_model_strings_name_a_known_provider() -> None:
    assert split_model("openai/gpt-4o-mini") == (PROVIDERS["openai"], "gpt-4o-mini")
    assert split_model("openrouter/meta-llama/llama-3")[1] == "meta-llama/llama-3"
    for bad in ("gpt-4o", "openai/", "nope/model", "/x"):
        with pytest.raises(ModelAliasError):
            split_model(bad)


def test_the_endpoint_is_the_alias_then_the_environment_then_the_default() -> None:
    openai, ollama, router = PROVIDERS["openai"], PROVIDERS["ollama"], PROVIDERS["openrouter"]
    env = {"OPENAI_BASE_URL": "http://env/v1", "OLLAMA_HOST": "10.0.0.2:11434"}
    assert openai.base_url("http://alias/v1", env) == "http://alias/v1"
    assert openai.base_url(None, env) == "http://env/v1"
    assert openai.base_url(None, {}) is None  # the SDK's own default
    assert ollama.base_url(None, env) == "http://10.0.0.2:11434/v1"
    assert ollama.base_url(None, {}) == "http://localhost:11434/v1"
    assert router.base_url(None, {}) == "https://openrouter.ai/api/v1"


def test_a_blank_environment_key_is_no_key() -> None:
    assert environment_key(PROVIDERS["openai"], {"OPENAI_API_KEY": "  "}) is None
    assert environment_key(PROVIDERS["openai"], {"OPENAI_API_KEY": "sk-x"}) == "sk-x"
    assert environment_key(PROVIDERS["ollama"], {"OPENAI_API_KEY": "sk-x"}) is None
