"""The SDK: exact, visibility-aware secret operations over any SecretStore."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from uuid import UUID

from kitaru.errors import (
    AmbiguousSecretError,
    SecretExistsError,
    SecretNotFoundError,
)
from kitaru.models import Secret, SecretSummary
from kitaru.naming import check_name, check_values, is_utf8, shown
from kitaru.store import SecretRef, SecretStore, StoredSecret, open_store
from kitaru.store.fetch import fetch_existing

# Called with every Secret that get_secret hands out (the runtime's leak guards hook in).
_read_observers: list[Callable[[Secret], None]] = []


def add_read_observer(observer: Callable[[Secret], None]) -> None:
    if observer not in _read_observers:
        _read_observers.append(observer)


def _observe_reads_at_runtime() -> None:
    """Log redaction, leak guard and import-time warning (kitaru.runtime imports no zenml)."""
    from kitaru.runtime.reads import on_secret_read

    add_read_observer(on_secret_read)


_observe_reads_at_runtime()


def visibility_word(private: bool) -> str:
    return "private" if private else "public"


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def _ambiguous(name: str, matches: list[SecretRef]) -> AmbiguousSecretError:
    ids = ", ".join(f"{visibility_word(ref.private)} {ref.id}" for ref in matches)
    return AmbiguousSecretError(
        f"secret '{name}' is ambiguous: a public and a private secret share the name ({ids}); "
        "choose one with --public/--private (SDK: private=False/True) or use its ID"
    )


def _not_found(name_or_id: str, private: bool | None) -> SecretNotFoundError:
    scope = "" if private is None else f"{visibility_word(private)} "
    return SecretNotFoundError(f"no {scope}secret {shown(name_or_id)} found")


def find_by_name(store: SecretStore, name: str, private: bool | None = None) -> list[SecretRef]:
    """Exact-name matches, optionally narrowed to one visibility."""
    if not is_utf8(name):
        return []  # no stored name holds bytes that are not UTF-8
    matches = store.find(name)
    if private is not None:
        matches = [ref for ref in matches if ref.private == private]
    return matches


def resolve(store: SecretStore, name_or_id: str, private: bool | None = None) -> StoredSecret:
    """Exactly one secret by full ID or exact name; never a partial match."""
    if _is_uuid(name_or_id):
        try:
            secret = store.get(name_or_id)
        except SecretNotFoundError:
            secret = None
        if secret is not None and private in (None, secret.private):
            return secret
    matches = find_by_name(store, name_or_id, private)
    if not matches:
        raise _not_found(name_or_id, private)
    if len(matches) > 1:
        raise _ambiguous(name_or_id, matches)
    return store.get(matches[0].id)


def summarize(secret: StoredSecret) -> SecretSummary:
    return SecretSummary(
        name=secret.name,
        id=secret.id,
        private=secret.private,
        keys=sorted(secret.values),
        unavailable_keys=secret.unavailable,
    )


def to_secret(secret: StoredSecret) -> Secret:
    return Secret(
        name=secret.name,
        id=secret.id,
        private=secret.private,
        values=secret.readable,
        unavailable_keys=secret.unavailable,
    )


def create_secret(
    name: str,
    values: Mapping[str, str],
    *,
    private: bool = False,
    allow_empty: bool = False,
    store: SecretStore | None = None,
) -> SecretSummary:
    """Create a new secret; fails if one with that name and visibility exists.

    A blank value is refused unless ``allow_empty`` (an unset variable expands to "").
    """
    check_name(name)
    check_values(name, values, allow_empty=allow_empty)
    store = store or open_store()
    if find_by_name(store, name, private):
        raise SecretExistsError(
            f"a {visibility_word(private)} secret {shown(name)} already exists; "
            "use set_secret / `kitaru secrets set` to update it"
        )
    return summarize(store.create(name, dict(values), private))


@dataclass(frozen=True)
class SetOutcome:
    """What ``set`` did, for the CLI to report."""

    summary: SecretSummary
    created: bool
    keys_written: list[str]
    visibility_kept: bool  # a requested visibility was ignored for an existing secret


def _set_target(store: SecretStore, name: str, private: bool | None) -> StoredSecret | None:
    """The existing secret `set` would update: by full ID, else by exact name."""
    if _is_uuid(name):
        try:
            return store.get(name)
        except SecretNotFoundError:
            pass
    matches = find_by_name(store, name)
    if len(matches) > 1:
        chosen = [ref for ref in matches if private is not None and ref.private == private]
        if not chosen:
            raise _ambiguous(name, matches)
        matches = chosen
    return store.get(matches[0].id) if matches else None


def _check_new_name(name: str, private: bool | None) -> None:
    if _is_uuid(name):
        # `set` looks a UUID-shaped argument up as an ID; creating a secret with that name
        # would turn a mistyped or invisible ID into a new secret.
        raise _not_found(name, private)
    check_name(name)


def upsert_secret(
    name: str,
    values: Mapping[str, str],
    *,
    private: bool | None = None,
    allow_empty: bool = False,
    store: SecretStore | None = None,
) -> SetOutcome:
    """Create the secret or update only the given keys; never changes visibility.

    A blank value is refused unless ``allow_empty``: it would overwrite a credential.
    """
    check_values(name, values, allow_empty=allow_empty)
    store = store or open_store()
    existing = _set_target(store, name, private)
    keys = sorted(values)
    if existing is None:
        _check_new_name(name, private)
        try:
            created = store.create(name, dict(values), bool(private))
            return SetOutcome(summarize(created), True, keys, False)
        except SecretExistsError:
            # Another writer created it between the lookup and the create: update theirs.
            existing = _set_target(store, name, private)
            if existing is None:
                raise
    merged: dict[str, str | None] = dict(existing.values)
    merged.update(values)
    check_values(existing.name, merged, allow_unavailable=True)
    updated = store.update(existing.id, dict(values), [])
    kept = private is not None and private != existing.private
    return SetOutcome(summarize(updated), False, keys, kept)


def set_secret(
    name: str,
    values: Mapping[str, str],
    *,
    private: bool | None = None,
    allow_empty: bool = False,
    store: SecretStore | None = None,
) -> SecretSummary:
    """Upsert: create when missing, else update the given keys; visibility untouched.

    A blank value is refused unless ``allow_empty``: it would overwrite a credential.
    """
    return upsert_secret(
        name, values, private=private, allow_empty=allow_empty, store=store
    ).summary


def get_secret(
    name_or_id: str, *, private: bool | None = None, store: SecretStore | None = None
) -> Secret:
    """Exact lookup by name or full ID, with values. Load it inside the function body."""
    secret = to_secret(resolve(store or open_store(), str(name_or_id), private))
    for observer in _read_observers:
        observer(secret)
    return secret


def describe_secret(
    name_or_id: str, *, private: bool | None = None, store: SecretStore | None = None
) -> SecretSummary:
    """Metadata of one secret, without handing its values to the caller."""
    return summarize(resolve(store or open_store(), str(name_or_id), private))


def list_secrets(*, store: SecretStore | None = None) -> list[SecretSummary]:
    """Every secret the caller may see, with key names, sorted by name then visibility."""
    store = store or open_store()
    secrets = fetch_existing(store, [ref.id for ref in store.list_all()])
    return sorted((summarize(s) for s in secrets), key=lambda s: (s.name, s.private, s.id))


def delete_secret(
    name_or_id: str, *, private: bool | None = None, store: SecretStore | None = None
) -> SecretSummary:
    """Delete exactly one secret and return what it was (metadata only)."""
    store = store or open_store()
    secret = resolve(store, str(name_or_id), private)
    store.delete(secret.id)
    return summarize(secret)
