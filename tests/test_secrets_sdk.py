"""The SDK against a real embedded ZenML store."""

from __future__ import annotations

import copy
import json
import pickle
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kitaru
from kitaru.errors import (
    InvalidSecretError,
    SecretExistsError,
    SecretNotFoundError,
)
from kitaru.naming import MAX_SECRET_BYTES
from kitaru.secret_models import Secret
from kitaru.secrets import describe_secret, upsert_secret
from kitaru.store import open_store
from tests.conftest import KitaruEnv
from tests.sync.stores import CountingStore


def test_documented_example(kitaru_env: KitaruEnv) -> None:
    created = kitaru.create_secret("github-creds", {"GITHUB_TOKEN": "ghp_example"})
    assert created.private is False
    assert created.keys == ["GITHUB_TOKEN"]
    assert "ghp_example" not in repr(created) + created.model_dump_json()

    private_created = kitaru.create_secret("openai-creds", {"OPENAI_API_KEY": "sk-x"}, private=True)
    assert private_created.private is True

    secret = kitaru.get_secret("github-creds")
    assert secret.get("GITHUB_TOKEN") == "ghp_example"
    assert secret.get("MISSING") is None
    assert secret.values == {"GITHUB_TOKEN": "ghp_example"}
    assert "ghp_example" not in repr(secret) and "ghp_example" not in str(secret)

    deleted = kitaru.delete_secret("github-creds")
    assert deleted.name == "github-creds" and deleted.keys == ["GITHUB_TOKEN"]
    with pytest.raises(SecretNotFoundError):
        kitaru.get_secret("github-creds")


def test_create_refuses_existing(kitaru_env: KitaruEnv) -> None:
    kitaru.create_secret("dup", {"A": "1"})
    with pytest.raises(SecretExistsError):
        kitaru.create_secret("dup", {"A": "2"})
    assert kitaru.get_secret("dup").values == {"A": "1"}


def test_set_is_upsert_and_keeps_visibility(kitaru_env: KitaruEnv) -> None:
    first = upsert_secret("svc", {"A": "1"})
    assert first.created and first.summary.private is False
    second = upsert_secret("svc", {"B": "2"}, private=True)
    assert not second.created
    assert second.visibility_kept
    assert second.summary.private is False
    assert kitaru.get_secret("svc").values == {"A": "1", "B": "2"}
    third = kitaru.set_secret("svc", {"A": "changed"})
    assert third.keys == ["A", "B"]
    assert kitaru.get_secret("svc").values == {"A": "changed", "B": "2"}


def test_set_creates_private_when_asked(kitaru_env: KitaruEnv) -> None:
    summary = kitaru.set_secret("mine", {"A": "1"}, private=True)
    assert summary.private is True
    assert kitaru.set_secret("mine", {"B": "2"}, private=False).private is True


def test_exact_lookup_never_matches_partially(kitaru_env: KitaruEnv) -> None:
    for index in range(25):
        kitaru.create_secret(f"foobar{index:02d}", {"K": str(index)})
    kitaru.create_secret("foo", {"K": "exact"})
    assert kitaru.get_secret("foo").get("K") == "exact"
    assert kitaru.get_secret("foobar24").get("K") == "24"
    with pytest.raises(SecretNotFoundError):
        kitaru.get_secret("fo")
    with pytest.raises(SecretNotFoundError):
        kitaru.get_secret("oobar01")
    secret_id = kitaru.get_secret("foobar07").id
    assert kitaru.get_secret(secret_id).name == "foobar07"
    with pytest.raises(SecretNotFoundError):
        kitaru.get_secret(secret_id[:8])
    assert len(kitaru.list_secrets()) == 26


PUBLIC_VALUE = "public-canary-31c7"
PRIVATE_VALUE = "private-canary-8e02"


