"""SecretStore over ZenML's Python client; zenml is imported on first use only."""

from __future__ import annotations

import socket
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlparse
from uuid import UUID

from kitaru.errors import (
    CredentialsError,
    InvalidSecretError,
    KitaruError,
    SecretExistsError,
    SecretNotFoundError,
    StoreError,
    StoreUnreachableError,
)
from kitaru.store.base import SecretRef, StoredSecret

if TYPE_CHECKING:
    from zenml.client import Client

PAGE_SIZE = 1000
CONNECT_TIMEOUT_S = 3.0


def check_reachable(url: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Fail in seconds, not after ZenML's ~30 s of retries, when a server is down."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((parsed.hostname, port), timeout=timeout):
            pass
    except OSError as exc:
        raise StoreUnreachableError(
            f"cannot reach the ZenML server at {parsed.scheme}://{parsed.hostname}:{port} "
            f"({exc.strerror or type(exc).__name__}); check ZENML_STORE_URL or `zenml login`"
        ) from None


def _is_connection_failure(exc: BaseException) -> bool:
    name = type(exc).__name__
    if name in {"ConnectionError", "ConnectTimeout", "ReadTimeout", "MaxRetryError", "Timeout"}:
        return True
    return isinstance(exc, RuntimeError) and "connect" in str(exc).lower()


@contextmanager
def translate_errors(action: str) -> Iterator[None]:
    """Turn ZenML's exceptions into KitaruErrors whose text kitaru wrote itself."""
    from zenml.exceptions import (
        AuthorizationException,
        CredentialsNotValid,
        EntityExistsError,
        IllegalOperationError,
    )

    try:
        yield
    except KitaruError:
        raise
    except KeyError:
        raise SecretNotFoundError(f"{action}: secret not found") from None
    except EntityExistsError:
        raise SecretExistsError(f"{action}: a secret with that name already exists") from None
    except (CredentialsNotValid, AuthorizationException):
        raise CredentialsError(
            f"{action}: the ZenML server refused the configured credentials "
            "(check ZENML_STORE_USERNAME/ZENML_STORE_PASSWORD, ZENML_STORE_API_KEY or "
            "`zenml login`)"
        ) from None
    except IllegalOperationError:
        raise StoreError(f"{action}: the ZenML store does not allow this operation") from None
    except ValueError as exc:
        if "maximum total size" in str(exc):
            raise InvalidSecretError(f"{action}: secret exceeds ZenML's 64 KiB limit") from None
        raise StoreError(f"{action}: the store rejected the request") from None
    except Exception as exc:
        if _is_connection_failure(exc):
            raise StoreUnreachableError(f"{action}: the ZenML server stopped answering") from None
        raise StoreError(f"{action}: unexpected {type(exc).__name__} from ZenML") from None


def _stored(response: Any) -> StoredSecret:
    values = {
        key: (None if value is None else value.get_secret_value())
        for key, value in response.values.items()
    }
    return StoredSecret(
        id=str(response.id), name=response.name, private=response.private, values=values
    )


class ZenMLClientStore:
    """Uses whatever store ZenML is configured for: embedded SQLite or a server."""

    def __init__(self) -> None:
        self._checked = False
        self._remote = False

    def _client(self) -> Client:
        from zenml.client import Client
        from zenml.config.global_config import GlobalConfiguration

        if not self._checked:
            url = GlobalConfiguration().store_configuration.url
            self._remote = url.startswith(("http://", "https://"))
            if self._remote:
                check_reachable(url)
            self._checked = True
        client = Client()
        with translate_errors("connecting to the ZenML store"):
            client.zen_store  # noqa: B018 - opens the store once, errors translated
        return client

    @property
    def max_workers(self) -> int:
        self._client()
        return 8 if self._remote else 1

    def _list(self, **filters: Any) -> list[SecretRef]:
        client = self._client()
        refs: list[SecretRef] = []
        page_number = 1
        with translate_errors("listing secrets"):
            while True:
                page = client.list_secrets(page=page_number, size=PAGE_SIZE, **filters)
                refs.extend(
                    SecretRef(id=str(item.id), name=item.name, private=item.private)
                    for item in page.items
                )
                if page_number >= page.total_pages:
                    return refs
                page_number += 1

    def list_all(self) -> list[SecretRef]:
        return self._list()

    def find(self, name: str) -> list[SecretRef]:
        return [ref for ref in self._list(name=f"equals:{name}") if ref.name == name]

    def get(self, secret_id: str) -> StoredSecret:
        client = self._client()
        with translate_errors("reading secret"):
            return _stored(client.zen_store.get_secret(UUID(secret_id)))

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        from zenml.models import SecretRequest

        client = self._client()
        with translate_errors(f"creating secret '{name}'"):
            request = SecretRequest(name=name, values=cast(Any, dict(values)), private=private)
            return _stored(client.zen_store.create_secret(secret=request))

    def update(
        self, secret_id: str, set_values: Mapping[str, str], remove_keys: Sequence[str]
    ) -> StoredSecret:
        from zenml.models import SecretUpdate

        client = self._client()
        changes: dict[str, str | None] = {key: None for key in remove_keys}
        changes.update(set_values)
        with translate_errors("updating secret"):
            update = SecretUpdate(values=cast(Any, changes))
            return _stored(
                client.zen_store.update_secret(secret_id=UUID(secret_id), secret_update=update)
            )

    def delete(self, secret_id: str) -> None:
        client = self._client()
        with translate_errors("deleting secret"):
            client.zen_store.delete_secret(secret_id=UUID(secret_id))

    def close(self) -> None:
        """Nothing is buffered: every call above is committed when it returns."""
