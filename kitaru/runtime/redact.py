"""Log redaction: once kitaru hands out a value, log records show it as ``***``.

A record factory (not a handler filter) is used so every record is masked where it is
made, before any handler sees it: ZenML's console and step-log handlers, pytest's
capture and handlers added later alike.

kitaru's own records keep their fixed text: the message template of a log call made in
kitaru's code is a constant no value can reach, so a value that happens to be a common
word ("False", "private") does not turn a hint like ``private=False`` into
``private=***``. Everything interpolated into it (the arguments, exception text) is
masked as in every other record, and a value that spans fixed text and an argument
masks the whole message.
"""

from __future__ import annotations

import logging
import os
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
_previous_factory: Callable[..., logging.LogRecord] | None = None
_our_factory: Callable[..., logging.LogRecord] | None = None

# Longer messages of kitaru's are masked whole: the boundary check below tries every position.
OWN_MESSAGE_LIMIT = 4096
# kitaru's own source files: only their log calls have a template known to be fixed text.
_OWN_CODE = os.path.normcase(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep
# One printf conversion as ``str % args`` reads it (``*`` widths are left to the fallback).
_CONVERSION = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[#0\- +]*\d*(?:\.\d*)?[hlL]?(?P<kind>[diouxXeEfFgGcrsa%])"
)


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


def forget_values() -> None:
    """Forget every remembered value and take the masking record factory out again.

    For tests and for processes that embed kitaru and run unrelated work in turn: values
    read before the call are no longer masked in logs or streams afterwards.
    """
    global _pattern, _installed
    with _lock:
        _values.clear()
        _pattern = None
        if _installed and logging.getLogRecordFactory() is _our_factory:
            assert _previous_factory is not None
            logging.setLogRecordFactory(_previous_factory)
            _installed = False
        # A factory installed over ours keeps calling it; it masks nothing until a value
        # is remembered again.


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
    pattern = _pattern
    if pattern is None:
        return
    try:
        message = record.getMessage()
    except Exception:
        # Logging would later report the bad call with its arguments: drop them here.
        message = _safe_str(record.msg)
        record.msg, record.args = redact(message), ()
    else:
        masked = _redact_own_message(record, message, pattern)
        if masked is None:
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


def _from_kitaru(record: logging.LogRecord) -> bool:
    """The record was made by a log call in kitaru's own code, on a kitaru logger."""
    if record.name != "kitaru" and not record.name.startswith("kitaru."):
        return False
    if not isinstance(record.msg, str) or not record.pathname:
        return False
    return os.path.normcase(os.path.abspath(record.pathname)).startswith(_OWN_CODE)


def _pieces(template: str, args: Any) -> list[tuple[str, bool]] | None:
    """``template % args`` as (text, fixed) pieces, or None when it cannot be split."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    index = 0
    for conversion in _CONVERSION.finditer(template):
        pieces.append((template[position : conversion.start()], True))
        position = conversion.end()
        spec, key = conversion.group(0), conversion.group("key")
        if conversion.group("kind") == "%":
            if spec != "%%":
                return None
            pieces.append(("%", True))
        elif key is not None:
            if not isinstance(args, dict):
                return None
            pieces.append(((spec[:1] + spec[len(key) + 3 :]) % (args[key],), False))
        else:
            if not isinstance(args, tuple) or index >= len(args):
                return None
            pieces.append((spec % (args[index],), False))
            index += 1
    pieces.append((template[position:], True))
    if isinstance(args, tuple) and index != len(args):
        return None
    return pieces


def _redact_own_message(
    record: logging.LogRecord, message: str, pattern: re.Pattern[str]
) -> str | None:
    """``message`` masked except for its fixed text, for a record made by kitaru's own
    code; None when the whole message is to be masked (any other record, or a value that
    fixed text and an argument make up together)."""
    if not _from_kitaru(record):
        return None
    if not record.args:  # logging shows the template as it is
        return message
    try:
        pieces = _pieces(record.msg, record.args)
    except Exception:
        return None
    if pieces is None or len(message) > OWN_MESSAGE_LIMIT:
        return None
    if "".join(text for text, _ in pieces) != message:
        return None
    pieces = [(text if fixed else redact(text), fixed) for text, fixed in pieces]
    masked = "".join(text for text, _ in pieces)
    # Every value occurrence must now lie inside one piece of fixed text (the arguments
    # hold none after masking): one that reaches across a boundary masks everything.
    fixed_spans: list[tuple[int, int]] = []
    start = 0
    for text, fixed in pieces:
        if fixed:
            fixed_spans.append((start, start + len(text)))
        start += len(text)
    for begin in range(len(masked)):
        found = pattern.match(masked, begin)
        if found is not None and not any(
            low <= begin and found.end() <= high for low, high in fixed_spans
        ):
            return None
    return masked


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return "<unprintable log message>"


def _install() -> None:
    """Wrap the current record factory once (called with ``_lock`` held)."""
    global _installed, _previous_factory, _our_factory
    if _installed:
        return
    _previous_factory = logging.getLogRecordFactory()
    _our_factory = _masking_factory(_previous_factory)
    logging.setLogRecordFactory(_our_factory)
    _installed = True


def _masking_factory(
    previous: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    return factory
