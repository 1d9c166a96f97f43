"""``llm()``: resolve the model, find the key, call the provider, record where it ran.

In a flow body the call becomes its own checkpoint (a ZenML step named by ``name``); in a
running step it runs inline and is recorded there; anywhere else it is a plain call.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from kitaru.llm import credentials, recording
from kitaru.llm.errors import ProviderError
from kitaru.llm.messages import to_messages
from kitaru.llm.providers import split_model
from kitaru.llm.registry import Resolved, load_registry, resolve_model

MOCK_VARIABLE = "KITARU_LLM_MOCK_RESPONSE"
MOCK = "mock"
AUTH_FAILURES = (401, 403)


_mock_warned = threading.Event()


def _warn_mocked() -> None:
    """Once per process: a mock variable left in a production environment is loud."""
    if not _mock_warned.is_set():
        _mock_warned.set()
        logging.getLogger("kitaru").warning(
            "%s is set: llm() answers with its text and calls no model", MOCK_VARIABLE
        )


def _mocked(model: str | None) -> Resolved:
    """In mock mode the model is resolved when it can be; nothing else is needed."""
    try:
        return resolve_model(model, load_registry())
    except Exception:
        return Resolved(model or MOCK, None)


def _call_provider(
    resolved: Resolved, messages: list[dict[str, str]], options: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    from kitaru.llm.sdk import complete
    from kitaru.runtime.redact import remember_values

    provider, provider_model = split_model(resolved.model)
    credential = credentials.resolve_credential(provider, resolved.model, resolved.alias)
    if credential.key:
        remember_values([credential.key])  # masked in logs like any value kitaru read
    alias_url = resolved.alias.base_url if resolved.alias else None
    try:
        completion = complete(
            provider,
            provider_model,
            messages,
            key=credential.key,
            base_url=provider.base_url(alias_url, os.environ),
            **options,
        )
    except ProviderError as error:
        if error.status_code in AUTH_FAILURES and credential.source == credentials.SECRET:
            credentials.forget(credential)  # a rotated key is read again next time
        raise
    usage = {"input_tokens": completion.input_tokens, "output_tokens": completion.output_tokens}
    return completion.text, {**usage, "credential_source": credential.source}


def llm(
    prompt: str | Sequence[Mapping[str, Any]],
    *,
    model: str | None = None,
    system: str | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
    name: str | None = None,
) -> str:
    """Ask a model: ``prompt`` is a string or a list of ``{"role", "content"}`` messages.

    ``model`` is an alias (``kitaru model register``) or ``provider/model``; without it,
    ``KITARU_DEFAULT_MODEL``, then the registry's default alias. The key comes from the
    environment (``OPENAI_API_KEY``, ...) or else from the alias's linked secret. In a
    flow body the call runs as its own checkpoint (and returns what a checkpoint call
    returns there); in a checkpoint it runs inline and is recorded; elsewhere it is a
    plain call. ``KITARU_LLM_MOCK_RESPONSE`` answers with its text, without a call.
    """
    messages = to_messages(prompt, system)
    if recording.in_flow_body():
        from kitaru.llm.step import llm_call

        step: Any = llm_call
        return step(  # type: ignore[no-any-return]
            prompt,
            model=model,
            system=system,
            temperature=temperature,
            max_tokens=max_tokens,
            name=name,
            id=name,
        )
    context = recording.step_context()
    mock = os.environ.get(MOCK_VARIABLE)
    if mock is not None:
        _warn_mocked()
    resolved = _mocked(model) if mock is not None else resolve_model(model, load_registry())
    alias = resolved.alias.name if resolved.alias else None
    call_name = recording.label(name, alias)
    if context is not None:
        recording.refuse_values("prompt", call_name, messages)
    started = time.perf_counter()
    if mock is not None:
        details: dict[str, Any] = {"input_tokens": None, "output_tokens": None}
        text, details["credential_source"] = mock, MOCK
    else:
        options = {"temperature": temperature, "max_tokens": max_tokens}
        text, details = _call_provider(resolved, messages, options)
    latency_ms = round((time.perf_counter() - started) * 1000, 3)
    if context is not None:
        recording.refuse_values("response", call_name, text)
        entry: dict[str, Any] = {"name": call_name, "model": resolved.model, "alias": alias}
        entry.update(details)
        entry["latency_ms"] = latency_ms
        recording.record(context, call_name, messages, text, entry)
    return text
