"""Secret names a manifest declares, for `--target` (offline: the file only, no store).

The manifest comes from the repository (a pull request may write it): only a regular
file of at most 1 MiB is read, it is never opened in a way that could block (a FIFO),
and names that are not name-shaped are left out by the completer.
"""

from __future__ import annotations

import os
import stat
from typing import Any

MAX_BYTES = 1024 * 1024


def read_regular(path: str, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes, or None.

    What the path names (through any symlink a pull request committed) is looked at
    before it is opened: opening a device or a FIFO can itself act (a FIFO's writer is
    released, a tape rewinds, a watchdog starts), so anything else is never opened."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _yaml(text: bytes) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError:
        return None


def declared_names(path: str) -> list[str]:
    """The ``name`` of every entry under ``secrets:``; nothing for an unreadable file."""
    data = read_regular(path)
    if data is None:
        return []
    document = _yaml(data)
    entries = document.get("secrets") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return []
    names = (entry.get("name") for entry in entries if isinstance(entry, dict))
    return [name for name in names if isinstance(name, str)]