def test_same_name_public_and_private_the_private_one_wins(
    kitaru_env: KitaruEnv, caplog: pytest.LogCaptureFixture
) -> None:
    """A private secret is always the caller's own: by name it wins over a public twin,
    which is named in a log warning and reached with private=False or its ID."""
    public = kitaru.create_secret("shared", {"A": PUBLIC_VALUE})
    private = kitaru.create_secret("shared", {"A": PRIVATE_VALUE}, private=True)
    with caplog.at_level("WARNING", logger="kitaru"):
        assert kitaru.get_secret("shared").get("A") == PRIVATE_VALUE
    (record,) = [r for r in caplog.records if r.name == "kitaru"]
    assert public.id in record.getMessage() and "private=False" in record.getMessage()
    assert PUBLIC_VALUE not in record.getMessage() and PRIVATE_VALUE not in record.getMessage()
    assert kitaru.get_secret("shared", private=True).get("A") == PRIVATE_VALUE
    assert kitaru.get_secret("shared", private=False).get("A") == PUBLIC_VALUE
    assert kitaru.get_secret(public.id).get("A") == PUBLIC_VALUE
    assert describe_secret("shared").id == private.id
    assert kitaru.set_secret("shared", {"B": "1"}).id == private.id
    assert kitaru.get_secret(public.id).keys == ["A"]
    assert kitaru.get_secret(private.id).keys == ["A", "B"]
    kitaru.set_secret("shared", {"C": "1"}, private=False)
    assert kitaru.get_secret(public.id).keys == ["A", "C"]
    assert kitaru.delete_secret("shared").id == private.id
    assert kitaru.get_secret("shared").id == public.id


def test_kitaru_warnings_read_correctly_after_values_that_are_common_words(
    embedded_store: KitaruEnv, caplog: pytest.LogCaptureFixture
) -> None:
    """A value that is a word of kitaru's own message ('False', 'private') is masked where
    it is interpolated (the shadowed secret's name) but leaves the fixed hint intact."""
    kitaru.create_secret("words", {"A": "False", "B": "private", "C": "secret", "D": "reach"})
    assert kitaru.get_secret("words").get("A") == "False"
    public = kitaru.create_secret("private-twin", {"A": "1"})
    kitaru.create_secret("private-twin", {"A": "2"}, private=True)
    with caplog.at_level("WARNING", logger="kitaru"):
        kitaru.get_secret("private-twin")
    (record,) = [r for r in caplog.records if r.name == "kitaru"]
    assert record.getMessage() == (
        "secret '***-twin': your private secret shadows a public one of the same name "
        f"({public.id}); reach that one with private=False or its ID"
    )


def test_set_private_on_your_own_public_secret_updates_it(kitaru_env: KitaruEnv) -> None:
    created = kitaru.create_secret("own", {"A": "1"})
    outcome = upsert_secret("own", {"B": "2"}, private=True)
    assert (outcome.created, outcome.visibility_kept) == (False, True)
    assert outcome.summary.id == created.id and outcome.summary.private is False


@pytest.mark.parametrize("key", ["1ABC", "WITH-DASH", "WITH SPACE", "", "ÄPFEL"])
def test_invalid_keys_rejected(kitaru_env: KitaruEnv, key: str) -> None:
    with pytest.raises(InvalidSecretError, match="invalid key name"):
        kitaru.create_secret("bad-keys", {key: "v"})
    assert kitaru.list_secrets() == []


