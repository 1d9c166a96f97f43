"""Remembered values never reach a log record's text."""

from __future__ import annotations

import ast
import logging
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kitaru
from kitaru.runtime.redact import (
    MASK,
    MIN_LENGTH,
    OWN_MESSAGE_LIMIT,
    forget_values,
    redact,
    redact_record,
    remember_values,
)

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


KITARU_SOURCE = Path(kitaru.__file__).resolve().parent


def own_record(msg: str, args: tuple[object, ...], name: str = "kitaru") -> str:
    """The message of a record as a log call in kitaru's own code would make it."""
    record = logging.LogRecord(
        name, logging.WARNING, str(KITARU_SOURCE / "secrets.py"), 1, msg, args, None
    )
    redact_record(record)
    return record.getMessage()


def test_kitaru_fixed_text_stays_and_its_arguments_are_masked() -> None:
    remember_values(["False", "private", "secret"])
    hint = "secret '%s' shadows a public one; reach that one with private=False"
    assert own_record(hint, ("private-twin",)) == (
        f"secret '{MASK}-twin' shadows a public one; reach that one with private=False"
    )
    assert own_record("%(who)s: private=False", ({"who": "secret"},)) == f"{MASK}: private=False"
    assert own_record("100%% private=%d", (3,)) == "100% private=3"


def test_other_records_with_the_same_text_are_masked_whole() -> None:
    remember_values(["False"])
    outside = logging.LogRecord(
        "kitaru", logging.WARNING, __file__, 1, "private=False %s", ("x",), None
    )
    redact_record(outside)
    assert outside.getMessage() == f"private={MASK} x"
    assert own_record("private=False %s", ("x",), name="zenml") == f"private={MASK} x"


def test_a_value_made_of_fixed_text_and_an_argument_masks_the_whole_message() -> None:
    value = unique("private=")
    remember_values([value])
    masked = own_record("reach it with private=%s", (value.removeprefix("private="),))
    assert masked == f"reach it with {MASK}"
    assert value not in masked


@given(
    st.lists(st.text(min_size=MIN_LENGTH, max_size=8), min_size=1, max_size=3),
    st.text(alphabet="abcFalse=%s ", max_size=20),
    st.lists(st.text(alphabet="abcFalse=*", max_size=8), max_size=3),
)
def test_a_value_shows_in_a_kitaru_message_only_inside_its_fixed_text(
    values: list[str], template: str, args: list[str]
) -> None:
    """Whatever the template and arguments, each value left in the message is one that
    the fixed text itself holds."""
    forget_values()
    remember_values(values)
    try:
        masked = own_record(template, tuple(args))
    except (TypeError, ValueError):  # not a valid call for these arguments
        return
    for value in values:
        for part in [value, *(line.strip() for line in value.splitlines())]:
            if len(part) >= MIN_LENGTH and part in masked:
                assert part in template.replace("%%", "%")


def test_forgotten_values_are_shown_again_and_the_factory_is_taken_out() -> None:
    forget_values()
    before = logging.getLogRecordFactory()
    value = unique("forget-me")
    remember_values([value])
    assert logging.getLogRecordFactory() is not before
    assert redact(value) == MASK
    forget_values()
    assert redact(value) == value
    assert logging.getLogRecordFactory() is before


LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}


def test_kitaru_log_calls_have_fixed_templates() -> None:
    """kitaru's own records keep their template unmasked: so every template must be a
    string literal (values go in as %-arguments, which are masked), never an f-string."""
    offenders = []
    for path in sorted(KITARU_SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            if not (isinstance(receiver, ast.Name) and receiver.id in ("log", "logger", "logging")):
                continue
            method = node.func.attr
            position = 1 if method == "log" else 0
            if method not in LOG_METHODS | {"log"} or len(node.args) <= position:
                continue
            template = node.args[position]
            if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
                offenders.append(f"{path.relative_to(KITARU_SOURCE)}:{node.lineno}")
    assert offenders == []


def test_a_kitaru_message_without_arguments_is_all_fixed_text() -> None:
    remember_values(["False"])
    assert own_record("use private=False", ()) == "use private=False"


def test_a_long_kitaru_message_is_masked_whole() -> None:
    remember_values(["False"])
    long_name = "n" * OWN_MESSAGE_LIMIT
    assert own_record("private=False %s", (long_name,)) == f"private={MASK} {long_name}"
