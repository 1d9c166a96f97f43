"""Is a module import running right now? (secrets belong in function bodies)."""

from __future__ import annotations

import sys
from types import FrameType


def importing_module(frame: FrameType | None = None) -> str | None:
    """Name of the module whose top-level code is being imported on this stack, if any.

    importlib marks a module's spec ``_initializing`` while its body runs; a script run
    as ``__main__`` (or with ``python -m``) is not an import, and is not reported.
    """
    current: FrameType | None = frame if frame is not None else sys._getframe(1)
    while current is not None:
        if current.f_code.co_name == "<module>":
            spec = current.f_globals.get("__spec__")
            if getattr(spec, "_initializing", False):
                return str(current.f_globals.get("__name__", "?"))
        current = current.f_back
    return None
