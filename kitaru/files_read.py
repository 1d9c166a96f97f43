"""The files one run has read, so no command overwrites its own input.

`plan --out .env` would otherwise replace the very .env file it read its values from (the
only copy of them); `export --out secrets.yaml --force`, a plan file written over the
manifest and `schema --write` over the schema it copies are the same mistake. Every reader
of a user file (the manifest and check reader, the .env reader, the saved-plan reader, the
shipped schema) notes what it read; the one atomic writer (``private_file.write_whole``)
refuses a target that is one of those files: the same file (device and inode), or the
same resolved path. A run is a scope: each CLI command is one, and so is each SDK call of
the pipeline (``one_run``); outside any scope nothing is recorded and nothing refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from kitaru.errors import KitaruError


class OwnInputError(KitaruError):
    """A write would replace a file this run read (nothing was written)."""


@dataclass(frozen=True)
class _Read:
    path: str  # resolved
    what: str
    identity: tuple[int, int] | None  # (st_dev, st_ino) when it could be stat'ed


_RUN: ContextVar[list[_Read] | None] = ContextVar("kitaru_files_read", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    """A scope whose reads are remembered; nested scopes share the outermost one."""
    if _RUN.get() is not None:
        yield
        return
    token = _RUN.set([])
    try:
        yield
    finally:
        _RUN.reset(token)


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return (status.st_dev, status.st_ino)


def _resolved(path: str | Path) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return os.path.abspath(path)


def noted(path: str | Path, what: str) -> None:
    """Remember that this run read ``path`` (``what``: "the manifest", "the .env file")."""
    reads = _RUN.get()
    if reads is not None:
        reads.append(_Read(_resolved(path), what, _identity(path)))


def read_by_this_run(path: str | Path) -> str | None:
    """What the file at ``path`` was to this run ("the manifest", ...), or None."""
    reads = _RUN.get()
    if not reads:
        return None
    identity = _identity(path)
    resolved = _resolved(path)
    for read in reads:
        if (identity is not None and identity == read.identity) or resolved == read.path:
            return read.what
    return None


def refuse_own_input(path: str | Path) -> None:
    """``OwnInputError`` when ``path`` is a file this run read (see the module)."""
    what = read_by_this_run(path)
    if what is not None:
        from kitaru.naming import shown_path

        raise OwnInputError(
            f"{shown_path(path)} is {what} this command read; it never overwrites its own "
            "input (nothing was written): choose another file"
        )
