"""What a checkpoint prints is masked like its log records.

ZenML keeps a step's printed output in the step's stored logs: it replaces the ``write``
of ``sys.stdout``/``sys.stderr`` and builds log records itself, past the record factory
that masks logging calls. So while a checkpoint runs, text written to those streams is
passed through ``redact`` first, on its way to ZenML and the console alike. Only the
checkpoint's own context is masked (a command that prints values on request is not),
and only whole values within one ``write`` call, which is how ``print`` writes a string.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any

from kitaru.runtime.redact import redact

_masking: ContextVar[bool] = ContextVar("kitaru_mask_streams", default=False)
MARK = "_kitaru_masks_values"


def _masked(write: Callable[[str], Any]) -> Callable[[str], Any]:
    def masked_write(text: str) -> Any:
        if _masking.get() and isinstance(text, str):
            text = redact(text)
        return write(text)

    setattr(masked_write, MARK, True)
    return masked_write


def _wrap(stream: Any) -> None:
    """Put the masking ``write`` in front of the stream's current one, once per stream."""
    write = getattr(stream, "write", None)
    if write is None or getattr(write, MARK, False):
        return
    with suppress(AttributeError, TypeError):  # a stream that takes no attributes stays as is
        stream.write = _masked(write)


@contextmanager
def masked_streams() -> Iterator[None]:
    """Mask remembered values in stdout/stderr writes made in this context (and in the
    prints older ZenML clients store apart from the streams: kitaru.store.compat)."""
    from kitaru.store.compat import mask_zenml_prints

    _wrap(sys.stdout)
    _wrap(sys.stderr)
    mask_zenml_prints(_masking.get, redact)
    token = _masking.set(True)
    try:
        yield
    finally:
        _masking.reset(token)
