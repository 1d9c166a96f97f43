"""Rules for secret names and key names, shared by the SDK, sync and validate."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kitaru.errors import InvalidSecretError
from kitaru.safe_text import for_terminal

KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Documented safe set for secret names written by manifests: letters, digits, `.`, `_`, `-`,
# starting with a letter or digit. The SDK accepts any name ZenML accepts (no control
# characters) so that secrets created elsewhere stay reachable.
SAFE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_NAME_LENGTH = 255
MAX_SECRET_BYTES = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_valid_key(key: str) -> bool:
    return bool(KEY_PATTERN.match(key))


def is_conventional_key(key: str) -> bool:
    """UPPER_CASE is the convention; lowercase letters only earn a warning."""
    return key == key.upper()


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a secret name, or ``None`` if it can."""
    if not name or not name.strip():
        return "secret name is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"secret name is {len(name)} characters long; the limit is {MAX_NAME_LENGTH}"
    if _CONTROL.search(name):
        return "secret name contains control characters"
    if name != name.strip():
        return "secret name starts or ends with white space"
    return None


def key_problem(key: str) -> str | None:
    if is_valid_key(key):
        return None
    shown = key if len(key) <= 64 and not _CONTROL.search(key) else key[:32].encode().hex()
    return (
        f"invalid key name {shown!r}: keys must look like environment variables "
        "(letters, digits and _, not starting with a digit), e.g. OPENAI_API_KEY"
    )


def secret_size(values: Mapping[str, str | None]) -> int:
    """Bytes ZenML counts against its limit: UTF-8 of every key and value."""
    return sum(len(k.encode()) + len((v or "").encode()) for k, v in values.items())


def check_name(name: str) -> None:
    problem = name_problem(name)
    if problem:
        raise InvalidSecretError(problem)


def check_values(
    name: str, values: Mapping[str, str | None], *, allow_unavailable: bool = False
) -> None:
    """Raise before any write if keys are malformed or the secret would be too large.

    ``None`` stands for a value the store withheld; it is only allowed when checking a
    merge with stored values, never in what a caller asks to write (ZenML would drop it).
    """
    name = for_terminal(name)  # the name of a stored secret may hold anything
    for key in values:
        problem = key_problem(key)
        if problem:
            raise InvalidSecretError(f"secret '{name}': {problem}")
    for key, value in values.items():
        if value is None and not allow_unavailable:
            raise InvalidSecretError(f"secret '{name}': the value of {key} is missing")
        if value is not None and not isinstance(value, str):
            raise InvalidSecretError(
                f"secret '{name}': the value of {key} must be a string, not {type(value).__name__}"
            )
    size = secret_size(values)
    if size > MAX_SECRET_BYTES:
        raise InvalidSecretError(
            f"secret '{name}' would hold {size} bytes of keys and values; ZenML's limit is "
            f"{MAX_SECRET_BYTES} bytes (64 KiB). Nothing was written."
        )
