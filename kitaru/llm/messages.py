"""A prompt as chat messages: a string, or a list of ``{"role", "content"}`` mappings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kitaru.errors import UsageError

ROLES = ("system", "user", "assistant")
Messages = list[dict[str, str]]


def to_messages(prompt: str | Sequence[Mapping[str, Any]], system: str | None) -> Messages:
    """The conversation to send, ``system`` first when given; one line for bad input."""
    if isinstance(prompt, str):
        messages = [{"role": "user", "content": prompt}]
    elif isinstance(prompt, Sequence) and not isinstance(prompt, (bytes, bytearray)):
        messages = []
        for index, message in enumerate(prompt):
            if not isinstance(message, Mapping):
                raise UsageError(f"llm(): prompt message {index} is not a mapping")
            role, content = message.get("role"), message.get("content")
            if role not in ROLES:
                raise UsageError(
                    f"llm(): prompt message {index} has no role among {', '.join(ROLES)}"
                )
            if not isinstance(content, str):
                raise UsageError(f"llm(): prompt message {index} has no text content")
            messages.append({"role": str(role), "content": content})
        if not messages:
            raise UsageError("llm(): the prompt has no messages")
    else:
        raise UsageError("llm(): prompt must be a string or a list of chat messages")
    if system is not None:
        if not isinstance(system, str):
            raise UsageError("llm(): system must be a string")
        messages.insert(0, {"role": "system", "content": system})
    return messages


def split_system(messages: Messages) -> tuple[str | None, Messages]:
    """For APIs that take the system prompt apart (Anthropic): its text and the rest."""
    system = [m["content"] for m in messages if m["role"] == "system"]
    rest = [m for m in messages if m["role"] != "system"]
    return ("\n\n".join(system) if system else None), rest
