"""The embedded read path (kitaru.store.sqlite_reader) against stores ZenML made.

Differential: every read command and SDK read gives the same result through the SQLite
reader and through ZenML's client (``KITARU_STORE_CLIENT=zenml``), for secrets written
by ZenML (hypothesis over names, visibilities, keys and values) and for rows ZenML wrote
but cannot read (interrupted, undecodable), other users' private ones and internal ones.
And each "take ZenML's path" condition does.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import kitaru
from kitaru.store import open_store
from kitaru.store.embedded import EmbeddedStore
from kitaru.store.sqlite_reader import (
    TESTED_REVISIONS,
    NotEligible,
    SqliteReader,
    Unsure,
    eligible_database,
    installed_zenml_version,
    visible_names,
)
from tests.conftest import DB_RELATIVE, Cli, KitaruEnv, reset_zenml_singletons

pytestmark = pytest.mark.usefixtures("embedded_store")

AGE = re.compile(r"\b\d+[smhd] ago\b")
NAME = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_-]{0,20}", fullmatch=True),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20),
)
KEY = st.one_of(
    st.from_regex(r"[A-Z_][A-Z0-9_]{0,15}", fullmatch=True),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=10),
)
VALUE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=40
)


@pytest.fixture
def database(embedded_store: KitaruEnv) -> Path:
    """The store's file, once ZenML has opened it (and written its config.yaml)."""
    kitaru.create_secret("first", {"A": "1"})
    return embedded_store.root / DB_RELATIVE


def both_paths(monkeypatch: pytest.MonkeyPatch, read: Callable[[], Any]) -> tuple[Any, Any]:
    """``read`` through the SQLite reader, then through ZenML's client."""
    store = open_store()
    assert isinstance(store, EmbeddedStore) and store.reads_without_zenml
    fast = read()
    with monkeypatch.context() as patched:
        patched.setenv("KITARU_STORE_CLIENT", "zenml")
        slow = read()
    return fast, slow


def cli_outputs(cli: Cli, names: list[str]) -> list[tuple[int, str, str]]:
    """What every read command prints (exit code, stdout, stderr)."""
    invocations = [
        ["secrets", "list"],
        ["secrets", "list", "-o", "json"],
        ["secrets", "list", "--keys", "-o", "json"],
    ]
    for name in names:
        invocations += [
            ["secrets", "show", name, "-o", "json"],
            ["secrets", "show", name, "--show-values", "-o", "json"],
            ["secrets", "show", name, "--public", "-o", "json"],
            ["secrets", "export", name, "--format", "json"],
        ]
    results = []
    for args in invocations:
        result = cli(*args)
        stdout = AGE.sub("<age>", result.stdout)  # relative to the moment it ran
        results.append((result.exit_code, stdout, result.stderr))
    return results


def sdk_results(names: list[str]) -> list[Any]:
    results: list[Any] = [[summary.model_dump() for summary in kitaru.list_secrets()]]
    for name in names:
        for private in (None, True, False):
            try:
                secret = kitaru.get_secret(name, private=private)
                results.append((secret.id, secret.name, secret.private, dict(secret.values)))
            except kitaru.KitaruError as exc:
                results.append(type(exc).__name__ + str(exc))
        try:
            results.append(kitaru.secret_environment(name))
        except kitaru.KitaruError as exc:
            results.append(type(exc).__name__ + str(exc))
    return results


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example writes a store
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    secrets=st.lists(
        st.tuples(NAME, st.booleans(), st.dictionaries(KEY, VALUE, min_size=1, max_size=4)),
        min_size=1,
        max_size=4,
    )
)
def test_every_read_is_the_same_through_both_paths(
    database: Path, monkeypatch: pytest.MonkeyPatch, secrets: list[tuple[str, bool, Any]]
) -> None:
    from zenml.client import Client
    from zenml.exceptions import EntityExistsError

    for name, private, values in secrets:  # through ZenML: names kitaru would refuse too
        with contextlib.suppress(EntityExistsError):
            Client().create_secret(name, values, private=private)
    names = sorted({name for name, _, _ in secrets} | {"missing-one"})
    cli = Cli()
    fast, slow = both_paths(monkeypatch, lambda: cli_outputs(cli, names))
    assert fast == slow
    fast, slow = both_paths(monkeypatch, lambda: sdk_results(names))
    assert fast == slow


