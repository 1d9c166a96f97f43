"""Prompts as chat messages, and the system prompt apart for Anthropic."""

from __future__ import annotations

from kitaru.llm.messages import split_system, to_messages


def test_a_string_is_one_user_message_after_the_system_prompt() -> None:
    assert to_messages("hi", "terse") == [
        {"role": "system", "content": "terse"},
        {"role": "user", "content": "hi"},
    ]


def test_system_messages_are_joined_for_apis_that_take_them_apart() -> None:
    messages = to_messages(
        [{"role": "system", "content": "a"}, {"role": "user", "content": "q"}], "b"
    )
    assert split_system(messages) == ("b\n\na", [{"role": "user", "content": "q"}])
