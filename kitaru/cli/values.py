"""Where `kitaru secrets set` gets its values: flags, stdin, env vars, a .env file.

Errors here name keys and variables, never values.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kitaru.errors import UsageError
from kitaru.naming import key_problem

STDIN_MARKER = "-"


def parse_key_flags(args: Sequence[str], read_stdin: Callable[[], str]) -> dict[str, str]:
    """``--KEY=VALUE`` tokens; ``--KEY=-`` takes the value from standard input."""
    values: dict[str, str] = {}
    stdin_key: str | None = None
    for position, token in enumerate(args, start=1):
        if not token.startswith("--") or "=" not in token:
            head = token.split("=", 1)[0] if token.startswith("--") else None
            where = f"'{head}'" if head else f"argument {position}"
            raise UsageError(
                f"{where} is not of the form --KEY=VALUE (values go after '=', "
                "or use --KEY=- to read one from stdin)"
            )
        key, value = token[2:].split("=", 1)
        problem = key_problem(key)
        if problem:
            raise UsageError(problem)
        if key in values:
            raise UsageError(f"key {key} is given twice")
        if value == STDIN_MARKER:
            if stdin_key is not None:
                raise UsageError(
                    f"only one key can read from stdin ({stdin_key} and {key} both ask)"
                )
            stdin_key = key
            value = read_stdin()
            if value.endswith("\n"):
                value = value[:-1]
                if value.endswith("\r"):
                    value = value[:-1]
        values[key] = value
    return values


def from_env(specs: Sequence[str], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``KEY`` or ``KEY=ENV_VAR``: the value of that environment variable."""
    environ = os.environ if environ is None else environ
    values: dict[str, str] = {}
    missing: list[str] = []
    for spec in specs:
        key, _, variable = spec.partition("=")
        variable = variable or key
        problem = key_problem(key)
        if problem:
            raise UsageError(f"--from-env: {problem}")
        if variable not in environ:
            missing.append(variable)
            continue
        values[key] = environ[variable]
    if missing:
        raise UsageError(f"--from-env: environment variable(s) not set: {', '.join(missing)}")
    return values


def from_dotenv(path: str) -> dict[str, str]:
    """Every key with a value in a .env file, read as ``apply`` reads it (one reader:
    an unparsable line is an error at ``file:line``; os.environ is untouched).

    A bare ``KEY`` has no value and is skipped; ``KEY=`` is kept as ``""``.
    """
    from kitaru.sync.dotenv_reader import read_dotenv

    file = Path(path)
    if not file.is_file():
        raise UsageError(f"--from-dotenv: no such file: {path}")
    return {key: value for key, value in read_dotenv(file).items() if value is not None}
