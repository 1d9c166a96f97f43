"""A checkpoint's exception is masked like its log records, before ZenML records it.

ZenML stores a failed step's formatted traceback and ``str(exception)`` in its database
and step logs. Tracebacks hold exception text and source lines, never locals, so masking
the text of every exception in the chain is enough. It is done in place, so the type,
identity, traceback and chain the user raised survive; only an exception whose text
cannot be masked that way is replaced by a ``RuntimeError`` with the masked text.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from contextlib import suppress

from kitaru.runtime.redact import redact

# Exception attributes that are C-level descriptors (not in ``__dict__``) and part of
# the exception's text: OSError, SyntaxError, ImportError, UnicodeError.
_TEXT_ATTRIBUTES = ("strerror", "filename", "filename2", "msg", "text", "name", "path", "reason")


def _text(value: object, render: Callable[[object], str] = str) -> str:
    try:
        return render(value)
    except Exception:
        return ""


def _leaks(text: str) -> bool:
    return redact(text) != text


def _masked_arg(arg: object) -> object:
    if isinstance(arg, str):
        return redact(arg)
    if _leaks(_text(arg)) or _leaks(_text(arg, repr)):
        return redact(_text(arg))
    return arg


def _mask_in_place(error: BaseException) -> None:
    args = tuple(_masked_arg(arg) for arg in error.args)
    if args != error.args:
        with suppress(Exception):
            error.args = args
    notes = getattr(error, "__notes__", None)
    if isinstance(notes, list):
        notes[:] = [redact(note) if isinstance(note, str) else note for note in notes]
    names = [*vars(error), *_TEXT_ATTRIBUTES] if hasattr(error, "__dict__") else _TEXT_ATTRIBUTES
    for name in dict.fromkeys(names):
        value = getattr(error, name, None)
        if isinstance(value, str) and _leaks(value):
            with suppress(Exception):
                setattr(error, name, redact(value))


def _only(error: BaseException) -> str:
    try:
        return "".join(traceback.format_exception_only(type(error), error))
    except Exception:
        return ""


def _with_masked_text(error: BaseException) -> BaseException:
    """``error`` itself when its own text no longer leaks, else a stand-in."""
    if not _leaks(_only(error)):
        return error
    cls = type(error)
    text = redact(_text(error))

    # Same class, same object, text fixed (only possible for classes defined in Python).
    def masked_str(self: BaseException) -> str:
        return text

    namespace = {
        "__str__": masked_str,
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
    }
    masked_cls = type(cls.__name__, (cls,), namespace)
    with suppress(TypeError):
        error.__class__ = masked_cls
        if not _leaks(_only(error)):
            return error
        error.__class__ = cls
    stand_in = RuntimeError(redact(_only(error).strip()))
    stand_in.__cause__, stand_in.__context__ = error.__cause__, error.__context__
    stand_in.__suppress_context__ = error.__suppress_context__
    return stand_in.with_traceback(error.__traceback__)


def _mask_chain(error: BaseException, seen: set[int]) -> BaseException:
    seen.add(id(error))
    _mask_in_place(error)
    for inner in getattr(error, "exceptions", ()):  # an ExceptionGroup's members
        if isinstance(inner, BaseException) and id(inner) not in seen:
            _mask_chain(inner, seen)  # a group's member tuple is read-only: in place only
    cause, context = error.__cause__, error.__context__
    if cause is not None and id(cause) not in seen:
        error.__cause__ = _mask_chain(cause, seen)
    if context is not None and id(context) not in seen:
        masked = _mask_chain(context, seen)
        if masked is not context:
            error.__context__ = masked
    return _with_masked_text(error)


def mask_exception(error: BaseException) -> BaseException:
    """``error`` with every remembered value masked in it and in its chain.

    Returns ``error`` itself when it could be masked in place; otherwise a
    ``RuntimeError`` holding the masked text of the whole chain and no chain of its own.
    """
    masked = _mask_chain(error, set())
    try:
        text = "".join(traceback.format_exception(type(masked), masked, masked.__traceback__))
    except Exception:
        text = _only(masked)
    if not _leaks(text) and not _leaks(_text(masked)):
        return masked
    stand_in = RuntimeError(redact(text).rstrip("\n"))
    stand_in.__cause__, stand_in.__context__, stand_in.__suppress_context__ = None, None, True
    return stand_in
