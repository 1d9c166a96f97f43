"""A create killed between ZenML's two commits (row, then values) on the embedded store:
`list` shows the secret, `set` completes it, `delete` removes it, and no message talks of
a server. The half-written state is made as a kill leaves it: the row without values."""

from __future__ import annotations

import json
import sqlite3

import pytest

import kitaru
from kitaru.store import open_store
from tests.conftest import DB_RELATIVE, Cli, KitaruEnv, all_output

CANARY = "kitaru-canary-interrupted-6d2e"


def _interrupt(env: KitaruEnv, name: str) -> str:
    """Create ``name``, then drop its values as a SIGKILL between the commits would."""
    summary = kitaru.create_secret(name, {"FIRST": f"{CANARY}-first"})
    with sqlite3.connect(env.root / DB_RELATIVE) as db:
        changed = db.execute('UPDATE secret SET "values" = NULL WHERE name = ?', (name,))
        assert changed.rowcount == 1
    assert kitaru.list_secrets(keys=True)[0].incomplete  # the state a kill leaves behind
    return summary.id


@pytest.fixture
def cli(embedded_store: KitaruEnv) -> Cli:
    open_store().list_all()  # ZenML's first-run notice is not kitaru's output
    return Cli()


def test_list_and_show_report_it(cli: Cli, embedded_store: KitaruEnv) -> None:
    secret_id = _interrupt(embedded_store, "half")
    listed = cli("secrets", "list", "--keys")
    as_json = cli("secrets", "list", "--keys", "-o", "json")
    shown = cli("secrets", "show", "half")
    results = [listed, as_json, shown]
    assert all(r.exit_code == 0 for r in results), all_output(results)
    assert "half" in listed.stdout and secret_id in listed.stdout
    assert "creation was interrupted" in listed.stdout and "`set` completes" in shown.stdout
    (entry,) = json.loads(as_json.stdout)
    assert entry["incomplete"] is True and entry["keys"] == []
    assert "server" not in all_output(results) and CANARY not in all_output(results)


def test_set_completes_it_and_a_rerun_converges(cli: Cli, embedded_store: KitaruEnv) -> None:
    _interrupt(embedded_store, "half")
    first = cli("secrets", "set", "half", f"--TOKEN={CANARY}-token", "--OTHER=x-value")
    again = cli("secrets", "set", "half", f"--TOKEN={CANARY}-token", "--OTHER=x-value")
    assert first.exit_code == 0 and again.exit_code == 0, all_output([first, again])
    secret = kitaru.get_secret("half")
    assert secret.values == {"TOKEN": f"{CANARY}-token", "OTHER": "x-value"}
    assert [s.incomplete for s in kitaru.list_secrets(keys=True)] == [False]
    assert CANARY not in all_output([first, again]) and "server" not in all_output([first])


def test_delete_removes_it(cli: Cli, embedded_store: KitaruEnv) -> None:
    secret_id = _interrupt(embedded_store, "half")
    by_name = cli("secrets", "delete", "half")
    assert by_name.exit_code == 0, by_name.stderr
    assert kitaru.list_secrets() == []
    _interrupt(embedded_store, "again")
    assert kitaru.delete_secret(kitaru.list_secrets()[0].id.upper()).name == "again"
    assert kitaru.list_secrets() == [] and secret_id in by_name.stdout


def test_apply_completes_it(
    cli: Cli, embedded_store: KitaruEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interrupt(embedded_store, "half")
    manifest = embedded_store.root / "secrets.yaml"
    manifest.write_text("version: 1\nsecrets:\n  - name: half\n    keys: [TOKEN]\n")
    monkeypatch.setenv("TOKEN", f"{CANARY}-applied")
    applied = cli("secrets", "apply", "-f", str(manifest))
    assert applied.exit_code == 0, applied.stderr
    assert kitaru.get_secret("half").values == {"TOKEN": f"{CANARY}-applied"}
    assert CANARY not in all_output([applied])
