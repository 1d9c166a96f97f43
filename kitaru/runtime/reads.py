"""What each running checkpoint has read, fed by ``get_secret``'s read observers.

This module imports neither zenml nor the decorators, so kitaru.secrets can register
``on_secret_read`` when it is imported.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from kitaru.runtime.importing import importing_module
from kitaru.runtime.redact import forget_values, remember_values
from kitaru.runtime.scan import SecretRead

if TYPE_CHECKING:
    from kitaru.secret_models import Secret

logger = logging.getLogger("kitaru.runtime")

# One list per checkpoint running in this context, innermost last: a value read by a
# nested checkpoint is also remembered by the ones around it.
_scopes: ContextVar[tuple[list[SecretRead], ...]] = ContextVar(
    "kitaru_checkpoint_reads", default=()
)

# Every read of the process, in order, for as long as the process lives (as the log
# masking remembers values).
_all: dict[SecretRead, None] = {}
_all_lock = threading.Lock()


@contextmanager
def reading_scope() -> Iterator[list[SecretRead]]:
    """Collect every value read until the block ends (one checkpoint call)."""
    reads: list[SecretRead] = []
    token = _scopes.set((*_scopes.get(), reads))
    try:
        yield reads
    finally:
        _scopes.reset(token)


def all_reads() -> list[SecretRead]:
    """Every value this process has read, wherever: none may become a step or flow
    parameter, which ZenML stores in plain text."""
    with _all_lock:
        return list(_all)


def forget_reads() -> None:
    """Forget every value this process has read: logs no longer mask them and they may be
    passed as parameters again. For tests, and for a process that embeds kitaru and runs
    unrelated work in turn; never needed by a command or a flow."""
    with _all_lock:
        _all.clear()
    forget_values()


def on_secret_read(secret: Secret) -> None:
    """Read observer: mask the values in logs, remember them, warn on import-time reads."""
    remember_values(secret.values.values())
    reads = [SecretRead(secret.name, key, value) for key, value in secret.values.items()]
    with _all_lock:
        _all.update(dict.fromkeys(reads))
    scopes = _scopes.get()
    if scopes:
        for scope in scopes:
            scope.extend(reads)
        return
    module = importing_module()
    if module is not None:
        logger.warning(
            "secret '%s' was read while module '%s' was being imported; call get_secret "
            "inside the checkpoint or flow function body so it is read in the runtime context",
            secret.name,
            module,
        )
