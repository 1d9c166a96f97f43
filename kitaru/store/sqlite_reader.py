"""Reads of the embedded ZenML store straight from its SQLite file, without zenml.

``import zenml`` costs seconds; the same rows come out of ``zenml.db`` in milliseconds.
This reader is used only where it is provably the store ZenML would open, read the way
ZenML reads it (``eligible_database``):

- ZenML's config directory holds a ``config.yaml`` whose store is ``type: sql`` at a
  ``sqlite:///`` URL, with the SQL secrets store and no encryption key, and no
  ``ZENML_STORE_*``, ``ZENML_SECRETS_STORE_*``, ``ZENML_BACKUP_SECRETS_STORE_*`` or
  ``ZENML_SERVER`` variable amends that, nor ``ZENML_DEFAULT_USER_NAME`` names another
  active user (ZenML would then open something else, or read as someone else);
- the installed ZenML is a version kitaru's tests read through both paths
  (``TESTED_REVISIONS``), the config file was written by that version, and the database
  is at that same schema revision (ZenML would otherwise migrate it first);
- the ``secret`` and ``user`` tables have exactly the columns this reader knows.

Anything else raises ``NotEligible`` (or the reader raises ``Unsure`` on a row it cannot
vouch for), and the caller takes ZenML's path without a message. The file is opened
read-only; writes always go through ZenML. Visibility follows ZenML's SQL store: public
secrets and the active user's private ones, never internal ones; the active user of an
embedded store is its default user, ``default``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from uuid import UUID

from kitaru.store import failures
from kitaru.store.base import SecretRef, StoredSecret, as_utc
from kitaru.store.compat import CLIENT_TESTED

# The ZenML releases whose embedded store the differential test (tests/store/
# test_sqlite_reader.py) reads through both paths: the client range's floor and newest,
# which CI runs (.ci/compat runs it on the floor). A ZenML release's migration uses the
# version as its revision ID, so this is also the schema revision each leaves behind.
TESTED_REVISIONS = frozenset(CLIENT_TESTED)

# Variables that make ZenML open another store, amend this one or keep its values elsewhere.
_STEERING_PREFIXES = ("ZENML_STORE_", "ZENML_SECRETS_STORE_", "ZENML_BACKUP_SECRETS_STORE_")
_STEERING_NAMES = ("ZENML_SERVER", "ZENML_DEFAULT_USER_NAME")
_SECRET_COLUMNS = frozenset(
    {"id", "created", "updated", "name", "private", "internal", "values", "user_id"}
)
_USER_COLUMNS_NEEDED = frozenset({"id", "name", "is_service_account"})
_SQLITE_PREFIX = "sqlite:///"
_BUSY_TIMEOUT_S = 0.2


class NotEligible(Exception):
    """This store is not one the reader may read: take ZenML's path (no message)."""


class Unsure(Exception):
    """A row the reader cannot vouch for: this one call takes ZenML's path."""


def installed_zenml_version() -> str | None:
    """The installed ZenML's version, read from its ``VERSION`` file without importing it."""
    from importlib.util import find_spec

    try:
        spec = find_spec("zenml")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        try:
            return (Path(location) / "VERSION").read_text(encoding="utf-8").strip()
        except OSError:
            continue
    return None


def eligible_database(
    environ: Mapping[str, str] = os.environ, zenml_version: str | None = None
) -> Path:
    """The ``zenml.db`` ZenML would open for this environment, when the reader may read
    it; raises ``NotEligible`` otherwise."""
    from kitaru.store.server_config import _read_yaml, zenml_config_dir

    for name in environ:
        if name.startswith(_STEERING_PREFIXES) or name in _STEERING_NAMES:
            raise NotEligible(f"{name} is set")
    version = installed_zenml_version() if zenml_version is None else zenml_version
    if version not in TESTED_REVISIONS:
        raise NotEligible("ZenML version not tested with the reader")
    config = _read_yaml(zenml_config_dir(environ) / "config.yaml")
    if str(config.get("version", "")) != version:
        raise NotEligible("config.yaml was written by another ZenML version")
    store = config.get("store")
    if not isinstance(store, dict) or store.get("type") != "sql":
        raise NotEligible("not a SQL store")
    url = store.get("url")
    if not isinstance(url, str) or not url.startswith(_SQLITE_PREFIX):
        raise NotEligible("not a SQLite store")
    secrets_store = store.get("secrets_store")
    if secrets_store is not None:
        if not isinstance(secrets_store, dict) or secrets_store.get("type") != "sql":
            raise NotEligible("secrets kept outside the database")
        if secrets_store.get("encryption_key"):
            raise NotEligible("encrypted secrets")
    if store.get("backup_secrets_store"):
        raise NotEligible("a backup secrets store is configured")
    if any(char in url for char in "?#%"):
        # SQLAlchemy reads a query, and may unquote escapes: the file may not be this one
        raise NotEligible("a SQLite URL with a query or escapes")
    path = Path(url[len(_SQLITE_PREFIX) :])
    if not path.is_absolute() or not path.is_file():
        raise NotEligible("no database file")
    return path


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        connection = sqlite3.connect(
            uri, uri=True, timeout=_BUSY_TIMEOUT_S, check_same_thread=False
        )  # calls are serialised by the caller (kitaru.store.embedded)
    except sqlite3.Error as exc:
        raise NotEligible("cannot open the database") from exc
    return connection


