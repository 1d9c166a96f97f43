"""``@checkpoint`` and ``@flow``: ZenML's ``step`` and ``pipeline`` plus the leak guard.

ZenML is the engine; these only wrap the user's function. zenml is imported when a
function is decorated, never when kitaru is imported.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, overload

from kitaru.errors import SecretLeakError
from kitaru.runtime.exceptions import mask_exception
from kitaru.runtime.reads import all_reads, reading_scope
from kitaru.runtime.scan import SecretRead, find_secret
from kitaru.runtime.streams import masked_streams

if TYPE_CHECKING:
    from zenml.pipelines.pipeline_definition import Pipeline
    from zenml.steps import BaseStep

F = TypeVar("F", bound=Callable[..., Any])

T = TypeVar("T")

# True while a flow's body runs: checkpoints called then become ZenML step invocations.
_in_flow: ContextVar[bool] = ContextVar("kitaru_in_flow", default=False)
# Leak errors raised by checkpoints of the flow running in this context, so the flow can
# re-raise one instead of ZenML's generic "step failed" error.
_flow_leaks: ContextVar[list[SecretLeakError] | None] = ContextVar("kitaru_leaks", default=None)
# The (masked) exceptions checkpoints of that flow raised, so the flow's failure can name
# its cause: ZenML's "step failed" error has none.
_flow_errors: ContextVar[list[BaseException] | None] = ContextVar("kitaru_errors", default=None)


def in_flow_body() -> bool:
    """True while a flow's body runs in this context (its checkpoint calls become steps)."""
    return _in_flow.get()


class Checkpoint:
    """Marks the ZenML steps made by ``@checkpoint`` (``isinstance(obj, Checkpoint)``)."""


class Flow:
    """Marks the ZenML pipelines made by ``@flow`` (``isinstance(obj, Flow)``)."""


def _leak_error(checkpoint: str, read: SecretRead) -> SecretLeakError:
    return SecretLeakError(
        f"checkpoint '{checkpoint}' returned the value of key '{read.key}' of secret "
        f"'{read.secret}'; ZenML would store it as a plain-text artifact. Return something "
        "derived from it, or declare @checkpoint(allow_secret_output=True) if that is intended"
    )


def _parameter_error(target: str, read: SecretRead) -> SecretLeakError:
    return SecretLeakError(
        f"the value of key '{read.key}' of secret '{read.secret}' is passed to {target}; "
        "ZenML would store it as a plain-text parameter. Call get_secret inside the "
        "checkpoint instead"
    )


def _raise(error: SecretLeakError) -> NoReturn:
    watching = _flow_leaks.get()
    if watching is not None:
        watching.append(error)
    raise error


def raise_leak(error: SecretLeakError) -> NoReturn:
    """Raise ``error`` so that the flow running it re-raises it, not "step failed"."""
    _raise(error)


def _guard(result: Any, checkpoint: str, reads: list[SecretRead], allow: bool) -> Any:
    if not allow:
        leaked = find_secret(result, reads)
        if leaked is not None:
            _raise(_leak_error(checkpoint, leaked))
    return result


def _masked_failure(error: BaseException) -> BaseException | None:
    """Mask what ``error`` says before ZenML records it; a stand-in to raise instead, if
    it could not be masked in place."""
    masked = mask_exception(error)
    failures = _flow_errors.get()
    if failures is not None:
        failures.append(masked)
    if masked is error or not isinstance(error, Exception):
        return None
    return masked


def guarded(func: F, checkpoint: str, allow_secret_output: bool = False) -> F:
    """``func`` remembering the values it reads, masking them in what it prints and
    raises, and refusing to return any of them."""
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with reading_scope() as reads, masked_streams():
                try:
                    result = await func(*args, **kwargs)
                except BaseException as error:
                    stand_in = _masked_failure(error)
                    if stand_in is None:
                        raise
                else:
                    return _guard(result, checkpoint, reads, allow_secret_output)
            raise stand_in  # outside the handler, so it does not chain the original

        return run_async  # type: ignore[return-value]

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        with reading_scope() as reads, masked_streams():
            try:
                result = func(*args, **kwargs)
            except BaseException as error:
                stand_in = _masked_failure(error)
                if stand_in is None:
                    raise
            else:
                return _guard(result, checkpoint, reads, allow_secret_output)
        raise stand_in  # outside the handler, so it does not chain the original

    return run  # type: ignore[return-value]


