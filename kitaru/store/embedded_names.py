"""Secret names of the embedded store, read from its SQLite file without zenml.

For shell completion, which must answer within a second while ``import zenml`` takes
several. Used only where it is provably the store ZenML would open: the store URL
resolved as ZenML resolves it (``ZENML_STORE_URL`` replaces ``config.yaml``'s store;
otherwise the default ``default_zen_store/zenml.db`` under ``ZENML_LOCAL_STORES_PATH``,
else the config directory's ``local_stores``), an SQLite file, opened read-only, at a
schema revision kitaru was tested against. Visibility as ZenML's embedded client sees it:
public secrets, and private ones of the default user (``ZENML_DEFAULT_USER_NAME``);
internal secrets never. Anything else returns None: the caller takes ZenML's path.
Names only: no value column is read.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from kitaru.store.server_config import store_url, zenml_config_dir

TESTED_REVISIONS = frozenset({"0.98.0"})  # alembic_version.version_num of zenml 0.98.0
DEFAULT_USER = "default"
LOCK_WAIT_S = 0.2
_QUERY = """
SELECT s.name, s.private FROM secret AS s
WHERE s.internal = 0 AND (
    s.private = 0
    OR s.user_id IN (SELECT u.id FROM user AS u WHERE u.name = ? AND u.is_service_account = 0)
)
"""


def database_path(environ: Mapping[str, str] = os.environ) -> Path | None:
    """The embedded store's SQLite file, or None when the store is something else."""
    url = store_url(environ)
    if url is None:
        stores = environ.get("ZENML_LOCAL_STORES_PATH") or str(
            zenml_config_dir(environ) / "local_stores"
        )
        return Path(stores) / "default_zen_store" / "zenml.db"
    if url.startswith("sqlite:///") and "?" not in url:
        return Path(url[len("sqlite:///") :])
    return None


def secret_names(environ: Mapping[str, str] = os.environ) -> list[tuple[str, bool]] | None:
    """(name, private) of every secret ZenML's embedded client would list, or None when
    that cannot be known without ZenML."""
    path = database_path(environ)
    if path is None:
        return None
    if not path.exists():
        return []  # ZenML would make a new, empty store
    user = environ.get("ZENML_DEFAULT_USER_NAME") or DEFAULT_USER
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_WAIT_S
        )
    except (sqlite3.Error, ValueError):
        return None
    try:
        revisions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        if [row[0] for row in revisions] not in ([r] for r in TESTED_REVISIONS):
            return None
        rows = connection.execute(_QUERY, (user,)).fetchall()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return [(name, bool(private)) for name, private in rows if isinstance(name, str)]
