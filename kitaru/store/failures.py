"""The one-line errors a store reports, written by kitaru (never copied from a server).

Both ways of talking to ZenML (its Python client, and kitaru's REST store) must read
the same to users; the texts live here so they cannot drift apart.
"""

from __future__ import annotations

from kitaru.errors import (
    CredentialsError,
    InvalidSecretError,
    SecretExistsError,
    SecretNotFoundError,
    StoreError,
    StoreUnreachableError,
)

CONNECTING = "connecting to the ZenML store"


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


def rejected(action: str) -> StoreError:
    return StoreError(f"{action}: the store rejected the request")


def server_failed(action: str, status: int) -> StoreError:
    return StoreError(f"{action}: the ZenML server failed (HTTP {status}); try again later")
