"""Team regexes (``key-pattern``, ``secret-name-pattern``) whose matching work is bounded.

A config file arrives by pull request, and Python's ``re`` backtracks: ``(a+)+$`` takes
exponential time on a long name. So a pattern is refused unless its shape keeps matching
linear or close to it: at most ``MAX_PATTERN`` characters, no backreferences, and inside a
repetition neither an alternation nor another repetition, except the common separated form
``(_[A-Z0-9]+)*`` where the repeated part starts with a character its inner repetition
cannot match. Outside repetitions, choices still multiply: ``a?a?...a?aa...a`` and
``(a|aa)(a|aa)...`` are exponential in their own length, ``a*a*a*a*`` polynomial in the
name's. So the ways a pattern can split a name are estimated (each optional part 2, each
alternation its number of branches, each ranged repetition its number of lengths up to
``MAX_SUBJECT``, multiplied along the pattern) and must stay within ``MAX_SPLITS``. A
single-character repetition followed by a character it cannot match (``[a-z]+_``) counts
once: where it stops is forced. Patterns must match the whole name (``fullmatch``); names
and keys longer than ``MAX_SUBJECT`` characters are not matched at all (the naming rules
refuse them).
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
MAX_SPLITS = 2**18  # a?{18} or [a-z]*[a-z]* plus a choice: well under 0.1 s a name


class UnsafePattern(ValueError):
    """Why a pattern is refused (the message quotes nothing of it)."""


def _op(name: str) -> Any:
    return getattr(_sre, name, None)


_REPEATS = {_op("MAX_REPEAT"), _op("MIN_REPEAT"), _op("POSSESSIVE_REPEAT")} - {None}
_SUBPATTERN = _op("SUBPATTERN")
_BRANCH = _op("BRANCH")
_GROUPREFS = {_op("GROUPREF"), _op("GROUPREF_EXISTS")} - {None}
_LITERAL = _op("LITERAL")
_NOT_LITERAL = _op("NOT_LITERAL")
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
    if op == _NOT_LITERAL:
        return bool(arg != char)
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


def _check(sequence: Any, forcing: bool = True) -> None:
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
            if _has(body, _REPEATS) and not (forcing and _separated(body)):
                raise UnsafePattern(
                    "a repetition inside a repetition, such as (a+)+, can take exponential "
                    "time; write it without nesting (or as (_[A-Z0-9]+)*)"
                )
        for child in _children(op, arg):
            _check(child, forcing)


def _chars(op: Any, arg: Any) -> list[int] | None:
    """The characters a LITERAL item matches in either case (None: not a plain literal)."""
    if op != _LITERAL:
        return None
    char = chr(arg)
    return sorted({ord(c) for c in (char, char.lower(), char.upper()) if len(c) == 1})


def _forced(item: tuple[Any, Any], following: tuple[Any, Any] | None) -> bool:
    """A one-character repetition followed by a literal it cannot match: its end is forced."""
    op, arg = item
    if following is None or op not in _REPEATS:
        return False
    body = _items(arg[2])
    chars = _chars(*following)
    if len(body) != 1 or chars is None or _children(*body[0]):
        return False
    return not any(_may_match(*body[0], char) for char in chars)


def _ignores_case(sequence: Any) -> bool:
    """Does a ``(?i:...)`` group sit anywhere in ``sequence``?"""
    for op, arg in _items(sequence):
        if op == _SUBPATTERN and arg[1] & re.IGNORECASE:
            return True
        if any(_ignores_case(child) for child in _children(op, arg)):
            return True
    return False


def _splits(sequence: Any, forcing: bool = True) -> int:
    """About how many ways ``sequence`` can split a subject (see the module's text).
    ``forcing``: whether a stop may count as forced (not under IGNORECASE, whose Unicode
    folding lets the Kelvin sign match "k" and "K")."""
    total = 1
    items = _items(sequence)
    for index, (op, arg) in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        factor = 1
        if op in _REPEATS:
            low, high = arg[0], min(arg[1], MAX_SUBJECT + 1)
            if not (forcing and _forced((op, arg), following)):
                factor = max(high - low, 0) + 1
            if not _separated(arg[2]):  # the separated form's inner split is forced
                factor *= _splits(arg[2], forcing)
        elif op == _BRANCH:
            factor = sum(_splits(child, forcing) for child in _children(op, arg))
        else:
            for child in _children(op, arg):
                factor *= _splits(child, forcing)
        total = min(total * factor, MAX_SPLITS + 1)
    return total


def compile_safe(text: str) -> re.Pattern[str]:
    """``text`` compiled, or ``UnsafePattern`` / ``re.error`` saying why it cannot be used."""
    if len(text) > MAX_PATTERN:
        raise UnsafePattern(f"longer than {MAX_PATTERN} characters")
    compiled = re.compile(text)
    parsed = _sre.parse(text)
    # Under IGNORECASE Unicode folding lets one character match another ("\u212a", the
    # Kelvin sign, matches "k" and "K"): no separator or stop is provably unique then.
    forcing = not (parsed.state.flags & re.IGNORECASE or _ignores_case(parsed))
    _check(parsed, forcing)
    if _splits(parsed, forcing) > MAX_SPLITS:
        # choices in a row multiply: the engine may try each combination before failing
        raise UnsafePattern(
            "too many ways to split a name (optional parts, alternations and repetitions "
            "multiply); use fewer of them or separate parts with a fixed character"
        )
    return compiled


def full_match(pattern: re.Pattern[str], subject: str) -> bool:
    """Does ``pattern`` match all of ``subject``? Over-long subjects are not tried (False)."""
    return len(subject) <= MAX_SUBJECT and pattern.fullmatch(subject) is not None
