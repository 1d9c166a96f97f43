"""SecretStore over ZenML's Python client; zenml is imported on first use only."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from kitaru import startup
from kitaru.errors import KitaruError, StoreError
from kitaru.store import compat, failures
from kitaru.store.base import LIST_PAGE_SIZE, SecretRef, StoredSecret, as_utc
from kitaru.store.create_races import create_once, patiently
from kitaru.store.lost_updates import patch, update_until_kept
from kitaru.store.server_config import (
    DEFAULT_READ_TIMEOUT_S,
    is_server_url,
    read_server_config,
    store_url,
)
from kitaru.store.workers import remote_workers
from kitaru.store.zenml_process import (
    check_reachable,
    fail_fast,
    quiet_retries,
    zenml_console_on_stderr,
)

if TYPE_CHECKING:
    from zenml.client import Client

PAGE_SIZE = LIST_PAGE_SIZE


_SERVER_STATUS = re.compile(r"^(5\d\d) HTTP Error|too many (5\d\d) error responses")


def _server_status(exc: BaseException) -> int | None:
    """The 5xx status ZenML gave up on (its error text is read, never shown)."""
    match = _SERVER_STATUS.search(str(exc))
    return None if match is None else int(match.group(1) or match.group(2))


def _read_timeout() -> float:
    config = read_server_config()
    return DEFAULT_READ_TIMEOUT_S if config is None else config.read_timeout


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
    except KeyError as exc:
        if failures.VALUES_MISSING_MARKER in str(exc):
            raise failures.values_missing(action) from None
        raise failures.not_found(action) from None
    except EntityExistsError:
        raise failures.exists(action) from None
    except ImportError as exc:
        raise failures.missing_part(action, exc) from None
    except (CredentialsNotValid, AuthorizationException):
        raise failures.refused(action) from None
    except IllegalOperationError:
        raise failures.not_allowed(action) from None
    except ValueError as exc:
        if compat.too_big(str(exc)):
            raise failures.too_big(action) from None
        raise failures.rejected(action) from None
    except Exception as exc:
        # The REST store's words for the same faults (kitaru.store.failures).
        status = _server_status(exc)
        if status is not None:
            raise failures.server_failed(action, status) from None
        if type(exc).__name__ == "ReadTimeout":
            raise failures.silent(action, failures.no_answer(_read_timeout())) from None
        if _is_connection_failure(exc):
            raise failures.stopped(action) from None
        raise StoreError(f"{action}: unexpected {type(exc).__name__} from ZenML") from None


def _stored(response: Any) -> StoredSecret:
    values = {
        key: (None if value is None else value.get_secret_value())
        for key, value in response.values.items()
    }
    return StoredSecret(
        id=str(response.id),
        name=response.name,
        private=response.private,
        values=values,
        user_id=_user_id(response),
        created=as_utc(response.created),
        updated=as_utc(response.updated),
    )


def _user_id(response: Any) -> str | None:
    """The creating user's ID, carried in the body of every ZenML secret response."""
    return compat.client_owner(response)


def _page_size() -> int:
    """ZenML's client refuses a page larger than its PAGE_SIZE_MAXIMUM, which
    ZENML_PAGINATION_DEFAULT_LIMIT lowers too (zenml 0.98 reads that one variable for both)."""
    from zenml.constants import PAGE_SIZE_MAXIMUM

    return max(1, min(PAGE_SIZE, PAGE_SIZE_MAXIMUM))


