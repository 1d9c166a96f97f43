"""The SDK's ``secret_environment`` against real stores (embedded and server)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import kitaru
from kitaru.errors import KitaruError, SecretNotFoundError
from kitaru.programs.environment import KeyCollisionError
from kitaru.secrets import manifest_environment, secret_environment_found
from tests.conftest import KitaruEnv


def test_every_key_of_the_secrets_by_name_or_id(kitaru_env: KitaruEnv) -> None:
    kitaru.create_secret("openai-creds", {"OPENAI_API_KEY": "sk-1", "OPENAI_ORG_ID": "org"})
    github = kitaru.create_secret("github-creds", {"GITHUB_TOKEN": "ghp-2"})
    assert kitaru.secret_environment("openai-creds", github.id) == {
        "OPENAI_API_KEY": "sk-1",
        "OPENAI_ORG_ID": "org",
        "GITHUB_TOKEN": "ghp-2",
    }
    # the same secret twice (by name and ID) is no collision with itself
    assert kitaru.secret_environment("github-creds", github.id) == {"GITHUB_TOKEN": "ghp-2"}


def test_collisions_name_both_secrets_unless_override(kitaru_env: KitaruEnv) -> None:
    kitaru.create_secret("first", {"TOKEN": "canary-one-7001", "A": "a"})
    kitaru.create_secret("second", {"TOKEN": "canary-two-7002"})
    with pytest.raises(KeyCollisionError) as caught:
        kitaru.secret_environment("first", "second")
    assert "'first'" in str(caught.value) and "'second'" in str(caught.value)
    assert "canary" not in str(caught.value)
    merged = kitaru.secret_environment("first", "second", override=True)
    assert merged == {"TOKEN": "canary-two-7002", "A": "a"}


def test_lookups_are_exact_and_the_private_one_wins(
    kitaru_env: KitaruEnv, caplog: pytest.LogCaptureFixture
) -> None:
    kitaru.create_secret("both", {"K": "public-value"})
    kitaru.create_secret("both", {"K": "private-value"}, private=True)
    with caplog.at_level(logging.WARNING, logger="kitaru"):
        assert kitaru.secret_environment("both") == {"K": "private-value"}
    assert "shadows a public one" in caplog.text
    assert kitaru.secret_environment("both", private=False) == {"K": "public-value"}
    found = secret_environment_found("both")
    assert [twin.private for twin in found.shadowed] == [False]
    with pytest.raises(SecretNotFoundError):
        kitaru.secret_environment("bot")


def test_a_manifest_gives_its_secrets_of_their_declared_visibility(
    kitaru_env: KitaruEnv, tmp_path: Path
) -> None:
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(
        "version: 1\nsecrets:\n"
        "  - name: app-creds\n    private: true\n    keys: [APP_KEY]\n"
        "  - name: db-creds\n    keys: [DB_PASSWORD]\n"
    )
    kitaru.create_secret("app-creds", {"APP_KEY": "public-twin"})  # not the declared one
    kitaru.create_secret("app-creds", {"APP_KEY": "k"}, private=True)
    kitaru.create_secret("db-creds", {"DB_PASSWORD": "p"})
    assert manifest_environment(str(manifest)).variables == {"APP_KEY": "k", "DB_PASSWORD": "p"}
    assert manifest_environment(str(manifest), ["db-creds"]).variables == {"DB_PASSWORD": "p"}
    with pytest.raises(KitaruError, match="'other': the manifest declares no secret"):
        manifest_environment(str(manifest), ["other"])


def test_a_secret_declared_absent_gives_nothing(kitaru_env: KitaruEnv, tmp_path: Path) -> None:
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(
        "version: 1\nsecrets:\n"
        "  - name: old-creds\n    state: absent\n"
        "  - name: db-creds\n    keys: [DB_PASSWORD]\n"
    )
    kitaru.create_secret("old-creds", {"OLD_KEY": "still-here"})  # not yet deleted
    kitaru.create_secret("db-creds", {"DB_PASSWORD": "p"})
    assert manifest_environment(str(manifest)).variables == {"DB_PASSWORD": "p"}
