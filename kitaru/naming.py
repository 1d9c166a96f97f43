"""Rules for secret names and key names, shared by the SDK, sync and validate.

One rule function per kind of name (``name_problem``, ``key_problem``): the SDK raises
their message, the manifest checks report their code, so both refuse exactly the same
names. ``shown`` is the one way any message quotes user input: text that has the shape
of a name or key is quoted, anything else (maybe a value typed in the wrong place) is
described by its length only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple
from uuid import UUID

from kitaru.checks.credentials import looks_like_credential
from kitaru.errors import InvalidSecretError
from kitaru.programs.steering_keys import steering_reason

KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Secret names: letters, digits, `.`, `_`, `-`, starting with a letter or digit. New
# secrets (SDK, CLI, MCP, manifests) must follow it; lookups accept any name ZenML
# accepts, so that secrets created elsewhere stay reachable.
SAFE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_NAME_LENGTH = 255
MAX_SECRET_BYTES = 64 * 1024
MAX_QUOTED_LENGTH = 80
MIN_HIDDEN_LENGTH = 4  # shorter fragments are not worth hiding (and would mangle messages)
KEY_RULE = "letters, digits and _, not starting with a digit"
NAME_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit"


class Problem(NamedTuple):
    """Why a name is refused: the manifest's rule code and the SDK's message."""

    code: str
    message: str


def is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def is_utf8(text: str) -> bool:
    """False for strings holding lone surrogates (undecodable argv, environment bytes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def looks_like_value(text: str) -> bool:
    """A name-shaped string that is, or holds, what looks like a pasted credential.

    The same detector `validate` runs on every manifest line (KS301), so a name the SDK
    accepts is one `validate` accepts.
    """
    return looks_like_credential(text)


def is_valid_key(key: str) -> bool:
    return bool(KEY_PATTERN.fullmatch(key))


def is_conventional_key(key: str) -> bool:
    """UPPER_CASE is the convention; lowercase letters only earn a warning."""
    return key == key.upper()


def _name_shaped(text: str) -> bool:
    return bool(SAFE_NAME_PATTERN.fullmatch(text) or KEY_PATTERN.fullmatch(text))


def _mixed_and_long(text: str) -> bool:
    """Long, with digits, upper and lower case: too close to a token to quote."""
    return (
        len(text) >= 24
        and any(c.isdigit() for c in text)
        and any(c.isupper() for c in text)
        and any(c.islower() for c in text)
    )


def is_quotable(text: str) -> bool:
    """May a message quote ``text``? Only when it has the shape of a name or key.

    Stricter than the naming rules: a name that is allowed but looks a little like a
    token is still described rather than quoted.
    """
    return (
        isinstance(text, str)
        and 0 < len(text) <= MAX_QUOTED_LENGTH
        and _name_shaped(text)
        and not _mixed_and_long(text)
        and not looks_like_value(text)
    )


def described(text: str) -> str:
    """What a message says instead of text it may not quote: its length, never content."""
    return f"(a {len(text)}-character string, not shown)"


def shown(text: object) -> str:
    """``text`` quoted for a message if it has the shape of a name or key, else described."""
    if not isinstance(text, str):
        return f"(a {type(text).__name__}, not shown)"
    return repr(text) if is_quotable(text) else described(text)


def named(text: str) -> str:
    """Like ``shown`` but unquoted, for messages that write names bare (``app/API_KEY``)."""
    return text if is_quotable(text) else described(text)


def shown_path(path: object) -> str:
    """A path is quoted when every part of it has the shape of a name (``.``/``..`` too,
    and dot-files such as ``.env``)."""
    text = str(path)
    parts = [part.lstrip(".") for part in text.split("/") if part not in ("", ".", "..")]
    if (
        text
        and len(text) <= 4 * MAX_QUOTED_LENGTH
        and all(map(is_quotable, parts))
        and not _token_split_by_slashes(parts)
    ):
        return text
    return f"(a path of {len(text)} characters, not shown)"


def _token_split_by_slashes(parts: Sequence[str]) -> bool:
    """Base64 credentials hold '/' (an AWS secret key reads like a short path): adjacent
    purely alphanumeric parts that together look like a token make the path unquotable."""
    run = ""
    for part in [*parts, "."]:
        if part.isalnum():
            run += part
            if _mixed_and_long(run):
                return True
        else:
            run = ""
    return False


def scrub(message: str, inputs: Sequence[str]) -> str:
    """``message`` with every input that may not be quoted replaced by its description.

    For messages kitaru did not write itself (click's usage errors): each input, and each
    side of an ``=`` in it, is looked for as written and as ``repr`` quotes it. An option
    (``--name``) counts as name-shaped when its name is.
    """
    fragments: set[str] = set()
    for text in inputs:
        fragments.add(text)
        fragments.update(text.split("=", 1))
        fragments.add(text.lstrip("-"))
        if re.match(r"-[A-Za-z].", text):  # a value stuck to a short option: -oVALUE
            fragments.add(text[2:])
    hidden = sorted(
        (f for f in fragments if len(f) >= MIN_HIDDEN_LENGTH and not is_quotable(f.lstrip("-"))),
        key=len,
        reverse=True,
    )
    for fragment in hidden:
        message = message.replace(repr(fragment), described(fragment))
        message = message.replace(f"({fragment})", described(fragment))
        message = message.replace(fragment, described(fragment))
    return message


def name_problem(name: str) -> Problem | None:
    """Why ``name`` cannot be the name of a new secret, or ``None`` if it can."""
    if not isinstance(name, str) or not name.strip():
        return Problem("KS101", "secret name is empty")
    if len(name) > MAX_NAME_LENGTH:
        message = f"secret name is {len(name)} characters long; the limit is {MAX_NAME_LENGTH}"
        return Problem("KS102", message)
    if not SAFE_NAME_PATTERN.fullmatch(name):
        return Problem("KS103", f"secret name {shown(name)} may only use {NAME_RULE}")
    if is_uuid(name):
        message = (
            f"secret name {shown(name)} has the shape of an ID: lookups would take it for one "
            "(and it could hide the secret with that ID); choose a name"
        )
        return Problem("KS105", message)
    if looks_like_value(name):
        return Problem(
            "KS301", f"secret name {described(name)} looks like a credential, not a name"
        )
    return None


def key_problem(key: str) -> Problem | None:
    """Why ``key`` cannot be a key name, or ``None`` if it can."""
    if not isinstance(key, str) or not is_valid_key(key):
        what = shown(key)
        return Problem(
            "KS201",
            f"invalid key name {what}: keys must look like environment variables "
            f"({KEY_RULE}), e.g. OPENAI_API_KEY",
        )
    if looks_like_value(key):
        message = f"key name {described(key)} looks like a credential, not a key name"
        return Problem("KS301", message)
    return None


def case_problem(key: str) -> Problem | None:
    """KS202 (a warning): a valid key that is not UPPER_CASE, the convention for variables."""
    if is_conventional_key(key):
        return None
    message = (
        f"key {named(key)} is not UPPER_CASE; environment variables are conventionally "
        f"written {named(key.upper())}"
    )
    return Problem("KS202", message)


def steering_problem(key: str) -> Problem | None:
    """KS206 (a warning): a key that changes how programs start (``BASH_ENV``,
    ``LD_PRELOAD``, ``PATH``, proxies, ...). Storing one is allowed; `run`, `export` and
    ``secret_environment`` refuse to hand it to a program unless it is let through."""
    reason = steering_reason(key)
    if reason is None:
        return None
    message = (
        f"key {named(key)} changes how programs start: {reason}; `run`/`export` refuse it "
        f"unless --allow-key {named(key)}"
    )
    return Problem("KS206", message)


def collision_problem(key: str, first: str, first_line: int) -> Problem | None:
    """KS203: ``key`` differs from the earlier ``first`` (on ``first_line``) only in case."""
    if key == first or key.upper() != first.upper():
        return None
    message = (
        f"key {named(key)} collides with {named(first)} (line {first_line}) ignoring case; "
        "some systems treat them as one variable"
    )
    return Problem("KS203", message)


def visibility_word(private: bool) -> str:
    """How every message names a secret's visibility."""
    return "private" if private else "public"


def secret_size(values: Mapping[str, str | None]) -> int:
    """Bytes ZenML counts against its limit: UTF-8 of every key and value."""
    return sum(len(k.encode()) + len((v or "").encode()) for k, v in values.items())


def check_name(name: str) -> None:
    problem = name_problem(name)
    if problem:
        raise InvalidSecretError(problem.message)


def is_blank(value: str) -> bool:
    """Empty, or only white space: what an unset CI variable or `echo ""` expands to."""
    return not value.strip()


def check_values(
    name: str,
    values: Mapping[str, str | None],
    *,
    allow_unavailable: bool = False,
    allow_empty: bool = False,
) -> None:
    """Raise before any write if keys are malformed or the secret would be too large.

    ``None`` stands for a value the store withheld; it is only allowed when checking a
    merge with stored values (``allow_unavailable``), never in what a caller asks to
    write (ZenML would drop it). A blank value is refused unless ``allow_empty``: an
    unset variable expanded to "" must not overwrite a real credential.
    """
    merging = allow_unavailable
    for key in values:
        if merging and isinstance(key, str) and is_valid_key(key):
            continue  # a stored key is judged by the pattern only
        problem = key_problem(key)
        if problem:
            raise InvalidSecretError(f"secret {shown(name)}: {problem.message}")
    for key, value in values.items():
        if value is None:
            if not allow_unavailable:
                raise InvalidSecretError(f"secret {shown(name)}: the value of {key} is missing")
            continue
        if not isinstance(value, str):
            raise InvalidSecretError(
                f"secret {shown(name)}: the value of {key} must be a string, "
                f"not {type(value).__name__}"
            )
        if not is_utf8(value):
            raise InvalidSecretError(
                f"secret {shown(name)}: the value of {key} is not UTF-8 text "
                "(it holds bytes that are not UTF-8)"
            )
        if not merging and not allow_empty and is_blank(value):
            raise InvalidSecretError(
                f"secret {shown(name)}: the value of {key} is empty; nothing was written "
                "(an unset variable must not overwrite a credential; CLI: --allow-empty, "
                "SDK: allow_empty=True if it is intended)"
            )
    size = secret_size(values)
    if size > MAX_SECRET_BYTES:
        raise InvalidSecretError(
            f"secret {shown(name)} would hold {size} bytes of keys and values; ZenML's limit "
            f"is {MAX_SECRET_BYTES} bytes (64 KiB). Nothing was written."
        )