class ZenMLClientStore:
    """Uses whatever store ZenML is configured for: embedded SQLite or a server."""

    def __init__(self) -> None:
        self._checked = False
        self._remote = False

    def _check_once(self) -> None:
        """A dead server, a server or a ZenML client outside the supported range are
        reported before the seconds of `import zenml` are spent (and before ZenML's
        client rewrites the version in the user's ZenML config)."""
        expected = store_url()  # found in milliseconds, before zenml's seconds of import
        if is_server_url(expected):
            check_reachable(str(expected))
            config = read_server_config()
            if config is not None:
                from kitaru.store.selection import check_server_of

                check_server_of(config)
        compat.check_client()
        with translate_errors(failures.CONNECTING):
            from zenml.config.global_config import GlobalConfiguration

            quiet_retries()
            with zenml_console_on_stderr():
                url = GlobalConfiguration().store_configuration.url
        self._remote = is_server_url(url)
        if self._remote and url != expected:
            check_reachable(url)
        self._checked = True

    def _client(self) -> Client:
        if not self._checked:
            self._check_once()
        from zenml.client import Client

        client = Client()
        with translate_errors(failures.CONNECTING), zenml_console_on_stderr():
            zen_store = client.zen_store
        startup.resume()  # zenml is loaded: the CLI's paused collector may run again
        if self._remote:
            fail_fast(zen_store)
        return client

    @property
    def max_workers(self) -> int:
        self._client()
        return remote_workers() if self._remote else 1

    def _list(self, **filters: Any) -> list[SecretRef]:
        client = self._client()
        refs: list[SecretRef] = []
        page_number = 1
        with translate_errors("listing secrets"):
            while True:
                page = client.list_secrets(page=page_number, size=_page_size(), **filters)
                refs.extend(
                    SecretRef(
                        id=str(item.id),
                        name=item.name,
                        private=item.private,
                        user_id=_user_id(item),
                        created=as_utc(item.created),
                        updated=as_utc(item.updated),
                    )
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

        def read() -> StoredSecret:
            with translate_errors("reading secret"):
                return _stored(client.zen_store.get_secret(UUID(secret_id)))

        try:
            return patiently(read)
        except failures.ValuesMissingError:
            if self._remote:
                raise
            return self._incomplete(secret_id)

    def _incomplete(self, secret_id: str) -> StoredSecret:
        """A secret whose creation was killed between ZenML's two commits (row, values).

        A server's API reads the values before any update or delete, so there it stays
        stuck; ZenML's embedded store updates it (storing the values) and deletes it
        without reading them, so it is handed on without values for `set` to complete
        and `delete` to remove. Its metadata comes from the list, which has no values.
        """
        wanted = str(UUID(secret_id))
        for ref in self._list(id=wanted):
            if ref.id == wanted:
                return StoredSecret(
                    ref.id,
                    ref.name,
                    ref.private,
                    values={},
                    incomplete=True,
                    user_id=ref.user_id,
                    created=ref.created,
                    updated=ref.updated,
                )
        raise failures.not_found("reading secret")

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        from zenml.models import SecretRequest

        client = self._client()
        action = f"creating secret '{name}'"

        def write() -> StoredSecret:
            with translate_errors(action):
                request = SecretRequest(name=name, values=cast(Any, dict(values)), private=private)
                return _stored(client.zen_store.create_secret(secret=request))

        if not self._remote:
            return write()
        return create_once(write, self.find, name, private, action)

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        from zenml.models import SecretUpdate

        client = self._client()
        changes = patch(set_values, remove_keys)

        def write() -> StoredSecret:
            with translate_errors("updating secret"):
                update = SecretUpdate(values=cast(Any, changes))
                return _stored(
                    client.zen_store.update_secret(secret_id=UUID(secret_id), secret_update=update)
                )

        if not self._remote:
            return patiently(write)
        return update_until_kept(
            lambda: patiently(write), lambda: self.get(secret_id), set_values, remove_keys, before
        )

    def delete(self, secret_id: str) -> None:
        client = self._client()

        def remove() -> None:
            with translate_errors("deleting secret"):
                client.zen_store.delete_secret(secret_id=UUID(secret_id))

        patiently(remove)

    def current_user_id(self) -> str | None:
        client = self._client()
        with translate_errors("reading the current user"):
            return str(client.active_user.id)

    def close(self) -> None:
        """Nothing is buffered: every call above is committed when it returns."""