def test_oversized_rejected_before_any_write(kitaru_env: KitaruEnv) -> None:
    with pytest.raises(InvalidSecretError, match="64 KiB"):
        kitaru.create_secret("big", {"BLOB": "x" * MAX_SECRET_BYTES})
    assert kitaru.list_secrets() == []
    kitaru.create_secret("grow", {"A": "x" * (MAX_SECRET_BYTES // 2)})
    with pytest.raises(InvalidSecretError, match="64 KiB"):
        kitaru.set_secret("grow", {"B": "y" * (MAX_SECRET_BYTES // 2)})
    assert kitaru.get_secret("grow").keys == ["A"]


def test_name_rules(kitaru_env: KitaruEnv) -> None:
    with pytest.raises(InvalidSecretError, match="255"):
        kitaru.create_secret("n" * 256, {"A": "1"})
    with pytest.raises(InvalidSecretError, match="empty"):
        kitaru.create_secret("", {"A": "1"})
    assert kitaru.create_secret("n" * 255, {"A": "1"}).name == "n" * 255


def test_store_lists_all_pages(kitaru_env: KitaruEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    import kitaru.store.zenml_client as zenml_client

    monkeypatch.setattr(zenml_client, "PAGE_SIZE", 3)
    for index in range(8):
        kitaru.create_secret(f"paged-{index}", {"A": "1"})
    assert len(open_store().list_all()) == 8


def test_missing_values_rejected(kitaru_env: KitaruEnv) -> None:
    with pytest.raises(InvalidSecretError, match="value of A is missing"):
        kitaru.create_secret("nulls", {"A": None})  # type: ignore[dict-item]
    with pytest.raises(InvalidSecretError, match="value of A is missing"):
        kitaru.set_secret("nulls", {"A": None})  # type: ignore[dict-item]
    assert kitaru.list_secrets() == []


def test_uuid_shaped_names_are_ids_never_new_secrets(kitaru_env: KitaruEnv) -> None:
    unseen = "6b6e1c47-9edd-4edf-86d8-1cde39f82d0c"
    with pytest.raises(SecretNotFoundError):
        kitaru.set_secret(unseen, {"A": "1"})
    with pytest.raises(InvalidSecretError, match="has the shape of an ID"):
        kitaru.create_secret(unseen, {"A": "1"})  # the manifest's KS105 rule
    assert kitaru.list_secrets() == []
    existing = kitaru.create_secret("by-id", {"A": "1"})
    assert kitaru.set_secret(existing.id, {"B": "2"}).keys == ["A", "B"]


def test_set_turns_a_lost_create_race_into_an_update(kitaru_env: KitaruEnv) -> None:
    """The lookup misses a secret another writer creates just before our create."""
    store = open_store()

    class RacingStore:
        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        def create(self, name: str, values: dict[str, str], private: bool) -> object:
            store.create(name, {"THEIRS": "1"}, private)
            return store.create(name, values, private)

    kitaru.set_secret("raced", {"MINE": "2"}, store=RacingStore())  # type: ignore[arg-type]
    assert kitaru.get_secret("raced").values == {"THEIRS": "1", "MINE": "2"}


# Secret's ways out: only .values/.get() and an explicit reveal give values.

secret_values = st.dictionaries(
    st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True),
    st.text(max_size=12).map(lambda tail: f"canary-{uuid.uuid4().hex[:8]}-{tail}"),
    min_size=1,
    max_size=4,
)


def make_secret(values: dict[str, str]) -> Secret:
    return Secret(name="github-creds", id=str(uuid.uuid4()), private=True, values=values)


def renderings(secret: Secret) -> dict[str, str]:
    """Every way a Secret turns into text or bytes without being asked for values."""
    from pydantic import BaseModel, TypeAdapter
    from rich.pretty import pretty_repr

    class Response(BaseModel):  # a FastAPI response_model, a cache entry
        secret: Secret

    return {
        **{
            f"model_dump({mode})": repr(secret.model_dump(mode=mode)) for mode in ("python", "json")
        },
        "model_dump(round_trip)": repr(secret.model_dump(round_trip=True)),
        "model_dump_json": secret.model_dump_json(),
        "model_dump_json(indent)": secret.model_dump_json(indent=2),
        "nested model_dump_json": Response(secret=secret).model_dump_json(),
        "nested model_dump": repr(Response(secret=secret).model_dump()),
        "TypeAdapter": TypeAdapter(list[Secret]).dump_json([secret]).decode(),
        "json.dumps(model_dump)": json.dumps(secret.model_dump()),
        "repr": repr(secret),
        "str": str(secret),
        "format": format(secret, ""),
        "f-string": f"{secret} {secret!r}",
        "%-format": "%s %r" % (secret, secret),  # noqa: UP031 - the old way is a way too
        "rich": pretty_repr(secret),
        "iteration": repr(list(secret)),
        "summary": secret.summary().model_dump_json(),
    }


@given(secret_values)
def test_no_serialisation_of_a_secret_holds_its_values(values: dict[str, str]) -> None:
    secret = make_secret(values)
    for way, text in renderings(secret).items():
        for value in values.values():
            assert value not in text, way
    assert secret.model_dump()["values"] == dict.fromkeys(values, "***")
    assert secret.values == values  # the documented ways in still work
    assert all(secret.get(key) == value for key, value in values.items())
    assert secret.get("NOT_A_KEY") is None and secret.get("NOT_A_KEY", "d") == "d"


@given(secret_values)
def test_values_are_dumped_only_when_asked_for(values: dict[str, str]) -> None:
    secret = make_secret(values)
    reveal = {"reveal_values": True}
    assert secret.model_dump(context=reveal)["values"] == values
    assert json.loads(secret.model_dump_json(context=reveal))["values"] == values
    assert Secret.model_validate(secret.model_dump(context=reveal)) == secret
    for not_asked in ({}, {"reveal_values": "yes"}, {"reveal_values": 1}, {"other": True}):
        assert secret.model_dump(context=not_asked)["values"] == dict.fromkeys(values, "***")


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickling_a_secret_is_refused_in_every_protocol(protocol: int) -> None:
    import cloudpickle

    value = f"canary-{uuid.uuid4().hex}"
    secret = make_secret({"GITHUB_TOKEN": value})
    for dumps in (pickle.dumps, cloudpickle.dumps):
        with pytest.raises(TypeError, match="a Secret is not pickled") as caught:
            dumps({"nested": [secret]}, protocol=protocol)
        assert value not in str(caught.value)
    with pytest.raises(TypeError, match="a Secret is not pickled"):
        secret.__getstate__()
    assert pickle.loads(pickle.dumps(secret.summary(), protocol=protocol)) == secret.summary()


def test_copies_and_equality_behave() -> None:
    value = f"canary-{uuid.uuid4().hex}"
    secret = make_secret({"GITHUB_TOKEN": value})
    for copied in (
        copy.copy(secret),
        copy.deepcopy(secret),
        secret.model_copy(),
        secret.model_copy(deep=True),
    ):
        assert copied == secret and copied.values == {"GITHUB_TOKEN": value}
    assert copy.deepcopy(secret).values is not secret.values
    changed = secret.model_copy(update={"values": {"GITHUB_TOKEN": "other-value"}})
    assert changed != secret  # equal only with equal values
    with pytest.raises(TypeError):  # pydantic's dict(model) meets Secret.keys: never a dict
        dict(secret)


def test_list_reads_no_secret_unless_keys_are_asked_for(kitaru_env: KitaruEnv) -> None:
    """The listing alone by default (keys None); keys=True adds one read per secret."""
    for index in (3, 1, 2):
        kitaru.create_secret(f"listed-{index}", {f"K{index}": "v", "SHARED": "w"})
    counting = CountingStore(open_store())
    listed = kitaru.list_secrets(store=counting)
    assert counting.take() == {"list_all": 1}
    assert [s.name for s in listed] == ["listed-1", "listed-2", "listed-3"]
    assert all(s.keys is None and s.created is not None and s.updated is not None for s in listed)
    keyed = kitaru.list_secrets(keys=True, store=counting)
    assert counting.take() == {"list_all": 1, "get": 3}
    assert [s.keys for s in keyed] == [["K1", "SHARED"], ["K2", "SHARED"], ["K3", "SHARED"]]
    assert [s.model_copy(update={"keys": None}) for s in keyed] == listed