def _columns(connection: sqlite3.Connection, table: str) -> frozenset[str]:
    return frozenset(row[1] for row in connection.execute(f"PRAGMA table_info({table})"))


def _uuid(hex_id: object) -> str:
    try:
        return str(UUID(str(hex_id)))
    except ValueError:
        raise Unsure("an ID that is not a UUID") from None


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str):
        raise Unsure("a time that is not text")
    try:
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        raise Unsure("a time in another format") from None


class SqliteReader:
    """The read half of ``SecretStore`` over an eligible ``zenml.db``."""

    def __init__(self, path: Path, default_user: str = "default") -> None:
        self._connection = _connect(path)
        try:
            self._check_schema(path)
            self._user_id = self._active_user(default_user)
        except sqlite3.Error as exc:  # locked, half-written, not a database
            self._connection.close()
            raise NotEligible("the database cannot be read now") from exc
        except NotEligible:
            self._connection.close()
            raise

    def _check_schema(self, path: Path) -> None:
        revisions = [row[0] for row in self._connection.execute("SELECT * FROM alembic_version")]
        if len(revisions) != 1 or revisions[0] not in TESTED_REVISIONS:
            raise NotEligible("database at an untested schema revision")
        if _columns(self._connection, "secret") != _SECRET_COLUMNS:
            raise NotEligible("secret table of another shape")
        if not _columns(self._connection, "user").issuperset(_USER_COLUMNS_NEEDED):
            raise NotEligible("user table of another shape")

    def _active_user(self, default_user: str) -> str:
        rows = self._connection.execute(
            "SELECT id FROM user WHERE name = ? AND is_service_account = 0", (default_user,)
        ).fetchall()
        if len(rows) != 1:
            raise NotEligible("no single default user")
        return str(rows[0][0])

    def _select(self, where: str, parameters: tuple[object, ...]) -> list[tuple[object, ...]]:
        query = (
            'SELECT id, name, private, user_id, created, updated, "values" FROM secret '
            "WHERE internal = 0 AND (private = 0 OR user_id = ?) "
            f"{where} ORDER BY created, id"
        )
        try:
            return self._connection.execute(query, (self._user_id, *parameters)).fetchall()
        except sqlite3.Error as exc:
            raise Unsure("the database cannot be read now") from exc

    def _ref(self, row: tuple[object, ...]) -> SecretRef:
        secret_id, name, private, user_id, created, updated = row[:6]
        if not isinstance(name, str) or private not in (0, 1):
            raise Unsure("a row of another shape")
        return SecretRef(
            id=_uuid(secret_id),
            name=name,
            private=bool(private),
            user_id=_uuid(user_id),
            created=_moment(created),
            updated=_moment(updated),
        )

    def list_all(self) -> list[SecretRef]:
        return [self._ref(row) for row in self._select("", ())]

    def find(self, name: str) -> list[SecretRef]:
        return [self._ref(row) for row in self._select("AND name = ?", (name,))]

    def get(self, secret_id: str) -> StoredSecret:
        try:
            hex_id = UUID(secret_id).hex
        except ValueError:
            raise Unsure("not a UUID") from None
        rows = self._select("AND id = ?", (hex_id,))
        if not rows:
            raise failures.not_found("reading secret")
        ref = self._ref(rows[0])
        return StoredSecret(
            id=ref.id,
            name=ref.name,
            private=ref.private,
            values=_values(rows[0][6]),
            user_id=ref.user_id,
            created=ref.created,
            updated=ref.updated,
        )

    def current_user_id(self) -> str:
        return _uuid(self._user_id)

    def close(self) -> None:
        self._connection.close()


def _values(stored: object) -> dict[str, str | None]:
    """ZenML's SQL secrets store: base64 of a JSON object of strings (no encryption)."""
    if isinstance(stored, str):
        try:
            stored = stored.encode("ascii")
        except UnicodeEncodeError:  # ZenML's b64decode refuses it; "replace" would not
            raise Unsure("values ZenML cannot decode either") from None
    if not isinstance(stored, bytes) or not stored:
        raise Unsure("values missing or of another type")  # ZenML's path explains it
    try:
        loaded = json.loads(base64.b64decode(stored).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Unsure("values ZenML cannot decode either") from None
    if not isinstance(loaded, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in loaded.items()
    ):
        raise Unsure("values of another shape")
    return dict(loaded)


def visible_names(environ: Mapping[str, str] = os.environ) -> list[tuple[str, bool]] | None:
    """(name, private) of every secret ZenML's embedded client would list, or None when
    only ZenML can tell (shell completion: names within a deadline, without zenml)."""
    try:
        reader = SqliteReader(eligible_database(environ))
    except NotEligible:
        return None
    try:
        return [(ref.name, ref.private) for ref in reader.list_all()]
    except Unsure:
        return None
    finally:
        reader.close()
