"""On an embedded store the reader may read, the read commands never import zenml (whole
processes, ``python -X importtime``); a write does."""

from __future__ import annotations

import pytest

import kitaru
from tests.conftest import KitaruEnv
from tests.store.test_rest_imports import run

MANIFEST = "version: 1\nsecrets:\n  - name: imported\n    keys: [IMPORT_KEY]\n"
CANARY = "import-canary-29e1"

READS = [
    ["secrets", "list", "--keys", "-o", "json"],
    ["secrets", "show", "imported", "--show-values", "-o", "json"],
    ["secrets", "export", "imported", "--format", "dotenv"],
    ["secrets", "run", "imported", "--", "true"],
    ["secrets", "plan", "-f", "secrets.yaml", "-o", "json"],
]


@pytest.mark.parametrize("args", READS, ids=lambda args: args[1])
def test_a_read_never_imports_zenml(embedded_store: KitaruEnv, args: list[str]) -> None:
    kitaru.create_secret("imported", {"IMPORT_KEY": CANARY})
    (embedded_store.root / "secrets.yaml").write_text(MANIFEST)
    env = {**embedded_store.env, "IMPORT_KEY": CANARY}
    result, modules = run(env, embedded_store.root, *args)
    assert result.returncode == 0, result.stderr
    assert "zenml" not in modules
    # What each prints is the same through ZenML's path: tests/store/test_sqlite_reader.py.
    if args[1] != "run":
        assert result.stdout.strip()


def test_a_write_goes_through_zenml(embedded_store: KitaruEnv) -> None:
    kitaru.create_secret("imported", {"IMPORT_KEY": CANARY})
    result, modules = run(
        embedded_store.env, embedded_store.root, "secrets", "set", "imported", "--B=1"
    )
    assert result.returncode == 0, result.stderr
    assert "zenml" in modules
