"""Log redaction: once kitaru hands out a value, log records show it as ``***``.

A record factory (not a handler filter) is used so every record is masked where it is
made, before any handler sees it: ZenML's console and step-log handlers, pytest's
capture and handlers added later alike.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any

MASK = "***"
# Shorter values match too much ordinary text to be masked (or searched for) safely.
MIN_LENGTH = 4

_lock = threading.Lock()
_values: set[str] = set()
_pattern: re.Pattern[str] | None = None
_installed = False


def substantial(text: str) -> bool:
    """Long enough to look for inside other text: ``MIN_LENGTH`` characters besides
    surrounding whitespace."""
    return len(text.strip()) >= MIN_LENGTH


def maskable(value: str) -> list[str]:
    """The strings to hide for one value: itself and each line of a multi-line value.

    Each needs ``MIN_LENGTH`` characters besides surrounding whitespace: a value of four
    spaces or newlines (a co-user's public value, a careless one) would otherwise mask the
    indentation and blank lines of every log and output.
    """
    parts = [value, *(line.strip() for line in value.splitlines())]
    return [part for part in dict.fromkeys(parts) if substantial(part)]


def remember_values(values: Iterable[str]) -> None:
    """Mask these values in every log record from now on, for the life of the process."""
    global _pattern
    new = {part for value in values for part in maskable(value)}
    with _lock:
        new -= _values
        if not new:
            return
        _values.update(new)
        # Longest first, so a value that contains another is masked whole.
        ordered = sorted(_values, key=lambda v: (-len(v), v))
        _pattern = re.compile("|".join(re.escape(v) for v in ordered))
        _install()


def redact(text: str) -> str:
    """``text`` with every remembered value replaced by ``***``."""
    pattern = _pattern
    if pattern is None:
        return text
    # Repeat until stable: a mask can complete a value that contains '*'. Each pass that
    # changes anything makes the text shorter, so this ends.
    while True:
        masked = pattern.sub(MASK, text)
        if masked == text:
            return text
        text = masked


def redact_record(record: logging.LogRecord) -> None:
    """Mask the message (with its arguments), traceback and stack of one record.

    ``extra=`` attributes are set after the factory returns, so they are not masked.
    """
    if _pattern is None:
        return
    try:
        message = record.getMessage()
    except Exception:
        # Logging would later report the bad call with its arguments: drop them here.
        message = _safe_str(record.msg)
        record.msg, record.args = redact(message), ()
    else:
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
    if record.exc_info and record.exc_info[1] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        masked = redact(text)
        if masked != text:
            # Formatters would re-render the live exception; hand them the masked text.
            record.exc_info, record.exc_text = None, masked
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return "<unprintable log message>"


def _install() -> None:
    """Wrap the current record factory once (called with ``_lock`` held)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()
    logging.setLogRecordFactory(_masking_factory(previous))
    _installed = True


def _masking_factory(
    previous: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    return factory
