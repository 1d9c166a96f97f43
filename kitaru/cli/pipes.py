"""The standard streams after the reader of a pipe has left."""

from __future__ import annotations

import os
import sys


def stdout_to_devnull() -> None:
    """After a broken pipe, so the final flush at exit has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (tests capture stdout)
        pass
