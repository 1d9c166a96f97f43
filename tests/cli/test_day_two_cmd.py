"""`state: absent` and `create_only` through `kitaru secrets plan/apply` on the embedded
store and a real ZenML server (both clients)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kitaru.store import open_store
from tests.conftest import Cli, all_output
from tests.sync.example import stored_state

CANARY_OLD = "kitaru-canary-absent-old-3f1a9b"
CANARY_TWIN = "kitaru-canary-absent-twin-77c0de"
CANARY_OTHER = "kitaru-canary-absent-other-5e2b41"
CANARY_ROTATED = "kitaru-canary-rotated-out-of-band-c41d"
CANARY_GIT = "kitaru-canary-from-ci-env-a90e37"
CANARIES = [CANARY_OLD, CANARY_TWIN, CANARY_OTHER, CANARY_ROTATED, CANARY_GIT]


def _no_canary(output: str) -> None:
    for canary in CANARIES:
        assert canary not in output


ABSENT = """\
version: 1
secrets:
  - name: old-creds
    state: absent
"""


def test_absent_deletes_exactly_its_secret_and_then_is_unchanged(
    store_cli: Cli, tmp_path: Path
) -> None:
    assert store_cli("secrets", "set", "old-creds", f"--K={CANARY_OLD}").exit_code == 0
    open_store().create("old-creds", {"K": CANARY_TWIN}, True)  # `set` would update the public one
    assert store_cli("secrets", "set", "other-creds", f"--K={CANARY_OTHER}").exit_code == 0
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(ABSENT)
    plan = store_cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode", "-o", "json")
    assert plan.exit_code == 2, plan.stderr  # a pending delete is a change
    (secret,) = json.loads(plan.stdout)["secrets"]
    assert (secret["action"], secret["private"]) == ("delete", False)
    public_id = secret["id"]
    results = [plan]
    for fmt in ("text", "markdown", "github"):
        results.append(store_cli("secrets", "plan", "-f", str(manifest), "-o", fmt))
        assert "old-creds" in results[-1].stdout and "delete" in results[-1].stdout
    applied = store_cli(
        "secrets", "apply", "-f", str(manifest), "--detailed-exitcode", "-o", "json"
    )
    assert applied.exit_code == 0, applied.stderr
    payload = json.loads(applied.stdout)
    assert payload["secrets"][0]["status"] == "deleted" and payload["summary"]["deleted"] == 1
    state = stored_state()
    assert ("old-creds", False) not in state
    assert state[("old-creds", True)] == {"K": CANARY_TWIN}  # the twin survives
    assert state[("other-creds", False)] == {"K": CANARY_OTHER}
    assert public_id not in {ref.id for ref in open_store().list_all()}
    again = store_cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode")
    assert again.exit_code == 0 and "unchanged" in again.stdout, again.stdout
    replan = store_cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode")
    assert replan.exit_code == 0
    _no_canary(all_output([*results, applied, again, replan]))


CREATE_ONLY = """\
version: 1
secrets:
  - name: app-creds
    keys:
      - APP_URL
      - key: APP_TOKEN
        create_only: true
"""


def test_a_create_only_key_keeps_an_out_of_band_value_and_is_written_when_missing(
    store_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(CREATE_ONLY)
    monkeypatch.setenv("APP_URL", "https://example.invalid")
    monkeypatch.setenv("APP_TOKEN", CANARY_GIT)
    first = store_cli("secrets", "apply", "-f", str(manifest))
    assert first.exit_code == 0 and "created" in first.stdout, first.stderr
    rotated = store_cli("secrets", "set", "app-creds", f"--APP_TOKEN={CANARY_ROTATED}")
    assert rotated.exit_code == 0
    plan = store_cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode", "-o", "json")
    assert plan.exit_code == 0, plan.stdout  # kept is not drift
    (secret,) = json.loads(plan.stdout)["secrets"]
    assert secret["action"] == "unchanged" and secret["drift"] == []
    assert {"key": "APP_TOKEN", "action": "kept", "source": "env:APP_TOKEN"} in secret["keys"]
    text = store_cli("secrets", "apply", "-f", str(manifest))
    assert "create-only, kept as stored: APP_TOKEN" in text.stdout
    assert stored_state()[("app-creds", False)]["APP_TOKEN"] == CANARY_ROTATED
    monkeypatch.delenv("APP_TOKEN")  # no source: fine while the store holds the key
    unset = store_cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode")
    assert unset.exit_code == 0, unset.stderr
    store = open_store()
    (ref,) = [r for r in store.list_all() if r.name == "app-creds"]
    store.update(ref.id, {}, ["APP_TOKEN"])  # the key is gone now
    missing = store_cli("secrets", "plan", "-f", str(manifest))
    assert missing.exit_code == 1 and "app-creds/APP_TOKEN ($APP_TOKEN" in missing.stderr
    monkeypatch.setenv("APP_TOKEN", CANARY_GIT)
    restored = store_cli("secrets", "apply", "-f", str(manifest), "-o", "json")
    assert restored.exit_code == 0
    (secret,) = json.loads(restored.stdout)["secrets"]
    assert {"key": "APP_TOKEN", "action": "add", "source": "env:APP_TOKEN"} in secret["keys"]
    assert stored_state()[("app-creds", False)]["APP_TOKEN"] == CANARY_GIT
    _no_canary(all_output([first, plan, text, unset, missing, restored]))
