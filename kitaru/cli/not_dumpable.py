"""kitaru's command-line process holds secret values: it never writes them to a core file.

``prctl(PR_SET_DUMPABLE, 0)`` on Linux: a crash signal (or ``kill -SEGV``) then leaves no
core file and no pipe to a core handler gets kitaru's memory; other processes of the user
cannot ptrace it or read its memory through /proc either. The flag is reset by
``execve``, so a program that ``kitaru secrets run`` starts keeps its own settings. Set
once, at the start of every command (before any value is read), by ``cli.main``.
"""

from __future__ import annotations

import sys

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def forbid_core_dumps() -> bool:
    """Make this process not dumpable; False where the system cannot (not Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        done: int = libc.prctl(PR_SET_DUMPABLE, ctypes.c_ulong(0), 0, 0, 0)
    except (OSError, AttributeError):
        return False
    return done == 0


def dumpable() -> bool | None:
    """This process's flag (None where it cannot be read)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    flag: int = ctypes.CDLL(None).prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)
    return flag > 0
