"""The providers' official SDKs: imported on the first call, one client kept per endpoint
and key, and every failure turned into one line without the key.

OpenAI's SDK speaks for ``openai/``, ``ollama/`` (its OpenAI-compatible API) and
``openrouter/``; Anthropic's for ``anthropic/``.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import Any

from kitaru.llm.errors import MissingExtraError, ProviderError
from kitaru.llm.messages import Messages, split_system
from kitaru.llm.providers import Provider

ANTHROPIC_DEFAULT_MAX_TOKENS = 1024  # the Messages API requires one
MAX_ERROR_LENGTH = 300
NO_KEY = "not-needed"  # ollama takes no key; the OpenAI SDK insists on one

_clients: dict[tuple[str, str | None, str | None], Any] = {}
_clients_lock = threading.Lock()
MAX_CLIENTS = 32


@dataclass(frozen=True)
class Completion:
    text: str
    input_tokens: int | None
    output_tokens: int | None


def sdk_module(provider: Provider) -> Any:
    try:
        return importlib.import_module(provider.sdk)
    except ImportError:
        raise MissingExtraError(
            f"{provider.name}/ models need the {provider.sdk} SDK: "
            f"pip install 'kitaru[{provider.extra}]'"
        ) from None


def client_for(provider: Provider, key: str | None, base_url: str | None) -> Any:
    """A client for this endpoint and key, made once (clients hold connection pools)."""
    slot = (provider.sdk, base_url, key)
    with _clients_lock:
        client = _clients.get(slot)
    if client is not None:
        return client
    module = sdk_module(provider)
    options: dict[str, Any] = {"api_key": key or NO_KEY}
    if base_url:
        options["base_url"] = base_url
    client = (
        module.Anthropic(**options) if provider.sdk == "anthropic" else module.OpenAI(**options)
    )
    with _clients_lock:
        if len(_clients) >= MAX_CLIENTS:
            _clients.clear()
        client = _clients.setdefault(slot, client)
    return client


def forget_clients() -> None:
    with _clients_lock:
        _clients.clear()


def _openai(
    client: Any, provider: Provider, model: str, messages: Messages, options: dict[str, Any]
) -> Completion:
    arguments: dict[str, Any] = {"model": model, "messages": messages}
    if options.get("temperature") is not None:
        arguments["temperature"] = options["temperature"]
    if options.get("max_tokens") is not None:
        # OpenAI's own API names it max_completion_tokens; compatible servers max_tokens.
        field = "max_completion_tokens" if provider.name == "openai" else "max_tokens"
        arguments[field] = options["max_tokens"]
    response = client.chat.completions.create(**arguments)
    choices = getattr(response, "choices", None) or []
    text = (choices[0].message.content if choices else None) or ""
    usage = getattr(response, "usage", None)
    return Completion(
        text,
        getattr(usage, "prompt_tokens", None),
        getattr(usage, "completion_tokens", None),
    )


def _anthropic(client: Any, model: str, messages: Messages, options: dict[str, Any]) -> Completion:
    system, rest = split_system(messages)
    arguments: dict[str, Any] = {
        "model": model,
        "messages": rest,
        "max_tokens": options.get("max_tokens") or ANTHROPIC_DEFAULT_MAX_TOKENS,
    }
    if system is not None:
        arguments["system"] = system
    if options.get("temperature") is not None:
        # Anthropic's SDK 2.x has no parameter for it; the Messages API takes the field.
        arguments["extra_body"] = {"temperature": options["temperature"]}
    response = client.messages.create(**arguments)
    text = "".join(
        getattr(block, "text", "")
        for block in getattr(response, "content", None) or []
        if getattr(block, "type", None) == "text"
    )
    usage = getattr(response, "usage", None)
    return Completion(
        text, getattr(usage, "input_tokens", None), getattr(usage, "output_tokens", None)
    )


def _forms(key: str) -> list[str]:
    """The key as a provider might echo it: as is, URL-quoted, JSON-escaped, base64."""
    import base64
    import json
    from urllib.parse import quote

    forms = [key, quote(key, safe=""), json.dumps(key)[1:-1]]
    forms.append(base64.b64encode(key.encode()).decode().rstrip("="))
    return sorted(dict.fromkeys(forms), key=len, reverse=True)


def scrubbed(text: str, key: str | None) -> str:
    """One line, bounded, terminal-safe (a provider's text is not kitaru's), without the
    key in any usual encoding or anything kitaru has read from a secret."""
    from kitaru.runtime.redact import redact
    from kitaru.safe_text import for_terminal

    if key:
        for form in _forms(key):
            text = text.replace(form, "***")
    line = for_terminal(" ".join(redact(text).split()))
    return line if len(line) <= MAX_ERROR_LENGTH else line[: MAX_ERROR_LENGTH - 3] + "..."


def _failure(provider: Provider, error: Exception, key: str | None) -> ProviderError:
    status = getattr(error, "status_code", None)
    detail = getattr(error, "message", None) or str(error) or type(error).__name__
    where = f"HTTP {status}" if status is not None else type(error).__name__
    code = status if isinstance(status, int) else None
    return ProviderError(f"{provider.name} call failed ({where}): {scrubbed(detail, key)}", code)


def complete(
    provider: Provider,
    model: str,
    messages: Messages,
    *,
    key: str | None,
    base_url: str | None,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Completion:
    """One call through the provider's SDK; a failure is a ``ProviderError``."""
    client = client_for(provider, key, base_url)
    options = {"temperature": temperature, "max_tokens": max_tokens}
    try:
        if provider.sdk == "anthropic":
            return _anthropic(client, model, messages, options)
        return _openai(client, provider, model, messages, options)
    except Exception as error:  # whatever the SDK or its HTTP stack raised: one line
        failure = _failure(provider, error, key)
    # Raised outside the handler, so nothing chains to the SDK's exception, whose request
    # (and the HTTP stack's errors) hold the key's header.
    raise failure from None
