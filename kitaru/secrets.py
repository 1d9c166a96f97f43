"""The SDK: exact, visibility-aware secret operations over any SecretStore."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kitaru.errors import SecretExistsError, SecretNotFoundError, SecretOwnerError
from kitaru.naming import check_name, check_values, is_utf8, shown, visibility_word
from kitaru.naming import is_uuid as _is_uuid
from kitaru.safe_text import for_terminal
from kitaru.secret_models import Secret, SecretSummary
from kitaru.store import SecretRef, SecretStore, StoredSecret, open_store
from kitaru.store.create_races import create_or_update
from kitaru.store.fetch import fetch_existing

log = logging.getLogger("kitaru")
T = TypeVar("T")

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


def _not_found(name_or_id: str, private: bool | None) -> SecretNotFoundError:
    scope = "" if private is None else f"{visibility_word(private)} "
    return SecretNotFoundError(f"no {scope}secret {shown(name_or_id)} found")


@dataclass(frozen=True)
class Found(Generic[T]):
    """What a lookup found, and the public secret of the same name it passed over."""

    result: T
    shadowed: SecretRef | None = None


def warn_shadowed(found: Found[Any]) -> None:
    """The SDK's notice (a log warning) that a private secret won over a public twin."""
    if found.shadowed is not None:
        log.warning(
            "secret '%s': your private secret shadows a public one of the same name (%s); "
            "reach that one with private=False or its ID",
            for_terminal(found.shadowed.name),  # from the store: any user may have named it
            for_terminal(found.shadowed.id),
        )


def find_by_name(store: SecretStore, name: str, private: bool | None = None) -> list[SecretRef]:
    """Exact-name matches, optionally narrowed to one visibility."""
    if not is_utf8(name):
        return []  # no stored name holds bytes that are not UTF-8
    matches = store.find(name)
    if private is not None:
        matches = [ref for ref in matches if ref.private == private]
    return matches


def prefer_private(matches: list[SecretRef]) -> Found[SecretRef]:
    """A private secret is always the caller's own, so it wins over a public one of the
    same name: no other user can break (or redirect) a lookup by making a public twin."""
    ordered = sorted(matches, key=lambda ref: (not ref.private, ref.id))
    chosen = ordered[0]
    shadowed = next((ref for ref in ordered if ref.private != chosen.private), None)
    return Found(chosen, shadowed)


def resolve(
    store: SecretStore, name_or_id: str, private: bool | None = None
) -> Found[StoredSecret]:
    """Exactly one secret by full ID or exact name; never a partial match."""
    if _is_uuid(name_or_id):
        try:
            secret = store.get(name_or_id)
        except SecretNotFoundError:
            secret = None
        if secret is not None and private in (None, secret.private):
            return Found(secret)
    matches = find_by_name(store, name_or_id, private)
    if not matches:
        raise _not_found(name_or_id, private)
    picked = prefer_private(matches)
    return Found(store.get(picked.result.id), picked.shadowed)


