"""Files only their owner can read, written whole or not at all.

The file is created 0600 under a temporary name beside the target (never readable by
others, even while it is written) and then linked or renamed into place, so a reader
sees the old file, nothing, or the whole new one.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path


def write_private(path: Path, text: str, *, replace: bool) -> bool:
    """Write a 0600 file atomically; without ``replace`` an existing one wins (and False
    is returned)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if replace:
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
