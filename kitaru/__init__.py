"""kitaru: centralized secrets in a ZenML secret store.

Importing kitaru is cheap: the SDK is loaded on first use and zenml only when a
store is opened.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kitaru.errors import KitaruError, SecretLeakError
    from kitaru.models import Secret, SecretSummary
    from kitaru.runtime import checkpoint, flow
    from kitaru.secrets import (
        create_secret,
        delete_secret,
        get_secret,
        list_secrets,
        set_secret,
    )

__version__ = "0.1.0"

_EXPORTS = {
    "create_secret": "kitaru.secrets",
    "set_secret": "kitaru.secrets",
    "get_secret": "kitaru.secrets",
    "list_secrets": "kitaru.secrets",
    "delete_secret": "kitaru.secrets",
    "Secret": "kitaru.models",
    "SecretSummary": "kitaru.models",
    "KitaruError": "kitaru.errors",
    "SecretLeakError": "kitaru.errors",
    "checkpoint": "kitaru.runtime",
    "flow": "kitaru.runtime",
}

__all__ = [
    "KitaruError",
    "Secret",
    "SecretLeakError",
    "SecretSummary",
    "checkpoint",
    "create_secret",
    "delete_secret",
    "flow",
    "get_secret",
    "list_secrets",
    "set_secret",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kitaru' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
