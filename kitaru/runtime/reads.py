"""What each running checkpoint has read, fed by ``get_secret``'s read observers.

This module imports neither zenml nor the decorators, so kitaru.secrets can register
``on_secret_read`` when it is imported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from kitaru.runtime.importing import importing_module
from kitaru.runtime.redact import remember_values
from kitaru.runtime.scan import SecretRead

if TYPE_CHECKING:
    from kitaru.models import Secret

logger = logging.getLogger("kitaru.runtime")

# One list per checkpoint running in this context, innermost last: a value read by a
# nested checkpoint is also remembered by the ones around it.
_scopes: ContextVar[tuple[list[SecretRead], ...]] = ContextVar(
    "kitaru_checkpoint_reads", default=()
)


@contextmanager
def reading_scope() -> Iterator[list[SecretRead]]:
    """Collect every value read until the block ends (one checkpoint call)."""
    reads: list[SecretRead] = []
    token = _scopes.set((*_scopes.get(), reads))
    try:
        yield reads
    finally:
        _scopes.reset(token)


def current_reads() -> list[SecretRead]:
    """What the innermost running checkpoint or flow body has read so far."""
    scopes = _scopes.get()
    return scopes[-1] if scopes else []


def on_secret_read(secret: Secret) -> None:
    """Read observer: mask the values in logs, remember them, warn on import-time reads."""
    remember_values(secret.values.values())
    scopes = _scopes.get()
    if scopes:
        reads = [SecretRead(secret.name, key, value) for key, value in secret.values.items()]
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
