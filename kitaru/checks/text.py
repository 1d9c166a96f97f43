"""How every check reads a file: bytes in, UTF-8 text and YAML's line numbers out.

One reader for `validate`, `validate-env` and the manifest loader, so an unreadable or
undecodable file is the same KS007 finding everywhere and line numbers agree between the
YAML loader, the credential scan and allow comments.
"""

from __future__ import annotations

import re
from pathlib import Path

from kitaru.checks.findings import Finding
from kitaru.naming import shown_path

READ_CODE = "KS007"
# The line breaks YAML counts (so our line numbers match the loader's).
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    return LINE_BREAK.split(text)


def decode(data: str | bytes) -> str | None:
    """The text the checks read (UTF-8, optional BOM), or ``None`` if it is not UTF-8."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def not_utf8(data: bytes, path: str, what: str) -> Finding:
    """KS007 at the first byte that is not UTF-8 (``what`` names the file's kind)."""
    try:
        data.decode("utf-8-sig")
        start = 0
    except UnicodeDecodeError as err:
        start = err.start
    line = data.count(b"\n", 0, start) + 1
    col = start - (data.rfind(b"\n", 0, start) + 1) + 1
    return Finding(path, line, col, READ_CODE, f"the {what} is not UTF-8 text")


def read_file(path: str | Path, what: str) -> bytes | Finding:
    """The bytes at ``path``, or the KS007 finding that says why they cannot be read.

    The path is quoted only when it has the shape of a name: a path that does not exist
    may be a value typed in the wrong place.
    """
    from kitaru.files_read import noted

    noted(path, f"the {what}")
    try:
        return Path(path).read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        return Finding(shown_path(str(path)), 1, 1, READ_CODE, f"cannot read the {what}: {reason}")