def _execute(database: Path, statement: str, *parameters: object) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute(statement, parameters)


def _hex(secret_id: str) -> str:
    return secret_id.replace("-", "")


def test_rows_zenml_cannot_read_and_rows_not_for_you_read_the_same(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupted = kitaru.create_secret("interrupted", {"A": "1"})
    _execute(database, 'UPDATE secret SET "values" = NULL WHERE id = ?', _hex(interrupted.id))
    garbled = kitaru.create_secret("garbled", {"A": "1"})
    _execute(database, 'UPDATE secret SET "values" = ? WHERE id = ?', b"!!", _hex(garbled.id))
    internal = kitaru.create_secret("internal", {"A": "1"})
    _execute(database, "UPDATE secret SET internal = 1 WHERE id = ?", _hex(internal.id))
    theirs = kitaru.create_secret("theirs", {"A": "1"}, private=True)
    from zenml.client import Client

    other = Client().create_user("other", password="other-password-1")
    _execute(database, "UPDATE secret SET user_id = ? WHERE id = ?", other.id.hex, _hex(theirs.id))
    names = ["first", "garbled", "internal", "theirs"]
    cli = Cli()
    fast, slow = both_paths(monkeypatch, lambda: cli_outputs(cli, names))
    assert fast == slow
    listed = json.loads(fast[1][1])
    # ZenML's path waits ~1.5 s on each read of an interrupted secret: read it once.
    fast, slow = both_paths(
        monkeypatch, lambda: AGE.sub("<age>", cli("secrets", "show", "interrupted").stdout)
    )
    assert fast == slow
    assert sorted(entry["name"] for entry in listed) == ["first", "garbled", "interrupted"]


def test_writes_go_through_zenml_and_reads_see_them(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store()
    assert isinstance(store, EmbeddedStore) and store.reads_without_zenml
    created = store.create("later", {"K": "v"}, private=True)
    assert store.get(created.id).readable == {"K": "v"}
    store.update(created.id, {"K": "w"}, [])
    assert store.get(created.id).readable == {"K": "w"}
    assert [ref.name for ref in store.find("later")] == ["later"]
    store.delete(created.id)
    assert store.find("later") == []
    assert store.current_user_id() is not None
    store.close()


# --- each condition that takes ZenML's path -------------------------------------------


@pytest.fixture
def config_file(database: Path, embedded_store: KitaruEnv) -> Path:
    return embedded_store.root / "cfg" / "config.yaml"


def _edit_config(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    config = yaml.safe_load(path.read_text())
    change(config)
    path.write_text(yaml.safe_dump(config))


def test_the_store_is_eligible_as_zenml_leaves_it(database: Path) -> None:
    assert eligible_database() == database
    assert installed_zenml_version() in TESTED_REVISIONS


@pytest.mark.parametrize(
    "variable",
    [
        "ZENML_STORE_URL",
        "ZENML_STORE_SSL",
        "ZENML_SECRETS_STORE_ENCRYPTION_KEY",
        "ZENML_SECRETS_STORE_TYPE",
        "ZENML_BACKUP_SECRETS_STORE_TYPE",
        "ZENML_SERVER",
        "ZENML_DEFAULT_USER_NAME",
    ],
)
def test_a_variable_that_steers_zenml_takes_its_path(
    database: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "x")
    with pytest.raises(NotEligible):
        eligible_database()


CONFIG_CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "encryption key": lambda c: c["store"]["secrets_store"].update(encryption_key="k" * 32),
    "other secrets store": lambda c: c["store"].update(secrets_store={"type": "aws"}),
    "backup secrets store": lambda c: c["store"].update(backup_secrets_store={"type": "sql"}),
    "another database": lambda c: c["store"].update(url="mysql://127.0.0.1/zenml"),
    "a server": lambda c: c["store"].update(type="rest", url="http://127.0.0.1:1"),
    "config of another version": lambda c: c.update(version="0.1.0"),
    "no store": lambda c: c.pop("store"),
    "a missing file": lambda c: c["store"].update(url="sqlite:////nonexistent/zenml.db"),
    "a url with a query": lambda c: c["store"].update(url=c["store"]["url"] + "?timeout=1"),
    "a url with escapes": lambda c: c["store"].update(
        url=c["store"]["url"].replace("zenml.db", "zenml%2Edb")
    ),
}


@pytest.mark.parametrize("change", sorted(CONFIG_CHANGES))
def test_a_config_zenml_reads_otherwise_takes_its_path(config_file: Path, change: str) -> None:
    _edit_config(config_file, CONFIG_CHANGES[change])
    with pytest.raises(NotEligible):
        eligible_database()


def test_an_untested_zenml_version_takes_its_path(database: Path) -> None:
    with pytest.raises(NotEligible):
        eligible_database(zenml_version="0.1.0")


DATABASE_CHANGES = {
    "untested revision": "UPDATE alembic_version SET version_num = 'abc123'",
    "secret table of another shape": "ALTER TABLE secret ADD COLUMN extra TEXT",
    "no default user": "UPDATE user SET name = 'renamed' WHERE name = 'default'",
}


@pytest.mark.parametrize("change", sorted(DATABASE_CHANGES))
def test_a_database_of_another_shape_takes_zenmls_path(database: Path, change: str) -> None:
    _execute(database, DATABASE_CHANGES[change])
    with pytest.raises(NotEligible):
        SqliteReader(eligible_database())


def test_a_locked_database_takes_zenmls_path(database: Path) -> None:
    locker = sqlite3.connect(database, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(NotEligible):
            SqliteReader(eligible_database())
    finally:
        locker.execute("ROLLBACK")
        locker.close()


def test_not_a_database_takes_zenmls_path(database: Path, tmp_path: Path) -> None:
    database.write_bytes(b"not sqlite" * 100)
    with pytest.raises(NotEligible):
        SqliteReader(eligible_database())


def test_an_ineligible_store_still_reads_through_zenml(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENML_SECRETS_STORE_TYPE", "sql")  # harmless to ZenML, steers us
    store = open_store()
    assert isinstance(store, EmbeddedStore) and not store.reads_without_zenml
    assert kitaru.get_secret("first").values == {"A": "1"}


def test_values_decode_as_zenml_encodes_them(database: Path) -> None:
    encoded = base64.b64encode(json.dumps({"K": 'ü\n"x'}).encode()).decode()
    _execute(database, 'UPDATE secret SET "values" = ? WHERE name = ?', encoded, "first")
    assert kitaru.get_secret("first").values == {"K": 'ü\n"x'}


def test_values_with_a_character_zenml_cannot_decode_take_its_path(database: Path) -> None:
    """b64decode skips a "?" but refuses an "é": the reader must not decode what ZenML won't."""
    encoded = base64.b64encode(json.dumps({"K": "v"}).encode()).decode()
    _execute(database, 'UPDATE secret SET "values" = ? WHERE name = ?', "é" + encoded, "first")
    reader = SqliteReader(eligible_database())
    try:
        (ref,) = reader.find("first")
        with pytest.raises(Unsure):
            reader.get(ref.id)
    finally:
        reader.close()


@pytest.fixture(autouse=True)
def _forget_zenml() -> Iterator[None]:
    yield
    reset_zenml_singletons()


def test_visible_names_are_zenmls_listing_without_other_users_private_ones(
    database: Path,
) -> None:
    from zenml.client import Client

    client = Client()
    client.create_secret("pub-a", values={"A": "canary-value-1"})
    client.create_secret("priv-b", values={"A": "canary-value-2"}, private=True)
    client.create_secret("pub-a", values={"A": "canary-value-3"}, private=True)  # a twin
    client.create_secret("$(touch pwned) x", values={"A": "v"})  # ZenML accepts it
    other = client.create_user("mallory", password="pw-not-used-123")
    theirs = client.create_secret("theirs", values={"A": "v"}, private=True)
    with sqlite3.connect(database) as connection:  # as if mallory had created it
        connection.execute(
            "UPDATE secret SET user_id = ? WHERE id = ?", (other.id.hex, theirs.id.hex)
        )
    read = visible_names()
    assert read is not None
    assert sorted(read) == sorted((ref.name, ref.private) for ref in open_store().list_all())
    assert ("theirs", True) not in read
    assert {("pub-a", False), ("pub-a", True), ("priv-b", True)} <= set(read)


def test_visible_names_leave_what_they_cannot_vouch_for_to_zenml(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setenv("ZENML_STORE_URL", f"sqlite:///{database}")
        assert visible_names() is None
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE secret SET created = 'not a time'")
    assert visible_names() is None
