"""Remembered values never reach a log record's text."""

from __future__ import annotations

import logging
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.runtime.redact import MASK, MIN_LENGTH, redact, remember_values

log = logging.getLogger("tests.runtime.redact")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def test_messages_arguments_and_extras_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    value = unique("redact-canary")
    remember_values([value])
    caplog.set_level(logging.DEBUG)
    log.info("token=%s", value)
    log.info(f"inline {value}")
    log.info("mapping %(t)s", {"t": value})
    log.info("stack %s", value, stack_info=True)
    assert value not in caplog.text
    assert caplog.text.count(MASK) == 4
    assert all(value not in record.getMessage() for record in caplog.records)
    assert caplog.records[0].getMessage() == f"token={MASK}"


def test_tracebacks_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    value = unique("exc-canary")
    remember_values([value])
    try:
        raise ValueError(f"bad credential {value}")
    except ValueError:
        log.exception("call failed")
    assert value not in caplog.text
    assert f"ValueError: bad credential {MASK}" in caplog.text


def test_broken_log_calls_drop_their_arguments(caplog: pytest.LogCaptureFixture) -> None:
    value = unique("broken-canary")
    remember_values([value])
    log.warning("two placeholders %s %s", value)
    assert value not in caplog.text


def test_multiline_values_are_masked_line_by_line() -> None:
    first, second = unique("line-one"), unique("line-two")
    remember_values([f"{first}\n{second}\n"])
    assert redact(f"a {second} b") == f"a {MASK} b"
    assert redact(f"{first}\n{second}\n") == MASK


def test_short_values_are_not_masked() -> None:
    remember_values(["ab", "x" * (MIN_LENGTH - 1)])
    assert redact("ab xxx") == "ab xxx"


def test_values_of_whitespace_around_too_little_are_not_masked() -> None:
    """A co-user's public value of four spaces would mask every indentation."""
    remember_values(["    ", "\n\n\n\n", " \t ab \n"])
    text = "def f():\n    return 1\n\n\n\n\n ab \n"
    assert redact(text) == text


def test_unrelated_records_are_untouched(caplog: pytest.LogCaptureFixture) -> None:
    remember_values([unique("unrelated")])
    caplog.set_level(logging.INFO)
    log.info("count %d of %s", 3, "things")
    record = caplog.records[0]
    assert record.args == (3, "things")


@given(
    st.lists(st.text(min_size=MIN_LENGTH, max_size=12), min_size=1, max_size=4),
    st.lists(st.text(max_size=10), max_size=5),
)
def test_no_remembered_value_survives(values: list[str], filler: list[str]) -> None:
    remember_values(values)
    text = "|".join(filler + values + filler[::-1])
    masked = redact(text)
    for value in values:
        for part in [value, *(line.strip() for line in value.splitlines())]:
            if len(part.strip()) >= MIN_LENGTH:
                assert part not in masked