def to_secret(secret: StoredSecret) -> Secret:
    return Secret(
        name=secret.name,
        id=secret.id,
        private=secret.private,
        values=secret.readable,
        unavailable_keys=secret.unavailable,
        created=secret.created,
        updated=secret.updated,
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
    return to_secret(store.create(name, dict(values), private)).summary()


@dataclass(frozen=True)
class SetOutcome:
    """What ``set`` did, for the CLI to report."""

    summary: SecretSummary
    created: bool
    keys_written: list[str]
    visibility_kept: bool  # a requested visibility was ignored for an existing secret
    shadowed: SecretRef | None = None  # a public twin passed over for the caller's private one


def _set_target(store: SecretStore, name: str, private: bool | None) -> Found[StoredSecret | None]:
    """The existing secret `set` would update: by full ID, else by exact name (the asked
    visibility first; with none asked, the caller's private one first)."""
    if _is_uuid(name):
        try:
            return Found(store.get(name))
        except SecretNotFoundError:
            pass
    matches = find_by_name(store, name)
    if not matches:
        return Found(None)
    if private is not None:
        chosen = [ref for ref in matches if ref.private == private] or matches
        return Found(store.get(chosen[0].id))
    picked = prefer_private(matches)
    return Found(store.get(picked.result.id), picked.shadowed)


def _check_writable(store: SecretStore, secret: StoredSecret, private: bool | None) -> None:
    """A value given as private never goes into a public secret another user created
    (anyone may make a public secret named like yours, to collect what you write)."""
    if not private or secret.private:
        return
    me = store.current_user_id()
    if secret.user_id is None or me is None or secret.user_id != me:
        raise SecretOwnerError(
            f"secret {shown(secret.name)} exists as a public secret created by another user; "
            "values given as private are never written into it (nothing was written)"
        )


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
    found = _set_target(store, name, private)
    keys = sorted(values)

    def check(existing: StoredSecret) -> None:
        _check_writable(store, existing, private)
        merged: dict[str, str | None] = dict(existing.values)
        merged.update(values)
        check_values(existing.name, merged, allow_unavailable=True)

    if found.result is None:
        _check_new_name(name, private)
        written, created = create_or_update(store, name, values, bool(private), check=check)
        return SetOutcome(to_secret(written).summary(), created, keys, False)
    existing = found.result
    check(existing)
    updated = store.update(existing.id, dict(values), [], before=existing.values)
    kept = private is not None and private != existing.private
    return SetOutcome(to_secret(updated).summary(), False, keys, kept, found.shadowed)


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
    ``private=True`` never writes into a public secret another user created.
    """
    outcome = upsert_secret(name, values, private=private, allow_empty=allow_empty, store=store)
    warn_shadowed(Found(None, outcome.shadowed))
    return outcome.summary


def get_secret_found(
    name_or_id: str, *, private: bool | None = None, store: SecretStore | None = None
) -> Found[Secret]:
    """``get_secret``, also telling which public twin (if any) was passed over."""
    found = resolve(store or open_store(), str(name_or_id), private)
    secret = to_secret(found.result)
    for observer in _read_observers:
        observer(secret)
    return Found(secret, found.shadowed)


def get_secret(
    name_or_id: str, *, private: bool | None = None, store: SecretStore | None = None
) -> Secret:
    """Exact lookup by name or full ID, with values. Load it inside the function body.

    By name, your private secret wins over a public one of the same name (logged as a
    warning); ``private=False`` or the ID reaches the public one.
    """
    found = get_secret_found(name_or_id, private=private, store=store)
    warn_shadowed(found)
    return found.result


def describe_secret_found(
    name_or_id: str, *, private: bool | None = None, store: SecretStore | None = None
) -> Found[SecretSummary]:
    found = resolve(store or open_store(), str(name_or_id), private)
    return Found(
        to_secret(found.result).summary(incomplete=found.result.incomplete), found.shadowed
    )


def describe_secret(
    name_or_id: str, *, private: bool | None = None, store: SecretStore | None = None
) -> SecretSummary:
    """Metadata of one secret, without handing its values to the caller."""
    found = describe_secret_found(name_or_id, private=private, store=store)
    warn_shadowed(found)
    return found.result


def list_secrets(
    *,
    keys: bool = False,
    store: SecretStore | None = None,
    on_read: Callable[[int, int, str], None] | None = None,
) -> list[SecretSummary]:
    """Every secret the caller may see, sorted by name then visibility.

    By default from the paged listing alone (one request per 10,000 secrets): name, ID,
    visibility and times, with ``keys=None``. ``keys=True`` also reads each secret for its
    key names (one read per secret, as many at once as the store allows; ``on_read(done,
    total, name)`` follows them); a secret whose creation was interrupted is then
    ``incomplete`` with no keys (and ``orphaned`` on a server, which cannot read it).
    """
    store = store or open_store()
    refs = store.list_all()
    summaries = _with_keys(store, refs, on_read) if keys else [_listed(ref) for ref in refs]
    return sorted(summaries, key=lambda s: (s.name, s.private, s.id))


def _listed(ref: SecretRef, *, orphaned: bool = False) -> SecretSummary:
    """A listed secret's metadata without reading it (``keys`` None: not read)."""
    return SecretSummary(
        name=ref.name,
        id=ref.id,
        private=ref.private,
        keys=[] if orphaned else None,
        created=ref.created,
        updated=ref.updated,
        incomplete=orphaned,
        orphaned=orphaned,
    )


def _with_keys(
    store: SecretStore, refs: list[SecretRef], on_read: Callable[[int, int, str], None] | None
) -> list[SecretSummary]:
    """Each listed secret read for its key names; one deleted meanwhile is left out."""
    by_id = {ref.id: ref for ref in refs}

    def read(done: int, total: int, secret_id: str) -> None:
        if on_read is not None:
            on_read(done, total, by_id[secret_id].name)

    fetched = fetch_existing(store, by_id, read)
    summaries = [
        to_secret(s)
        .summary(incomplete=s.incomplete)
        .model_copy(update={"created": s.created, "updated": s.updated})
        for s in fetched.secrets
    ]
    return summaries + [_listed(by_id[i], orphaned=True) for i in sorted(fetched.orphaned)]


def delete_secret_found(
    name_or_id: str, *, private: bool | None = None, store: SecretStore | None = None
) -> Found[SecretSummary]:
    store = store or open_store()
    found = resolve(store, str(name_or_id), private)
    store.delete(found.result.id)
    return Found(
        to_secret(found.result).summary(incomplete=found.result.incomplete), found.shadowed
    )


def delete_secret(
    name_or_id: str, *, private: bool | None = None, store: SecretStore | None = None
) -> SecretSummary:
    """Delete exactly one secret and return what it was (metadata only)."""
    found = delete_secret_found(name_or_id, private=private, store=store)
    warn_shadowed(found)
    return found.result


@dataclass(frozen=True)
class Environment:
    """What ``secret_environment`` found: the variables, which secrets gave them (in the
    order asked) and the public twins passed over for the caller's private secrets."""

    variables: dict[str, str]
    secrets: list[SecretSummary]
    shadowed: list[SecretRef]


def _environment(
    store: SecretStore,
    wanted: list[tuple[str, bool | None]],
    override: bool,
    allow_keys: frozenset[str],
) -> Environment:
    from kitaru.programs.environment import SecretValues, merge

    read: list[Secret] = []
    shadowed: list[SecretRef] = []
    seen: set[str] = set()
    for name_or_id, private in wanted:
        found = resolve(store, str(name_or_id), private)
        if found.result.id in seen:
            continue  # the same secret asked twice (by name and ID) gives its keys once
        seen.add(found.result.id)
        secret = to_secret(found.result)
        for observer in _read_observers:
            observer(secret)
        read.append(secret)
        if found.shadowed is not None:
            shadowed.append(found.shadowed)
    variables = merge(
        [SecretValues(s.name, s.values, s.unavailable_keys) for s in read],
        override=override,
        allow_keys=allow_keys,
    )
    return Environment(variables, [s.summary() for s in read], shadowed)


def _allowed(allow_keys: Iterable[str] | str | None) -> frozenset[str]:
    from kitaru.programs.environment import allowed_keys

    return allowed_keys(allow_keys)


def secret_environment_found(
    *names_or_ids: str,
    private: bool | None = None,
    override: bool = False,
    allow_keys: Iterable[str] | str | None = (),
    store: SecretStore | None = None,
) -> Environment:
    """``secret_environment``, also telling which secrets and public twins were involved."""
    allowed = _allowed(allow_keys)  # a wrong name is refused before the store is opened
    wanted = [(name, private) for name in names_or_ids]
    return _environment(store or open_store(), wanted, override, allowed)


def secret_environment(
    *names_or_ids: str,
    private: bool | None = None,
    override: bool = False,
    allow_keys: Iterable[str] | str | None = (),
    store: SecretStore | None = None,
) -> dict[str, str]:
    """Every key of these secrets as environment variables (``os.environ``-style).

    Each is found exactly as ``get_secret`` finds it. A key two of them provide is an
    error naming both, unless ``override`` (the later one wins); a withheld value, a key
    that is not a variable name or a value holding NUL is an error. A key that changes
    how programs start (``BASH_ENV``, ``LD_PRELOAD``, ``PATH``, ``PYTHONPATH``, proxies,
    ``GIT_*``, ``ZENML_*``, ...: ``kitaru.programs.steering_keys``) is an error naming the
    secret and the key, unless its exact name is in ``allow_keys``: whoever can write the
    secret (any user of the server, for a public one) would otherwise steer your program.
    """
    found = secret_environment_found(
        *names_or_ids, private=private, override=override, allow_keys=allow_keys, store=store
    )
    for twin in found.shadowed:
        warn_shadowed(Found(None, twin))
    return found.variables


def manifest_environment(
    manifest_path: str,
    targets: list[str] | None = None,
    *,
    override: bool = False,
    allow_keys: Iterable[str] | str | None = (),
    store: SecretStore | None = None,
) -> Environment:
    """The stored values of a manifest's secrets (each of its declared visibility), or of
    the ``targets`` among them; a target the manifest does not declare is an error, and a
    secret it declares ``state: absent`` gives nothing. Keys that change how programs
    start are refused unless named in ``allow_keys``, as by ``secret_environment``."""
    from kitaru.sync import targets as targeting
    from kitaru.sync.manifest import load_manifest

    allowed = _allowed(allow_keys)
    manifest = targeting.only(load_manifest(manifest_path), targets or ())
    wanted: list[tuple[str, bool | None]] = [
        (spec.name, spec.private) for spec in manifest.secrets if not spec.absent
    ]
    return _environment(store or open_store(), wanted, override, allowed)
