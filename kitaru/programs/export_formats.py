"""`kitaru secrets export` formats: pure functions from variables to text others read.

Each format reproduces every value exactly when read back by its reader (keys are
environment-variable names and values hold no NUL: ``kitaru.programs.environment`` checks both):

- ``dotenv``: ``KEY="..."`` lines for python-dotenv. Inside double quotes it decodes
  ``\\\\``, ``\\"``, ``\\n`` and ``\\r``, so every value stays on one line and a CR
  survives a reader that opens the file in text mode. python-dotenv expands ``${VAR}``
  in any value unless read with ``interpolate=False``; ``expands_in_dotenv`` tells.
- ``shell``: ``export KEY='...'`` for ``eval`` in sh, bash and zsh (a ``'`` becomes
  ``'\\''``; nothing inside single quotes is special).
- ``github-env``: the runner's heredoc form ``KEY<<DELIM``, value, ``DELIM``, with a
  random delimiter that does not occur in the value.
- ``json``: one object, ASCII-only.
"""

from __future__ import annotations

import secrets as _random
from collections.abc import Callable, Mapping

from kitaru.safe_text import to_json

FORMATS = ("dotenv", "json", "shell", "github-env")
_DOTENV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def dotenv(variables: Mapping[str, str]) -> str:
    return "".join(
        f'{key}="{value.translate(_DOTENV_ESCAPES)}"\n' for key, value in _sorted(variables)
    )


def expands_in_dotenv(value: str) -> bool:
    """Would python-dotenv's default interpolation change this value?"""
    return "${" in value


def shell(variables: Mapping[str, str]) -> str:
    return "".join(
        "export {}='{}'\n".format(key, value.replace("'", "'\\''"))
        for key, value in _sorted(variables)
    )


def delimiter_for(value: str, token: Callable[[], str] = lambda: _random.token_hex(16)) -> str:
    """A heredoc delimiter that cannot end the value early: not found anywhere in it."""
    while True:
        candidate = f"ghadelimiter_{token()}"
        if candidate not in value:
            return candidate


def github_env(variables: Mapping[str, str]) -> str:
    chunks = []
    for key, value in _sorted(variables):
        delimiter = delimiter_for(value)
        chunks.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(chunks)


def as_json(variables: Mapping[str, str]) -> str:
    return to_json(dict(_sorted(variables))) + "\n"


def _sorted(variables: Mapping[str, str]) -> list[tuple[str, str]]:
    return sorted(variables.items())


RENDERERS: dict[str, Callable[[Mapping[str, str]], str]] = {
    "dotenv": dotenv,
    "json": as_json,
    "shell": shell,
    "github-env": github_env,
}


def render(format_: str, variables: Mapping[str, str]) -> str:
    return RENDERERS[format_](variables)
