"""The providers ``llm()`` knows: which SDK, which key, where the endpoint comes from.

Pure data and pure functions; the SDKs themselves are imported in ``kitaru.llm.sdk``.
Endpoints come from the alias (``--base-url``) or the environment, never from a secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from kitaru.llm.errors import ModelAliasError
from kitaru.naming import shown


@dataclass(frozen=True)
class Provider:
    name: str  # the prefix of a model string: "openai" in "openai/gpt-4o-mini"
    sdk: str  # the module of the official SDK that speaks its API
    extra: str  # pip install 'kitaru[<extra>]'
    key_variable: str | None  # the key in the environment or a linked secret; None: no key
    base_url_variable: str | None  # where the environment names another endpoint
    default_base_url: str | None  # None: the SDK's own default

    def base_url(self, alias_base_url: str | None, environ: Mapping[str, str]) -> str | None:
        """The endpoint: the alias's, else the environment's, else the provider's default
        (None: the SDK's own). A linked secret is never consulted."""
        if alias_base_url:
            return alias_base_url
        configured = environ.get(self.base_url_variable or "") if self.base_url_variable else None
        if configured:
            if self.name == "ollama":
                return _ollama_url(configured)
            return configured
        if self.name == "ollama":
            return _ollama_url("http://localhost:11434")
        return self.default_base_url


def _ollama_url(host: str) -> str:
    """``OLLAMA_HOST`` as ollama reads it (``host:port`` or a URL), its OpenAI API path."""
    url = host if "://" in host else f"http://{host}"
    return url.rstrip("/") + "/v1"


PROVIDERS: dict[str, Provider] = {
    "openai": Provider("openai", "openai", "openai", "OPENAI_API_KEY", "OPENAI_BASE_URL", None),
    "anthropic": Provider(
        "anthropic", "anthropic", "anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", None
    ),
    "ollama": Provider("ollama", "openai", "openai", None, "OLLAMA_HOST", None),
    "openrouter": Provider(
        "openrouter",
        "openai",
        "openai",
        "OPENROUTER_API_KEY",
        "OPENROUTER_BASE_URL",
        "https://openrouter.ai/api/v1",
    ),
}


def split_model(model: str) -> tuple[Provider, str]:
    """``provider/model`` -> the provider and the provider's own model name."""
    prefix, slash, name = model.partition("/")
    provider = PROVIDERS.get(prefix.lower()) if slash else None
    if provider is None or not name.strip():
        known = ", ".join(f"{p}/" for p in PROVIDERS)
        raise ModelAliasError(
            f"model {shown(model)} is not PROVIDER/MODEL with a known provider ({known})"
        )
    return provider, name


def environment_key(provider: Provider, environ: Mapping[str, str] | None = None) -> str | None:
    """The provider's key when the environment has one (non-blank)."""
    if provider.key_variable is None:
        return None
    value = (os.environ if environ is None else environ).get(provider.key_variable)
    return value if value and value.strip() else None
