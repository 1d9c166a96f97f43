"""Which files an MCP client may make this server read: regular files under its root, capped.

The client picks the paths, so without this it could make the server read any file the
user can (`/etc/...`, a key in `~/.ssh`), read without end (`/dev/zero`) or hang on a FIFO.
Symlinks are resolved before the root check; a FIFO or device is refused before it is
opened, and the file is opened non-blocking and checked again on the open descriptor.
Messages name the tool parameter, never the path (it may be anything the client typed).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kitaru.errors import KitaruError

MAX_FILE_BYTES = 1024 * 1024  # a manifest or .env file is kilobytes; 1 MiB is generous


class FileRefused(KitaruError):
    """A path this server will not read for a client."""


@dataclass(frozen=True)
class Confined:
    """A file checked to be readable for a client: where it really is, and its bytes."""

    path: Path
    data: bytes


def _refuse(param: str, why: str) -> FileRefused:
    return FileRefused(f"{param}: {why}")


def locate(root: Path, given: str, param: str) -> Path:
    """``given`` (relative to ``root``) with symlinks resolved; it must stay under ``root``."""
    base = root.resolve()
    try:
        path = (base / given).resolve()
    except (OSError, RuntimeError, ValueError):
        raise _refuse(param, "cannot resolve this path") from None
    # the root check comes first, so nothing tells whether a file outside it exists
    if not path.is_relative_to(base):
        raise _refuse(
            param,
            "outside the server's root directory (start kitaru-mcp with --root DIR to "
            "serve files under DIR)",
        )
    if not path.exists():
        raise _refuse(param, "no such file under the server's root directory")
    return path


def _check_regular(mode: int, size: int, param: str) -> None:
    if not stat.S_ISREG(mode):
        raise _refuse(param, "not a regular file")
    if size > MAX_FILE_BYTES:
        raise _refuse(param, "larger than 1 MiB")


def read_confined(root: Path, given: str, param: str) -> Confined:
    """Read a client-chosen file: regular, under ``root``, at most ``MAX_FILE_BYTES``."""
    path = locate(root, given, param)
    try:
        before = path.stat()
    except OSError:
        raise _refuse(param, "cannot read this file") from None
    _check_regular(before.st_mode, before.st_size, param)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        raise _refuse(param, "cannot read this file") from None
    try:
        opened = os.fstat(fd)
        _check_regular(opened.st_mode, opened.st_size, param)
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError:
        raise _refuse(param, "cannot read this file") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(param, "larger than 1 MiB")
    return Confined(path, data)
