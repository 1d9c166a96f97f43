"""The SDK against a real embedded ZenML store."""

from __future__ import annotations

import pytest

import kitaru
from kitaru.errors import (
    AmbiguousSecretError,
    InvalidSecretError,
    SecretExistsError,
    SecretNotFoundError,
)
from kitaru.naming import MAX_SECRET_BYTES
from kitaru.secrets import upsert_secret
from kitaru.store import open_store
from tests.conftest import KitaruEnv


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


def test_same_name_public_and_private(kitaru_env: KitaruEnv) -> None:
    public = kitaru.create_secret("shared", {"A": "pub"})
    private = kitaru.create_secret("shared", {"A": "priv"}, private=True)
    with pytest.raises(AmbiguousSecretError) as info:
        kitaru.get_secret("shared")
    assert public.id in str(info.value) and private.id in str(info.value)
    assert "pub" not in str(info.value).replace("public", "")
    assert kitaru.get_secret("shared", private=True).get("A") == "priv"
    assert kitaru.get_secret("shared", private=False).get("A") == "pub"
    assert kitaru.get_secret(private.id).get("A") == "priv"
    with pytest.raises(AmbiguousSecretError):
        kitaru.set_secret("shared", {"B": "1"})
    with pytest.raises(AmbiguousSecretError):
        kitaru.delete_secret("shared")
    kitaru.set_secret("shared", {"B": "1"}, private=True)
    assert kitaru.get_secret(private.id).keys == ["A", "B"]
    kitaru.delete_secret("shared", private=False)
    assert kitaru.get_secret("shared").id == private.id


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
