"""Secrets as environment variables: the merge and collision rule, and the child's base.

Pure functions over already-read values, shared by the SDK's ``secret_environment`` and
so by `kitaru secrets run` and `export`. Errors name secrets and keys (through
``naming.shown``), never values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kitaru.errors import KitaruError
from kitaru.naming import is_valid_key, shown

# What `--no-inherit` keeps of the caller's environment: enough to find and run a program.
KEPT_WITHOUT_INHERIT = ("PATH", "HOME")


class KeyCollisionError(KitaruError):
    """Two secrets provide the same key and neither was asked to win."""


class EnvironmentValueError(KitaruError):
    """A secret holds something no process environment can carry."""


@dataclass(frozen=True)
class SecretValues:
    """One secret's readable values, with what names it in messages."""

    name: str
    values: Mapping[str, str]
    unavailable: Sequence[str] = field(default_factory=tuple)


def _check(secret: SecretValues) -> None:
    if secret.unavailable:
        keys = ", ".join(shown(key) for key in sorted(secret.unavailable))
        raise EnvironmentValueError(
            f"secret {shown(secret.name)}: the store withholds the values of {keys} from "
            "you, so its environment would be incomplete"
        )
    for key, value in secret.values.items():
        if not is_valid_key(key):
            raise EnvironmentValueError(
                f"secret {shown(secret.name)} has a key {shown(key)} that is not an "
                "environment-variable name (letters, digits and _, not starting with a digit)"
            )
        if "\0" in value:
            raise EnvironmentValueError(
                f"secret {shown(secret.name)}: the value of {shown(key)} holds a NUL "
                "character, which no environment variable can carry"
            )


def merge(secrets: Sequence[SecretValues], *, override: bool = False) -> dict[str, str]:
    """Every key of every secret, in order. A key two secrets provide is an error naming
    both, unless ``override``: then the later secret wins."""
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for secret in secrets:
        _check(secret)
        for key in sorted(secret.values):
            if key in merged and not override:
                raise KeyCollisionError(
                    f"key {shown(key)} is in both secret {shown(origin[key])} and secret "
                    f"{shown(secret.name)}; drop one, or let the later one win "
                    "(--override, override=True)"
                )
            merged[key] = secret.values[key]
            origin[key] = secret.name
    return merged


def child_environment(
    base: Mapping[str, str], injected: Mapping[str, str], *, inherit: bool = True
) -> dict[str, str]:
    """The environment a child starts with: ``base`` (or only its PATH and HOME) plus the
    injected keys, which win over what ``base`` holds."""
    kept = dict(base) if inherit else {k: base[k] for k in KEPT_WITHOUT_INHERIT if k in base}
    kept.update(injected)
    return kept
