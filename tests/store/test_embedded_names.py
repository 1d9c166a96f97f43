"""Secret names read from the embedded store's SQLite file equal ZenML's own listing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kitaru.store import open_store
from kitaru.store.embedded_names import database_path, secret_names
from tests.conftest import DB_RELATIVE, KitaruEnv


def _listed_by_zenml() -> set[tuple[str, bool]]:
    return {(ref.name, ref.private) for ref in open_store().list_all()}


def test_same_names_as_zenml_and_no_other_users_private_ones(embedded_store: KitaruEnv) -> None:
    from zenml.client import Client

    client = Client()
    client.create_secret("pub-a", values={"A": "canary-value-1"})
    client.create_secret("priv-b", values={"A": "canary-value-2"}, private=True)
    client.create_secret("pub-a", values={"A": "canary-value-3"}, private=True)  # a twin
    client.create_secret("$(touch pwned) x", values={"A": "v"})  # ZenML accepts it
    other = client.create_user("mallory", password="pw-not-used-123")
    theirs = client.create_secret("theirs", values={"A": "v"}, private=True)
    db = embedded_store.root / DB_RELATIVE
    with sqlite3.connect(db) as connection:  # as if mallory had created it
        connection.execute(
            "UPDATE secret SET user_id = ? WHERE id = ?", (other.id.hex, theirs.id.hex)
        )
    read = secret_names()
    assert read is not None
    assert sorted(read) == sorted(_listed_by_zenml())
    assert ("theirs", True) not in read
    assert {("pub-a", False), ("pub-a", True), ("priv-b", True)} <= set(read)


def test_paths_resolved_as_zenml_resolves_them(tmp_path: Path) -> None:
    env = {"ZENML_CONFIG_PATH": str(tmp_path / "cfg")}
    default = tmp_path / "cfg" / "local_stores" / "default_zen_store" / "zenml.db"
    assert database_path(env) == default
    env["ZENML_LOCAL_STORES_PATH"] = str(tmp_path / "stores")
    assert database_path(env) == tmp_path / "stores" / "default_zen_store" / "zenml.db"
    assert database_path({**env, "ZENML_STORE_URL": "sqlite:////x/y.db"}) == Path("/x/y.db")
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.yaml").write_text("store:\n  url: sqlite:////elsewhere/z.db\n")
    assert database_path(env) == Path("/elsewhere/z.db")
    for other in ("mysql://u@h/db", "http://127.0.0.1:8080", "sqlite:////x/y.db?mode=memory"):
        assert database_path({**env, "ZENML_STORE_URL": other}) is None
        assert secret_names({**env, "ZENML_STORE_URL": other}) is None
    assert secret_names(env) == []  # no file yet: ZenML would make an empty store


def _copy(embedded_store: KitaruEnv, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    db = tmp_path / "copy.db"
    db.write_bytes((embedded_store.root / DB_RELATIVE).read_bytes())
    return db, {"ZENML_STORE_URL": f"sqlite:///{db}", "ZENML_CONFIG_PATH": str(tmp_path)}


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE alembic_version SET version_num = '0.99.0'",  # a revision kitaru never saw
        "DELETE FROM alembic_version",  # a half-made store
        "DROP TABLE secret",
    ],
)
def test_zenml_decides_what_kitaru_was_not_tested_against(
    embedded_store: KitaruEnv, tmp_path: Path, change: str
) -> None:
    db, env = _copy(embedded_store, tmp_path)
    with sqlite3.connect(db) as connection:
        connection.execute(change)
    assert secret_names(env) is None


def test_a_file_that_is_no_database(tmp_path: Path) -> None:
    db = tmp_path / "zenml.db"
    db.write_bytes(b"not sqlite at all" * 100)
    assert secret_names({"ZENML_STORE_URL": f"sqlite:///{db}"}) is None
