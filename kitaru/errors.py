"""Every failure kitaru reports: one line for the user and the exit code it maps to.

Messages are built by kitaru itself, never copied from a backend exception, so no
secret value can reach an error message by accident.
"""

from __future__ import annotations


class KitaruError(Exception):
    """Base of all kitaru failures; ``str(err)`` is the one line shown to users."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(KitaruError):
    """The command was called wrongly (bad flag, missing file argument)."""

    exit_code = 2


class InvalidSecretError(KitaruError):
    """A name, key or size rule would be broken by a write; nothing was written."""


class SecretNotFoundError(KitaruError, KeyError):
    """No secret the caller may see matches.

    Also a ``KeyError`` so code written against ZenML's client keeps working. The
    message never tells whether someone else's private secret of that name exists.
    """

    def __str__(self) -> str:  # KeyError would otherwise add quotes
        return self.message


class SecretExistsError(KitaruError):
    """``create_secret`` found a secret with that name and visibility."""


class SecretOwnerError(KitaruError):
    """A value given as private would have gone into a public secret another user created."""


class StoreUnreachableError(KitaruError):
    """The secret store (usually a ZenML server) did not answer."""


class CredentialsError(KitaruError):
    """The store refused the configured credentials."""


class StoreError(KitaruError):
    """Any other backend failure, reported without the backend's own text."""


class ManifestError(KitaruError):
    """A manifest could not be loaded; ``findings`` hold one line per problem."""

    def __init__(self, findings: list[str]) -> None:
        super().__init__("\n".join(findings))
        self.findings = findings


class MissingValuesError(KitaruError):
    """Declared values that no source provides; nothing was written."""


class SecretLeakError(KitaruError):
    """A checkpoint tried to return a value it had read from a secret."""
