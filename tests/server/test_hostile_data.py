"""Day-two features against a hostile co-user on a real server (issue 24): bob's public twin
of alice's private secret never receives alice's private value, through `apply` or through
what `adopt` proposes; an orphaned secret declared absent is blocked, never "deleted"."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest

import kitaru
from tests.conftest import Cli, all_output
from tests.server.fixtures import ServerSession
from tests.server.test_orphans import REMEDY, sql

CANARY = "alice-private-canary-crossing-6e2d"
BOB = "bob-public-placeholder-1c9a"
PRIVATE_ONLY = """\
version: 1
secrets:
  - name: deploy
    private: true
    keys: [API_TOKEN]
"""


def test_a_private_value_never_reaches_a_co_users_public_twin(
    server_session: ServerSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bob, alice = server_session.users.bob, server_session.users.alice
    server_session.use(bob)
    twin = kitaru.create_secret("deploy", {"API_TOKEN": BOB})
    server_session.use(alice)
    monkeypatch.setenv("API_TOKEN", CANARY)
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(PRIVATE_ONLY)
    cli = Cli()
    results = [cli("secrets", "apply", "-f", str(manifest))]
    assert results[0].exit_code == 0, results[0].stderr

    adopted = cli("secrets", "adopt", "-f", str(manifest), "--write")
    results.append(adopted)
    assert adopted.exit_code == 0, adopted.stderr
    assert manifest.read_text() == PRIVATE_ONLY  # never proposed: a note instead
    assert "note: skipped public secret 'deploy': another user created it" in adopted.stderr

    # The twin added by hand (or by an older adopt): plan and apply refuse, naming both.
    manifest.write_text(PRIVATE_ONLY + "  - name: deploy\n    keys: [API_TOKEN]\n")
    for command in ("plan", "apply"):
        refused = cli("secrets", command, "-f", str(manifest))
        results.append(refused)
        assert refused.exit_code == 1, refused.stdout + refused.stderr
        (line,) = refused.stderr.splitlines()
        assert "public secret deploy (created by another user) would receive in API_TOKEN" in line
        assert "feeds private secret deploy key API_TOKEN" in line
    server_session.use(bob)
    assert kitaru.get_secret(twin.id).values == {"API_TOKEN": BOB}
    assert CANARY not in all_output(results)


def test_an_orphan_declared_absent_is_blocked_and_apply_fails(
    server_session: ServerSession, tmp_path: Path
) -> None:
    secret_id = kitaru.create_secret("gone", {"K": "placeholder"}).id
    assert (
        sql(server_session, f"UPDATE secret SET `values` = NULL WHERE id = '{UUID(secret_id).hex}'")
        == 1
    )
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text("version: 1\nsecrets:\n  - name: gone\n    state: absent\n")
    cli = Cli()
    planned = cli("secrets", "plan", "-f", str(manifest), "-o", "json", "--detailed-exitcode")
    assert planned.exit_code == 2, planned.stdout + planned.stderr
    (secret,) = json.loads(planned.stdout)["secrets"]
    assert secret["action"] == "blocked" and secret["id"] == secret_id
    (finding,) = secret["drift"]
    assert finding["kind"] == "orphaned" and REMEDY.search(finding["message"])
    applied = cli("secrets", "apply", "-f", str(manifest), "-o", "json")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    (outcome,) = json.loads(applied.stdout)["secrets"]
    assert outcome["status"] == "failed"
    assert secret_id in {s.id for s in kitaru.list_secrets()}  # it still exists
    (statement,) = REMEDY.findall(finding["message"])
    assert sql(server_session, statement) == 1
    healed = cli("secrets", "apply", "-f", str(manifest))
    assert healed.exit_code == 0 and secret_id not in {s.id for s in kitaru.list_secrets()}
