"""A checkpoint's exceptions are masked in place, chain and all, before ZenML sees them."""

from __future__ import annotations

import builtins
import traceback
import uuid
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.runtime import checkpoint
from kitaru.runtime.exceptions import mask_exception
from kitaru.runtime.redact import MASK, remember_values

VALUE = f"exc-canary-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def value_was_read() -> None:
    """VALUE was handed out (tests/isolation.py forgets it after each test)."""
    remember_values([VALUE])


class AttributeMessage(Exception):
    def __init__(self, token: str) -> None:
        super().__init__("no value in args")
        self.token = token

    def __str__(self) -> str:
        return f"rejected {self.token}"


class HiddenMessage(Exception):
    """Its text comes from nowhere kitaru can reach (a closure): only the class can change."""

    def __init__(self, render: Callable[[], str]) -> None:
        super().__init__()
        self.render = render

    def __str__(self) -> str:
        return self.render()


class Unprintable(Exception):
    def __str__(self) -> str:
        raise ValueError(VALUE)


def shapes(value: str) -> list[BaseException]:
    noted = ValueError("see the note")
    noted.__notes__ = [f"token was {value}"]  # what add_note does (Python 3.11+)
    found: list[BaseException] = [
        RuntimeError(f"auth failed with token {value}"),
        KeyError(value),
        ValueError({"headers": {"Authorization": f"Bearer {value}"}}),
        ValueError("two args", value, 3),
        OSError(2, f"cannot open {value}", f"/tmp/{value}"),
        FileNotFoundError(2, "missing", value),
        AttributeMessage(value),
        HiddenMessage(lambda: f"hidden {value}"),
        noted,
        SystemExit(f"exit {value}"),
        Unprintable(),
    ]
    group = getattr(builtins, "ExceptionGroup", None)  # Python 3.11+
    if group is not None:
        found.append(group("several", [RuntimeError(value), KeyError(value)]))
    return found


def chained(error: BaseException, how: str) -> BaseException:
    """``error`` raised from (or while handling) an error whose text holds the value."""
    inner = RuntimeError(f"inner {VALUE}")
    outer = RuntimeError(f"outer {VALUE}")
    try:
        try:
            raise inner
        except RuntimeError as caught:
            if how == "cause":
                raise error from caught
            if how == "context":
                raise error  # noqa: B904 - the implicit chain is the point
            raise outer from error
    except BaseException as raised:
        return raised
    raise AssertionError("unreachable")


def formatted(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


@given(
    st.sampled_from(range(len(shapes(VALUE)))),
    st.sampled_from(["none", "cause", "context", "wrap"]),
)
def test_no_shape_or_chain_keeps_the_value(index: int, how: str) -> None:
    original = shapes(VALUE)[index]
    error = original if how == "none" else chained(original, how)
    masked = mask_exception(error)
    assert VALUE not in formatted(masked)
    link: BaseException | None = masked
    while link is not None:
        assert VALUE not in formatted(link) and VALUE not in repr(link.args)
        link = link.__cause__ or link.__context__
    assert masked is error  # masked in place: type, identity, traceback and chain kept


def test_messages_are_masked_not_dropped() -> None:
    error = mask_exception(RuntimeError(f"auth failed with token {VALUE}"))
    assert str(error) == f"auth failed with token {MASK}"
    assert str(mask_exception(KeyError(VALUE))) == repr(MASK)
    os_error = mask_exception(OSError(2, f"cannot open {VALUE}", VALUE))
    assert str(os_error) == f"[Errno 2] cannot open {MASK}: '{MASK}'"
    hidden = mask_exception(HiddenMessage(lambda: f"hidden {VALUE}"))
    assert isinstance(hidden, HiddenMessage) and str(hidden) == f"hidden {MASK}"


def test_unrelated_exceptions_are_untouched() -> None:
    error = ValueError("count", 3, {"k": "v"})
    assert mask_exception(error) is error and error.args == ("count", 3, {"k": "v"})


def test_a_text_that_cannot_be_masked_in_place_is_replaced() -> None:
    """Text from a global, in a class whose layout forbids swapping its class: a
    RuntimeError with the masked text stands in, the rest of the chain kept."""

    class Slotted(Exception):
        __slots__ = ()

        def __str__(self) -> str:
            return f"slotted {VALUE}"

    cause = KeyError(VALUE)
    error = Slotted()
    error.__cause__ = cause
    masked = mask_exception(error)
    assert type(masked) is RuntimeError and VALUE not in formatted(masked)
    assert str(masked).endswith(f"Slotted: slotted {MASK}")
    assert masked.__cause__ is cause and str(cause) == repr(MASK)


def test_a_checkpoint_call_raises_the_masked_exception_itself() -> None:
    @checkpoint
    def fails() -> None:
        try:
            raise AttributeMessage(VALUE)
        except AttributeMessage as rejected:
            raise RuntimeError(f"auth failed with token {VALUE}") from rejected

    with pytest.raises(RuntimeError) as caught:
        fails()
    assert str(caught.value) == f"auth failed with token {MASK}"
    assert isinstance(caught.value.__cause__, AttributeMessage)
    assert str(caught.value.__cause__) == f"rejected {MASK}"
    assert VALUE not in formatted(caught.value)


def test_an_async_checkpoint_raises_the_masked_exception() -> None:
    import asyncio

    @checkpoint
    async def fails() -> None:
        await asyncio.sleep(0)
        raise KeyError(VALUE)

    with pytest.raises(KeyError) as caught:
        asyncio.run(fails())
    assert caught.value.args == (MASK,) and VALUE not in formatted(caught.value)
