"""The one-line failures of model aliases and ``llm()``; each is a ``KitaruError``."""

from __future__ import annotations

from kitaru.errors import KitaruError, UsageError


class ModelRegistryError(KitaruError):
    """The alias registry (``kitaru.yaml``, ``KITARU_MODEL_REGISTRY``) cannot be used."""


class ModelAliasError(UsageError):
    """An alias or model string that is not valid, or names nothing registered."""


class MissingExtraError(KitaruError):
    """The provider's SDK is not installed; the message names the ``pip install``."""


class LLMCredentialsError(KitaruError):
    """No key for the provider: none in the environment, none in the linked secret."""


class ProviderError(KitaruError):
    """The provider refused or failed the call; the text never holds the key."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
