"""The one-line errors a store reports, written by kitaru (never copied from a server).

Both ways of talking to ZenML (its Python client, and kitaru's REST store) must read
the same to users; the texts live here so they cannot drift apart.
"""

from __future__ import annotations

import re
from uuid import UUID

from kitaru.errors import (
    CredentialsError,
    InvalidSecretError,
    SecretExistsError,
    SecretNotFoundError,
    StoreError,
    StoreUnreachableError,
)

CONNECTING = "connecting to the ZenML store"

# Why a server could not be reached: the same words whichever client saw the fault.
TLS_UNTRUSTED = "TLS certificate not trusted; see ZENML_STORE_VERIFY_SSL"
TLS_FAILED = "TLS handshake failed"
HUNG_UP = "it closed the connection without answering"


def no_answer(seconds: float) -> str:
    return f"no answer within {seconds:g} s"


def answered_down(status: int) -> str:
    return f"it answered HTTP {status}; it may be starting or down"


def socket_reason(exc: BaseException) -> str | None:
    """The cause of a failed connection found in ``exc``'s chain, or None: TLS first,
    then a hang-up, then the OS's words (never the exception's own text)."""
    import ssl

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return TLS_UNTRUSTED
        if isinstance(seen, ssl.SSLError):
            return TLS_FAILED
        if isinstance(seen, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            return HUNG_UP
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror
        seen = seen.__cause__ or seen.__context__
    return None


def unreachable(where: str, reason: str) -> StoreUnreachableError:
    """The first contact failed; ``where`` is ``scheme://host:port`` (no user info)."""
    return StoreUnreachableError(
        f"cannot reach the ZenML server at {where} ({reason}); "
        "check ZENML_STORE_URL or `zenml login`"
    )


def stopped(action: str) -> StoreUnreachableError:
    return StoreUnreachableError(f"{action}: the ZenML server stopped answering")


def silent(action: str, reason: str) -> StoreUnreachableError:
    """A request sent mid-command got ``reason`` (e.g. "no answer within 30 s")."""
    return StoreUnreachableError(f"{action}: the ZenML server gave {reason}")


def refused(action: str) -> CredentialsError:
    return CredentialsError(
        f"{action}: the ZenML server refused the configured credentials "
        "(check ZENML_STORE_USERNAME/ZENML_STORE_PASSWORD, ZENML_STORE_API_KEY or "
        "`zenml login`)"
    )


def not_found(action: str) -> SecretNotFoundError:
    return SecretNotFoundError(f"{action}: secret not found")


# ZenML commits a new secret's row and its values in two steps; until the values land
# (forever, if the creating process died in between) a get answers with this text, and
# a server's update and delete too, since they read the secret first (zenml 0.98.0).
# Both stores report it as ValuesMissingError, and wait a moment for the values first
# (kitaru.store.create_races.patiently). Only a server keeps such a secret stuck: the
# embedded store completes (`set`) and removes (`delete`) it, so this text is a server's.
VALUES_MISSING_MARKER = "have not been stored"
VALUES_LOST_MESSAGE = (
    "the ZenML server lists this secret but holds no values for it (its creation was "
    "interrupted), and the server's API can neither read, update nor delete a secret in "
    "that state; a server admin can remove its row from the server's database"
)


def orphan_remedy(secret_id: str, *, absent: bool = False) -> str:
    """What a server admin runs to remove an orphaned secret's row (tried on SQLite with
    zenml 0.98; the same statement suits MySQL/MariaDB, where ZenML also keeps IDs as
    32 hex characters). Only a real UUID is quoted into the SQL: the ID came from the
    server, and an admin may paste this."""
    try:
        hex_id = UUID(secret_id).hex
    except ValueError:
        return "a server admin removes its row from the `secret` table of ZenML's database"
    return (
        "a server admin removes its row from ZenML's database with "
        f"DELETE FROM secret WHERE id = '{hex_id}' AND `values` IS NULL; "
        + ("then it is gone, as the manifest declares" if absent else "then apply creates it")
    )


def orphaned(secret_id: str, *, absent: bool = False) -> str:
    """The plan's finding for a declared secret a server lists but holds no values for
    (``absent``: declared ``state: absent``, which no API can bring about either)."""
    cannot = "delete it" if absent else "write it"
    return (
        "the ZenML server lists this secret but holds no values for it (its creation was "
        f"interrupted) and can neither read, update nor delete it, so apply cannot {cannot}; "
        + orphan_remedy(secret_id, absent=absent)
    )


class ValuesMissingError(SecretNotFoundError):
    """Listed, but without values: being created right now, or never finished."""


def values_missing(action: str) -> ValuesMissingError:
    return ValuesMissingError(f"{action}: {VALUES_LOST_MESSAGE}")


def exists(action: str) -> SecretExistsError:
    return SecretExistsError(f"{action}: a secret with that name already exists")


def not_allowed(action: str) -> StoreError:
    return StoreError(f"{action}: the ZenML store does not allow this operation")


def too_big(action: str) -> InvalidSecretError:
    return InvalidSecretError(f"{action}: secret exceeds ZenML's 64 KiB limit")


class RejectedError(StoreError):
    """The store refused the request as malformed (HTTP 400/422, or ZenML's ValueError)."""


def rejected(action: str) -> RejectedError:
    return RejectedError(f"{action}: the store rejected the request")


def server_failed(action: str, status: int) -> StoreError:
    return StoreError(f"{action}: the ZenML server failed (HTTP {status}); try again later")


_EXTRA_HINT = re.compile(r"zenml\[([a-z0-9][a-z0-9_-]*)\]")


def missing_part(action: str, exc: ImportError) -> StoreError:
    """ZenML lacks an optional part the configured store needs (an extra, a module), or
    a part of ZenML itself is missing (a ZenML outside kitaru's range).

    ZenML's own text names the extra (e.g. ``zenml[local]`` for the embedded store);
    kitaru only takes that name from it, pinned to the installed zenml version.
    """
    from kitaru.store import compat

    hint = _EXTRA_HINT.search(str(exc))
    if hint is not None:
        fix = f"pip install 'zenml[{hint.group(1)}]=={_zenml_version()}'"
        return StoreError(f"{action}: zenml's '{hint.group(1)}' extra is not installed; run: {fix}")
    inside = compat.missing_in_zenml(exc)
    if inside is not None:
        installed = compat.installed_client()
        if installed is None:
            refusal = compat.client_refusal(None)
            assert refusal is not None
            return StoreError(f"{action}: {refusal}")
        return StoreError(
            f"{action}: the installed zenml {_zenml_version()} has no '{inside}'; kitaru "
            f"supports ZenML clients {compat.client_range_text()}"
        )
    module = (exc.name or "").split(".")[0]
    if module and _MODULE_NAME.fullmatch(module):
        return StoreError(
            f"{action}: the Python package '{module}' that ZenML needs is not installed; run: "
            f"pip install {module}"
        )
    return StoreError(f"{action}: ZenML could not load one of its optional parts")


_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _zenml_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zenml")
    except PackageNotFoundError:
        return "unknown"
