"""Where `kitaru secrets set` gets its values: flags, stdin, env vars, a .env file.

Errors here name keys and variables, never values; input that may be a value typed in the
wrong place is described (``naming.shown``), not quoted. Every source follows one rule:
a blank value (empty or white space only, what an unset CI variable expands to) is an
error unless the caller passes ``allow_empty``, and a value that is not UTF-8 text is an
error. From standard input, one trailing newline (``\\n`` or ``\\r\\n``, as `echo` and
here-strings add) is dropped; everything else is kept byte for byte.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kitaru.errors import UsageError
from kitaru.naming import KEY_RULE, described, is_blank, is_quotable, is_utf8, key_problem
from kitaru.naming import shown_path as _path

STDIN_MARKER = "-"
EMPTY_HINT = (
    "nothing was written (an empty or unset variable must not overwrite a credential; "
    "pass --allow-empty if an empty value is intended)"
)


def checked_value(where: str, key: str, value: str, *, allow_empty: bool) -> str:
    """``value`` if it may be stored; ``where`` says which input gave it."""
    if not is_utf8(value):
        raise UsageError(f"{where}: the value of {key} is not UTF-8 text")
    if not allow_empty and is_blank(value):
        raise UsageError(f"{where}: the value of {key} is empty; {EMPTY_HINT}")
    return value


def _checked_key(where: str, key: str) -> str:
    problem = key_problem(key)
    if problem:
        raise UsageError(f"{where}: {problem.message}")
    return key


def strip_one_newline(text: str) -> str:
    """The line break `echo` or a here-string adds, once; the rest is the value."""
    if text.endswith("\n"):
        text = text[:-1]
        if text.endswith("\r"):
            text = text[:-1]
    return text


def read_stdin_value(key: str) -> str:
    """The value for ``--KEY=-``: at a terminal a prompt without echo, else all of stdin."""
    stdin = sys.stdin
    if stdin.isatty():
        import getpass

        try:
            return getpass.getpass(f"Value for {key}: ", stream=sys.stderr)
        except EOFError:
            return ""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        return strip_one_newline(stdin.read())
    data: bytes = buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"--{key}=-: standard input is not UTF-8 text") from None
    return strip_one_newline(text)


def _flag_label(token: str, position: int) -> str:
    head = token.split("=", 1)[0]
    if token.startswith("--") and is_quotable(head[2:]):
        return f"'{head}'"
    return f"argument {position} {described(token)}"


def parse_key_flags(
    args: Sequence[str], read_value: Callable[[str], str], *, allow_empty: bool = False
) -> dict[str, str]:
    """``--KEY=VALUE`` tokens; ``--KEY=-`` takes the value from ``read_value(KEY)``."""
    values: dict[str, str] = {}
    stdin_key: str | None = None
    for position, token in enumerate(args, start=1):
        if not token.startswith("--") or "=" not in token:
            raise UsageError(
                f"{_flag_label(token, position)} is not of the form --KEY=VALUE (values go "
                "after '=', or use --KEY=- to read one from stdin)"
            )
        key, value = token[2:].split("=", 1)
        problem = key_problem(key)
        if problem:
            raise UsageError(f"argument {position}: {problem.message}")
        if key in values:
            raise UsageError(f"key {key} is given twice")
        where = f"--{key}"
        if value == STDIN_MARKER:
            if stdin_key is not None:
                raise UsageError(
                    f"only one key can read from stdin ({stdin_key} and {key} both ask)"
                )
            stdin_key = key
            value = read_value(key)
            where = f"--{key}=- (standard input)"
        values[key] = checked_value(where, key, value, allow_empty=allow_empty)
    return values


def from_env(
    specs: Sequence[str],
    environ: Mapping[str, str] | None = None,
    *,
    allow_empty: bool = False,
) -> dict[str, str]:
    """``KEY`` or ``KEY=ENV_VAR``: the value of that environment variable."""
    environ = os.environ if environ is None else environ
    values: dict[str, str] = {}
    missing: list[str] = []
    for spec in specs:
        key, sep, variable = spec.partition("=")
        _checked_key("--from-env", key)
        variable = variable if sep else key
        if key_problem(variable):
            raise UsageError(
                f"--from-env {key}=...: after '=' comes the name of an environment variable "
                f"({KEY_RULE}), not {described(variable)}; if the shell expanded $VAR, "
                f"write {key}=VAR"
            )
        if variable not in environ:
            missing.append(variable)
            continue
        where = f"--from-env {key}={variable}"
        values[key] = checked_value(where, key, environ[variable], allow_empty=allow_empty)
    if missing:
        raise UsageError(f"--from-env: environment variable(s) not set: {', '.join(missing)}")
    return values


def from_dotenv(path: str, *, allow_empty: bool = False) -> dict[str, str]:
    """Every key with a value in a .env file, read as ``apply`` reads it (one reader:
    an unparsable line is an error at ``file:line``; os.environ is untouched).

    A bare ``KEY`` has no value and is skipped; ``KEY=`` is blank, so refused unless
    ``allow_empty``.
    """
    from kitaru.dotenv_reader import read_dotenv

    file = Path(path)
    where = f"--from-dotenv {_path(path)}"
    if not file.is_file():
        raise UsageError(f"{where}: no such file")
    values: dict[str, str] = {}
    for key, value in read_dotenv(file).items():
        if value is None:
            continue
        _checked_key(where, key)
        values[key] = checked_value(where, key, value, allow_empty=allow_empty)
    return values
