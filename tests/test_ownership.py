"""The SDK's identity rules as properties, over kitaru's in-memory SecretStore.

Whatever secrets exist (either visibility, made by the caller, by another user or by
nobody the store names), a value given as private never lands in a public secret another
user created, and a lookup by name never fails or strays because a public twin exists.
"""

from __future__ import annotations

from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from kitaru.errors import SecretNotFoundError, SecretOwnerError
from kitaru.secrets import get_secret, upsert_secret
from kitaru.store.base import StoredSecret
from tests.sync.stores import MemoryStore

CANARY = "given-as-private-canary-61f0"
NAMES = ("app", "db")


@st.composite
def stores(draw: st.DrawFn) -> list[StoredSecret]:
    secrets = []
    for index, (name, private) in enumerate(
        draw(st.sets(st.tuples(st.sampled_from(NAMES), st.booleans()), max_size=4))
    ):
        # a private secret is always its creator's own: only the caller sees one
        creator = "me" if private else draw(st.sampled_from(["me", "bob", None]))
        secret_id = str(UUID(int=index + 1))
        secrets.append(StoredSecret(secret_id, name, private, {"OLD": f"old-{index}"}, creator))
    return secrets


@given(stores(), st.data())
def test_a_value_given_as_private_never_reaches_another_users_secret(
    initial: list[StoredSecret], data: st.DataObject
) -> None:
    store = MemoryStore(initial, user_id="me")
    target = data.draw(st.sampled_from([*NAMES, *(s.id for s in initial)] or NAMES))
    try:
        outcome = upsert_secret(target, {"KEY": CANARY}, private=True, store=store)
    except SecretOwnerError:
        outcome = None
    for secret in store.secrets.values():
        if CANARY in secret.values.values():
            assert secret.private or secret.user_id == "me"
    if outcome is None:  # refused: only ever for someone else's public secret
        refused = [s for s in initial if target in (s.id, s.name)]
        assert refused and all(not s.private and s.user_id != "me" for s in refused)
        assert all(CANARY not in s.values.values() for s in store.secrets.values())


@given(stores(), st.sampled_from(NAMES))
def test_a_lookup_by_name_prefers_the_callers_private_secret(
    initial: list[StoredSecret], name: str
) -> None:
    store = MemoryStore(initial, user_id="me")
    named = {s.private: s for s in initial if s.name == name}
    try:
        found = get_secret(name, store=store)
    except SecretNotFoundError:
        assert not named
        return
    assert found.id == (named.get(True) or named[False]).id
    if False in named:
        assert get_secret(name, private=False, store=store).id == named[False].id
        assert get_secret(named[False].id, store=store).id == named[False].id
