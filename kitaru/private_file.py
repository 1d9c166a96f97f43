"""Files written whole or not at all; private ones (0600) never readable by others.

The text goes to a temporary file created beside the target (``O_EXCL``: never through
a planted link), is flushed to disk, and is then renamed or linked into place, so a
reader sees the old file, nothing, or the whole new one. A private file has mode 0600
from its creation, so not even its temporary copy is readable by others. A file the current
run read is never the target (``kitaru.files_read``), unless the caller says it rewrites
that input on purpose (`adopt --write` appending to its own manifest).
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path


def write_whole(
    path: Path,
    text: str,
    *,
    mode: int | None = None,
    replace: bool = True,
    rewrites_input: bool = False,
) -> bool:
    """Write ``text`` atomically with ``mode`` (None: the umask's default); without
    ``replace`` an existing file wins (and False is returned). A file this run read is
    refused (``OwnInputError``) unless ``rewrites_input``."""
    if not rewrites_input:
        from kitaru.files_read import refuse_own_input

        refuse_own_input(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        fd = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else 0o600
        )
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if mode is not None:
                os.fchmod(out.fileno(), mode)  # exactly this mode, whatever the umask
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
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


def write_private(path: Path, text: str, *, replace: bool) -> bool:
    """A 0600 file, atomically (see ``write_whole``)."""
    return write_whole(path, text, mode=0o600, replace=replace)
