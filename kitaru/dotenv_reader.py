"""The one `.env` reader: `plan`/`apply`, `set --from-dotenv` and `validate-env` read alike.

python-dotenv skips a line it cannot parse with only a logged warning, so an unquoted
multi-line value (a PEM pasted as is) would silently become its first line. Here any line
that is not a ``KEY=value`` binding with an environment-variable key is an error at
``file:line``, and the file is not used. Messages give positions, never the file's content.
``os.environ`` is never touched. It sits at the top of the package, not in ``sync`` or
``checks``, because the SDK's CLI (`set`), the pipeline and the checks all read with it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from kitaru.errors import KitaruError
from kitaru.naming import KEY_RULE, is_valid_key, shown_path

NOT_A_BINDING = "the line cannot be parsed (a value that spans lines must be quoted)"
BAD_KEY = f"the key is not an environment-variable name ({KEY_RULE})"
_NEWLINE = re.compile(r"\r\n|\n|\r")


class EnvFileError(KitaruError):
    """A .env file has lines the reader cannot parse, or cannot be read at all."""


@dataclass(frozen=True)
class BadLine:
    """A line of a .env file the reader refuses, by number and reason (never content)."""

    line: int
    reason: str


def _start_line(original: str, first: int) -> int:
    """The line a binding really starts on: the parser counts from the blank lines before."""
    leading = original[: len(original) - len(original.lstrip())]
    return first + len(_NEWLINE.findall(leading))


def _scan(text: str) -> tuple[dict[str, str | None], list[BadLine]]:
    """One pass of python-dotenv's parser: the entries it yields, and the lines it skips
    or reads as a key no environment could hold."""
    from dotenv.parser import parse_stream

    entries: dict[str, str | None] = {}
    found: list[BadLine] = []
    for binding in parse_stream(io.StringIO(text)):
        line = _start_line(binding.original.string, binding.original.line)
        if binding.error:
            found.append(BadLine(line, NOT_A_BINDING))
        elif binding.key is not None and not is_valid_key(binding.key):
            found.append(BadLine(line, BAD_KEY))
        elif binding.key is not None:
            entries[binding.key] = binding.value
    return entries, found


def bad_lines(text: str) -> list[BadLine]:
    """Every line of ``text`` the reader refuses (what validate-env reports as KS401)."""
    return _scan(text)[1]


def _decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise EnvFileError(
            f"{shown_path(path)}:{line}: not UTF-8 text; the file was not used"
        ) from None
    # what open() in text mode gives python-dotenv: universal newlines
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_dotenv(text: str, path: str) -> dict[str, str | None]:
    """Every entry as python-dotenv reads it: ``KEY=`` is ``""``, a bare ``KEY`` is None.

    Raises EnvFileError naming the first unparsable line (and how many more there are).
    ``${VAR}`` expansion copies the environment and every earlier entry for each line
    (seconds for thousands of lines), so it runs only when a value holds ``${``.
    """
    entries, problems = _scan(text)
    if problems:
        first = problems[0]
        more = f" ({len(problems) - 1} more such lines)" if len(problems) > 1 else ""
        message = f"expected KEY=value: {first.reason}{more}; the file was not used"
        raise EnvFileError(f"{shown_path(path)}:{first.line}: {message}")
    if any(value and "${" in value for value in entries.values()):
        from dotenv import dotenv_values

        return dict(dotenv_values(stream=io.StringIO(text)))
    return entries


def read_dotenv(path: str | Path) -> dict[str, str | None]:
    """Read and parse one .env file; see ``parse_dotenv``."""
    from kitaru.files_read import noted

    noted(path, "the .env file")
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise EnvFileError(f"cannot read env file {shown_path(path)}: {reason}") from None
    return parse_dotenv(_decode(data, str(path)), str(path))
