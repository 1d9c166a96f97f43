"""What the terminal the CLI writes to wants: colour or not, a progress line or not."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Protocol, TextIO

from kitaru.cli.github import in_github_actions
from kitaru.safe_text import for_terminal


class Named(Protocol):
    @property
    def name(self) -> str: ...


def isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, never with NO_COLOR (any value) or TERM=dumb."""
    if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
        return False
    return isatty(stream)


class Progress:
    """``[3/120] name`` on one rewritten stderr line, for long plans and applies on a
    terminal (``verb``: what is counted, e.g. ``reading`` for a plan's reads)."""

    MIN_WRITES = 10

    def __init__(self, stream: TextIO, verb: str = "") -> None:
        self.stream = stream
        self.prefix = f"{verb} " if verb else ""

    @classmethod
    def wanted(cls, stream: TextIO, writes: int) -> bool:
        quiet = "NO_COLOR" in os.environ or "CI" in os.environ or in_github_actions()
        return writes >= cls.MIN_WRITES and not quiet and isatty(stream)

    def __call__(self, done: int, total: int, secret: Named) -> None:
        end = "\r\x1b[K" if done >= total else ""
        line = f"[{self.prefix}{done}/{total}] {for_terminal(secret.name)}"
        self.stream.write(f"\r\x1b[K{line}{end}")
        self.stream.flush()


class _Read:
    """A secret being read, by name: what the progress line shows."""

    def __init__(self, name: str) -> None:
        self.name = name


def read_progress(stream: TextIO) -> Callable[[int, int, str], None]:
    """``[reading 3/120] name`` on ``stream`` while many secrets are read (plan, list
    --keys), only where ``Progress.wanted`` says so."""
    bar = Progress(stream, "reading")

    def show(done: int, total: int, name: str) -> None:
        if Progress.wanted(stream, total):
            bar(done, total, _Read(name))

    return show
