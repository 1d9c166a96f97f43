"""Orphaned secrets on a real server: a create killed between ZenML's two commits leaves a
row without values, which the server lists but answers with 404 to every read, update
and delete (test_faults.py's kill test makes them for real on SQLite, test_half_made.py
on MariaDB). Here the state is made directly, as the kill leaves it: ZenML's first
commit writes the row with ``values`` NULL (SqlZenStore._create_secret_schema), the
second fills it in; so a secret created normally whose ``values`` are set back to NULL
is that state. `plan` names it with the remedy, `apply` fails it alone, `list` shows
it, and the remedy's SQL really works, on SQLite and on MariaDB.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from uuid import UUID

import pytest

import kitaru
from kitaru.store import open_store
from kitaru.store.failures import ValuesMissingError
from tests.conftest import Cli, all_output
from tests.server.fixtures import MARIADB_TOO, ServerSession

CANARY = "orphan-canary-51f0"
MANIFEST = """version: 1
secrets:
  - name: lost
    keys: [LOST_KEY]
  - name: fine
    keys: [FINE_KEY]
  - name: fresh
    keys: [FRESH_KEY]
"""
REMEDY = re.compile(r"DELETE FROM secret WHERE id = '[0-9a-f]{32}' AND `values` IS NULL;")


def sql(session: ServerSession, statement: str) -> int:
    """A statement on the server's database (SQLite, or the replicas' shared MariaDB)."""
    return session.running.topology.execute_sql(statement)


def orphan(session: ServerSession, name: str) -> str:
    """Create ``name``, then leave its row as a kill between the two commits would."""
    secret_id = kitaru.create_secret(name, {"LOST_KEY": f"{CANARY}-old"}).id
    hex_id = UUID(secret_id).hex  # ours: no quoting needed
    assert sql(session, f"UPDATE secret SET `values` = NULL WHERE id = '{hex_id}'") == 1
    with pytest.raises(ValuesMissingError):  # the state the kill test's lost secrets are in
        open_store().get(secret_id)
    return secret_id


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in ("LOST_KEY", "FINE_KEY", "FRESH_KEY"):
        monkeypatch.setenv(key, f"{CANARY}-{key.lower()}")
    path = tmp_path / "secrets.yaml"
    path.write_text(MANIFEST)
    return path


@pytest.mark.server
@MARIADB_TOO
def test_plan_apply_and_list_report_an_orphan_and_its_remedy_works(
    server_session: ServerSession, manifest: Path
) -> None:
    cli = Cli()
    lost_id = orphan(server_session, "lost")
    kitaru.create_secret("fine", {"FINE_KEY": "stale"})
    results = []

    planned = cli("secrets", "plan", "-f", str(manifest), "-o", "json", "--detailed-exitcode")
    results.append(planned)
    assert planned.exit_code == 2, planned.stdout + planned.stderr
    report = json.loads(planned.stdout)
    secrets = {s["name"]: s for s in report["secrets"]}
    assert [secrets[n]["action"] for n in ("lost", "fine", "fresh")] == [
        "blocked",
        "update",
        "create",
    ]
    assert secrets["lost"]["id"] == lost_id and report["summary"]["blocked"] == 1
    (finding,) = secrets["lost"]["drift"]
    assert finding["kind"] == "orphaned" and finding["id"] == lost_id
    assert REMEDY.search(finding["message"]) and UUID(lost_id).hex in finding["message"]
    for output in ("text", "markdown", "github"):
        shown = cli("secrets", "plan", "-f", str(manifest), "-o", output)
        results.append(shown)
        assert shown.exit_code == 0 and "orphaned" in shown.stdout, shown.stdout
        assert UUID(lost_id).hex in shown.stdout

    for attempt in range(2):  # a re-run neither loops nor converges on it by itself
        applied = cli("secrets", "apply", "-f", str(manifest), "-o", "json")
        results.append(applied)
        assert applied.exit_code == 1, applied.stdout + applied.stderr
        outcomes = {s["name"]: s for s in json.loads(applied.stdout)["secrets"]}
        assert outcomes["lost"]["status"] == "failed"
        assert outcomes["lost"]["error"].startswith("not written: the ZenML server lists")
        assert "\n" not in outcomes["lost"]["error"]
        others = ("updated", "created") if attempt == 0 else ("unchanged", "unchanged")
        assert (outcomes["fine"]["status"], outcomes["fresh"]["status"]) == others
        assert "Traceback" not in applied.stderr
        assert applied.stderr.count("\n") == 1 and "lost (public)" in applied.stderr

    listed = [cli("secrets", "list"), cli("secrets", "list", "--keys", "-o", "json")]
    results.extend(listed)
    assert all(r.exit_code == 0 for r in listed), all_output(listed)
    assert lost_id in listed[0].stdout
    entries = {e["name"]: e for e in json.loads(listed[1].stdout)}
    assert entries["lost"]["keys"] == [] and entries["lost"]["orphaned"] is True
    assert entries["lost"]["incomplete"] is True and "orphaned" not in entries["fine"]
    assert entries["fine"]["keys"] == ["FINE_KEY"]
    assert CANARY not in all_output(results)

    # The admin's remedy, as the finding words it, run on the server's database.
    (statement,) = REMEDY.findall(finding["message"])
    assert sql(server_session, statement) == 1
    healed = cli("secrets", "apply", "-f", str(manifest))
    assert healed.exit_code == 0, healed.stdout + healed.stderr
    assert kitaru.get_secret("lost").values == {"LOST_KEY": f"{CANARY}-lost_key"}
    settled = cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode")
    assert settled.exit_code == 0, settled.stdout
    assert CANARY not in all_output([healed, settled])
