"""Secrets as environment variables: the merge and collision rule, and the child's base.

Pure functions over already-read values, shared by the SDK's ``secret_environment`` and
``manifest_environment`` and so by `kitaru secrets run` and `export`: the one road every
secret takes into a program's environment, so the one place a key that steers how programs
start (``steering_keys``) is refused unless the caller let that exact key through. Errors
name secrets and keys (through ``naming.shown``), never values.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kitaru.errors import KitaruError, UsageError
from kitaru.naming import KEY_RULE, is_valid_key, named, shown
from kitaru.programs.steering_keys import steering

# Windows reads environment names in any case (`Path` is `PATH`, `pythonpath` is PYTHONPATH).
ENVIRONMENT_IGNORES_CASE = sys.platform == "win32"

# What `--no-inherit` keeps of the caller's environment: enough to find and run a program.
KEPT_WITHOUT_INHERIT = ("PATH", "HOME")


class KeyCollisionError(KitaruError):
    """Two secrets provide the same key and neither was asked to win."""


class EnvironmentValueError(KitaruError):
    """A secret holds something no process environment can carry."""


class SteeringKeyError(KitaruError):
    """A secret holds a key that changes how programs start, and nobody let it through."""


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


def allowed_keys(keys: Iterable[str] | str | None) -> frozenset[str]:
    """The exact key names a caller lets through (``--allow-key``, ``allow_keys=``).

    A glob or anything else that is not a key name is refused: letting a key through is
    a decision about one named key, never about a family of them.
    """
    if keys is None:
        return frozenset()
    if isinstance(keys, (bytes, bytearray)) or not isinstance(keys, (str, Iterable)):
        raise UsageError(
            f"--allow-key (allow_keys=) takes exact key names ({KEY_RULE}), one or a list; "
            f"{shown(keys)} is neither"
        )
    given = [keys] if isinstance(keys, str) else list(keys)
    for key in given:
        if not isinstance(key, str) or not is_valid_key(key):
            raise UsageError(
                f"--allow-key (allow_keys=) takes exact key names ({KEY_RULE}); "
                f"{shown(key)} is not one"
            )
    return frozenset(given)


# The other refused keys a refusal names, so one run tells what to review.
_NAMED_AT_MOST = 5


def _refuse_steering(secret: SecretValues, allowed: frozenset[str], any_case: bool) -> None:
    found = steering(secret.values, allowed, any_case=any_case)
    if not found:
        return
    key, reason = found[0]
    others = [named(other) for other, _ in found[1:]]
    if len(others) > _NAMED_AT_MOST:
        others[_NAMED_AT_MOST:] = [f"{len(others) - _NAMED_AT_MOST} more"]
    more = f" (so do {', '.join(others)})" if others else ""
    raise SteeringKeyError(
        f"secret {shown(secret.name)}: key {shown(key)} changes how programs start: "
        f"{reason}{more}; refused, since whoever can write the secret would steer your "
        f"program. If you trust them, let it through: --allow-key {named(key)} "
        "(allow_keys= in Python)"
    )


def merge(
    secrets: Sequence[SecretValues],
    *,
    override: bool = False,
    allow_keys: Iterable[str] | str | None = (),
    any_case: bool = ENVIRONMENT_IGNORES_CASE,
) -> dict[str, str]:
    """Every key of every secret, in order. A key two secrets provide is an error naming
    both, unless ``override``: then the later secret wins. A key that changes how programs
    start (``steering_keys``) is an error naming the secret and the key, unless it is one
    of ``allow_keys`` (exact names). Where the environment ignores case (``any_case``,
    Windows), a key steers when its upper case does (``Path``)."""
    allowed = allowed_keys(allow_keys)
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for secret in secrets:
        _check(secret)
        _refuse_steering(secret, allowed, any_case)
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