def _call_checkpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
    """Inside a flow, hand the call to ZenML; outside, just run the function.

    (ZenML alone would run a step called outside a pipeline as a one-step pipeline.)
    """
    if _in_flow.get():
        leaked = find_secret((args, kwargs), all_reads())
        if leaked is not None:
            _raise(_parameter_error(f"checkpoint '{self.name}'", leaked))
        return super(Checkpoint, self).__call__(*args, **kwargs)
    return self.entrypoint(*args, **kwargs)


def _call_flow(self: Any, *args: Any, **kwargs: Any) -> Any:
    """Run the pipeline; if a checkpoint leaked, say so rather than "step failed"."""
    leaked = find_secret((args, kwargs), all_reads())
    if leaked is not None:
        raise _parameter_error(f"flow '{self.name}'", leaked)
    leaks: list[SecretLeakError] = []
    failures: list[BaseException] = []
    tokens = _flow_leaks.set(leaks), _flow_errors.set(failures)
    try:
        return super(Flow, self).__call__(*args, **kwargs)
    except Exception as error:
        if leaks:
            raise SecretLeakError(leaks[0].message) from None
        if failures and error.__cause__ is None and error not in failures:
            raise error from failures[0]
        raise
    finally:
        _flow_leaks.reset(tokens[0])
        _flow_errors.reset(tokens[1])


def _with_call(built: T, marker: type, call: Callable[..., Any]) -> T:
    """Give an object ZenML built a subclass that only replaces ``__call__``.

    ZenML still sees its own step or pipeline: it reloads it from source, deep-copies
    it and configures it as usual.
    """
    base = type(built)
    namespace = {"__call__": call, "__module__": base.__module__, "__qualname__": base.__qualname__}
    built.__class__ = type(base.__name__, (marker, base), namespace)
    return built


@overload
def checkpoint(func: Callable[..., Any], /) -> BaseStep: ...


@overload
def checkpoint(
    *, allow_secret_output: bool = False, **step_options: Any
) -> Callable[[Callable[..., Any]], BaseStep]: ...


def checkpoint(
    func: Callable[..., Any] | None = None,
    /,
    *,
    allow_secret_output: bool = False,
    **step_options: Any,
) -> BaseStep | Callable[[Callable[..., Any]], BaseStep]:
    """A unit of work: a ZenML step inside a flow, a plain call outside one.

    It fails with ``SecretLeakError`` if it returns a value it read with ``get_secret``,
    because ZenML stores step outputs as artifacts in plain text; pass
    ``allow_secret_output=True`` when that is intended. Inside a flow, it also fails if
    an argument holds a value read with ``get_secret`` (ZenML would store it as a
    parameter). Other options go to ``zenml.step`` unchanged (``name``, ``enable_cache``,
    ``retry``, ...).
    """

    def decorate(func: Callable[..., Any]) -> BaseStep:
        from kitaru.store.compat import check_client, with_resolved_signature

        check_client()  # a ZenML outside the range: one line, before any of it loads
        from zenml import step

        name = step_options.get("name") or func.__name__
        entrypoint = with_resolved_signature(guarded(func, name, allow_secret_output), func)
        zen_step: BaseStep = step(**step_options)(entrypoint)
        return _with_call(zen_step, Checkpoint, _call_checkpoint)

    return decorate if func is None else decorate(func)


def _flow_body(func: F) -> F:
    @functools.wraps(func)
    def body(*args: Any, **kwargs: Any) -> Any:
        token = _in_flow.set(True)
        try:
            with masked_streams():
                return func(*args, **kwargs)
        finally:
            _in_flow.reset(token)

    return body  # type: ignore[return-value]


@overload
def flow(func: Callable[..., Any], /) -> Pipeline: ...


@overload
def flow(**pipeline_options: Any) -> Callable[[Callable[..., Any]], Pipeline]: ...


def flow(
    func: Callable[..., Any] | None = None, /, **pipeline_options: Any
) -> Pipeline | Callable[[Callable[..., Any]], Pipeline]:
    """A ZenML pipeline whose body calls checkpoints; calling it runs it on the active stack.

    Options go to ``zenml.pipeline`` unchanged. Calling the flow returns what ZenML
    returns (the pipeline run); a checkpoint's ``SecretLeakError`` is re-raised as such
    when the orchestrator runs steps in this process (the default local one does). A
    call with an argument holding a value read with ``get_secret`` fails before the run.
    """

    def decorate(func: Callable[..., Any]) -> Pipeline:
        from kitaru.store.compat import check_client

        check_client()  # a ZenML outside the range: one line, before any of it loads
        from zenml import pipeline

        built: Pipeline = pipeline(**pipeline_options)(_flow_body(func))
        return _with_call(built, Flow, _call_flow)

    return decorate if func is None else decorate(func)
