"""Team regexes (``key-pattern``, ``secret-name-pattern``) whose matching work is bounded.

A config file arrives by pull request, and Python's ``re`` backtracks: ``(a+)+$`` takes
exponential time on a long name. So a pattern is refused unless its shape keeps matching
linear or close to it: at most ``MAX_PATTERN`` characters, no backreferences, and inside a
repetition neither an alternation nor another repetition, except the common separated form
``(_[A-Z0-9]+)*`` where the repeated part starts with a character its inner repetition
cannot match, and at most ``MAX_REPEATS`` repetitions in all (``a*a*a*a*a*`` is polynomial
in the name's length, to the power of their count). Patterns must match the whole name
(``fullmatch``); names and keys longer than ``MAX_SUBJECT`` characters are not matched at
all (the naming rules refuse them).
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    import re._parser as _sre  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre

MAX_PATTERN = 256
MAX_SUBJECT = 255
MAX_REPEATS = 4


class UnsafePattern(ValueError):
    """Why a pattern is refused (the message quotes nothing of it)."""


def _op(name: str) -> Any:
    return getattr(_sre, name, None)


_REPEATS = {_op("MAX_REPEAT"), _op("MIN_REPEAT"), _op("POSSESSIVE_REPEAT")} - {None}
_SUBPATTERN = _op("SUBPATTERN")
_BRANCH = _op("BRANCH")
_GROUPREFS = {_op("GROUPREF"), _op("GROUPREF_EXISTS")} - {None}
_LITERAL = _op("LITERAL")
_IN = _op("IN")
_RANGE = _op("RANGE")
_NEGATE = _op("NEGATE")
_ASSERTS = {_op("ASSERT"), _op("ASSERT_NOT"), _op("ATOMIC_GROUP")} - {None}


def _children(op: Any, arg: Any) -> list[Any]:
    """The sub-pattern sequences directly inside one parsed item."""
    if op in _REPEATS:
        return [arg[2]]
    if op == _SUBPATTERN:
        return [arg[-1]]
    if op == _BRANCH:
        return list(arg[1])
    if op in _ASSERTS:
        return [arg[-1]]
    if op in _GROUPREFS and isinstance(arg, tuple) and len(arg) == 3:
        return [part for part in arg[1:] if part is not None]
    return []


def _items(sequence: Any) -> list[tuple[Any, Any]]:
    return list(getattr(sequence, "data", sequence))


def _has(sequence: Any, wanted: set[Any]) -> bool:
    for op, arg in _items(sequence):
        if op in wanted or any(_has(child, wanted) for child in _children(op, arg)):
            return True
    return False


def _may_match(op: Any, arg: Any, char: int) -> bool:
    """Could the single-character item (op, arg) match ``char``? Unsure means yes."""
    if op == _LITERAL:
        return bool(arg == char)
    if op == _IN:
        if any(kind == _NEGATE for kind, _ in arg):
            return True
        for kind, value in arg:
            if (kind == _LITERAL and value == char) or (
                kind == _RANGE and value[0] <= char <= value[1]
            ):
                return True
            if kind not in (_LITERAL, _RANGE):
                return True  # a category such as \w: assume it may
        return False
    return True


def _separated(body: Any) -> bool:
    """``(_X+)``: a leading literal no inner repetition can match, so the split is unique."""
    items = _items(body)
    while len(items) == 1 and items[0][0] == _SUBPATTERN:
        items = _items(items[0][1][-1])
    if not items or items[0][0] != _LITERAL:
        return False
    separator = items[0][1]
    for op, arg in items[1:]:
        if op in _REPEATS:
            inner = _items(arg[2])
            if len(inner) != 1 or _may_match(*inner[0], separator):
                return False
        elif _children(op, arg):
            return False
    return True


def _check(sequence: Any) -> None:
    for op, arg in _items(sequence):
        if op in _GROUPREFS:
            raise UnsafePattern("backreferences are not allowed")
        if op in _REPEATS and arg[1] > 1:
            body = arg[2]
            if _has(body, {_BRANCH}):
                raise UnsafePattern(
                    "an alternation inside a repetition can take exponential time; "
                    "use a character class or list the whole names"
                )
            if _has(body, _REPEATS) and not _separated(body):
                raise UnsafePattern(
                    "a repetition inside a repetition, such as (a+)+, can take exponential "
                    "time; write it without nesting (or as (_[A-Z0-9]+)*)"
                )
        for child in _children(op, arg):
            _check(child)


def _repeats(sequence: Any) -> int:
    count = 0
    for op, arg in _items(sequence):
        count += op in _REPEATS and arg[1] > 1
        count += sum(_repeats(child) for child in _children(op, arg))
    return count


def compile_safe(text: str) -> re.Pattern[str]:
    """``text`` compiled, or ``UnsafePattern`` / ``re.error`` saying why it cannot be used."""
    if len(text) > MAX_PATTERN:
        raise UnsafePattern(f"longer than {MAX_PATTERN} characters")
    compiled = re.compile(text)
    parsed = _sre.parse(text)
    _check(parsed)
    if _repeats(parsed) > MAX_REPEATS:
        # n repetitions in a row can try about len(name)**n splits
        raise UnsafePattern(f"more than {MAX_REPEATS} repetitions (*, +, {{m,n}})")
    return compiled


def full_match(pattern: re.Pattern[str], subject: str) -> bool:
    """Does ``pattern`` match all of ``subject``? Over-long subjects are not tried (False)."""
    return len(subject) <= MAX_SUBJECT and pattern.fullmatch(subject) is not None
