"""kitaru: centralized secrets in a ZenML secret store.

Importing kitaru is cheap: the SDK is loaded on first use and zenml only when a
store is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kitaru.lazy import keep_over_submodules, lazy_exports

if TYPE_CHECKING:
    from kitaru.errors import KitaruError, SecretLeakError
    from kitaru.llm.call import llm
    from kitaru.runtime import checkpoint, flow
    from kitaru.secret_models import Secret, SecretSummary
    from kitaru.secrets import (
        create_secret,
        delete_secret,
        get_secret,
        list_secrets,
        secret_environment,
        set_secret,
    )

__version__ = "0.1.0"

_EXPORTS = {
    "create_secret": "kitaru.secrets",
    "set_secret": "kitaru.secrets",
    "get_secret": "kitaru.secrets",
    "list_secrets": "kitaru.secrets",
    "delete_secret": "kitaru.secrets",
    "secret_environment": "kitaru.secrets",
    "Secret": "kitaru.secret_models",
    "SecretSummary": "kitaru.secret_models",
    "KitaruError": "kitaru.errors",
    "SecretLeakError": "kitaru.errors",
    "checkpoint": "kitaru.runtime",
    "flow": "kitaru.runtime",
    "llm": "kitaru.llm.call",
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
    "llm",
    "secret_environment",
    "set_secret",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
keep_over_submodules(__name__, ("llm",))  # kitaru.llm is the function; its package too
