"""`kitaru secrets adopt` on the embedded store and a real ZenML server: entries round-trip
through `validate` and `plan`, `--write` keeps the manifest's bytes, no value leaks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kitaru.store import open_store
from tests.conftest import Cli, all_output

CANARY_A = "kitaru-canary-adopt-a-1c9d0e"
CANARY_B = "kitaru-canary-adopt-b-8f3a72"
CANARY_C = "kitaru-canary-adopt-c-5d61bb"
CANARIES = [CANARY_A, CANARY_B, CANARY_C]


def assert_no_value(text: str) -> None:
    """No canary value, nor a hex digest of one."""
    for canary in CANARIES:
        assert canary not in text
        for digest in ("md5", "sha1", "sha256", "sha512"):
            assert hashlib.new(digest, canary.encode()).hexdigest() not in text


MANIFEST = """\
# yaml-language-server: $schema=.kitaru/manifest.schema.json
version: 1
secrets:
  - name: managed   # already in git
    keys: [MANAGED_KEY]
# last line: a comment, and no newline after it"""


def _seed(cli: Cli) -> None:
    assert cli("secrets", "set", "managed", f"--MANAGED_KEY={CANARY_A}").exit_code == 0
    assert cli("secrets", "set", "app-creds", f"--APP_TOKEN={CANARY_B}", "--ON=x").exit_code == 0
    made = cli("secrets", "set", "true", "--private", f"--DB_PASSWORD={CANARY_C}")
    assert made.exit_code == 0, made.stderr


def test_adopt_write_keeps_the_bytes_and_round_trips_through_validate_and_plan(
    store_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(store_cli)
    manifest = tmp_path / "secrets.yaml"
    manifest.write_bytes(MANIFEST.encode())
    printed = store_cli("secrets", "adopt", "-f", str(manifest))
    assert printed.exit_code == 0, printed.stderr
    assert "name: app-creds" in printed.stdout and "name: 'true'" in printed.stdout
    assert manifest.read_bytes() == MANIFEST.encode()  # printing writes nothing
    written = store_cli("secrets", "adopt", "-f", str(manifest), "--write")
    assert written.exit_code == 0, written.stderr
    assert "Appended 2 secret(s)" in written.stdout
    after = manifest.read_bytes()
    assert after.startswith(MANIFEST.encode()) and after != MANIFEST.encode()
    valid = store_cli("secrets", "validate", str(manifest))
    assert valid.exit_code == 0, valid.stdout + valid.stderr
    for key, value in [
        ("MANAGED_KEY", CANARY_A),
        ("APP_TOKEN", CANARY_B),
        ("ON", "x"),
        ("DB_PASSWORD", CANARY_C),
    ]:
        monkeypatch.setenv(key, value)
    plan = store_cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode", "-o", "json")
    assert plan.exit_code == 0, plan.stdout
    payload = json.loads(plan.stdout)
    assert {(s["name"], s["private"], s["action"]) for s in payload["secrets"]} == {
        ("managed", False, "unchanged"),
        ("app-creds", False, "unchanged"),
        ("true", True, "unchanged"),
    }
    assert payload["unmanaged"] == []
    again = store_cli("secrets", "adopt", "-f", str(manifest), "--write", "-o", "json")
    assert again.exit_code == 0 and json.loads(again.stdout)["secrets"] == []
    assert manifest.read_bytes() == after  # nothing left to adopt: the file is untouched
    assert_no_value(after.decode() + all_output([printed, written, plan, again]))


def test_adopt_by_name_prints_entries_and_json_gives_them_as_data(store_cli: Cli) -> None:
    _seed(store_cli)
    text = store_cli("secrets", "adopt", "app-creds")
    assert text.exit_code == 0, text.stderr
    assert text.stdout == (
        "  - name: app-creds\n    private: false\n    keys:\n      - APP_TOKEN\n      - 'ON'\n"
    )
    data = store_cli("secrets", "adopt", "app-creds", "true", "-o", "json")
    assert data.exit_code == 0
    payload = json.loads(data.stdout)
    assert payload["format_version"] == 1 and payload["written"] is None
    assert payload["secrets"] == [
        {"name": "app-creds", "private": False, "keys": ["APP_TOKEN", "ON"]},
        {"name": "true", "private": True, "keys": ["DB_PASSWORD"]},
    ]
    only = store_cli("secrets", "adopt", "true", "app-creds", "--private", "-o", "json")
    assert only.exit_code == 1 and "no private secret named 'app-creds'" in only.stderr
    private = store_cli("secrets", "adopt", "true", "--private", "-o", "json")
    assert [s["name"] for s in json.loads(private.stdout)["secrets"]] == ["true"]
    unknown = store_cli("secrets", "adopt", "no-such-secret")
    assert unknown.exit_code == 1 and "no-such-secret" in unknown.stderr
    assert_no_value(all_output([text, data, unknown]))


HOSTILE = ["bad name!", "nl\nname", "ghp_" + "a1B2" * 9, "\x1b]8;;http://evil\x07"]


def test_hostile_store_names_and_keys_are_skipped_in_adopt_output(
    store_cli: Cli, tmp_path: Path
) -> None:
    store = open_store()
    for name in HOSTILE:
        store.create(name, {"K": CANARY_A}, False)
    store.create("odd-keys", {"bad-key": CANARY_B}, False)
    store.create("fine", {"FINE_KEY": CANARY_C}, False)
    real = tmp_path / "real.yaml"
    real.write_text("version: 1\nsecrets:\n  - name: other\n    keys: [OTHER]\n")
    manifest = tmp_path / "secrets.yaml"
    manifest.symlink_to(real)  # the link stays; the file it points at gets the entries
    results = [
        store_cli("secrets", "adopt", "-f", str(manifest), "--write", "-o", fmt)
        for fmt in ("json",)
    ]
    results.append(store_cli("secrets", "adopt", "-f", str(manifest)))
    payload = json.loads(results[0].stdout)
    assert [s["name"] for s in payload["secrets"]] == ["fine"]
    assert len(payload["notes"]) == len(HOSTILE) + 1
    assert results[1].stdout == ""  # "fine" is declared now: nothing left but notes
    notes = results[1].stderr.splitlines()
    assert sum(line.startswith("note: skipped") for line in notes) == len(HOSTILE) + 1
    output = all_output(results) + manifest.read_text()
    for name in HOSTILE:
        assert name not in output
    assert "bad-key" not in manifest.read_text() and "\x1b" not in output
    assert manifest.is_symlink() and "name: fine" in real.read_text()
    assert_no_value(output)


def test_adopt_refuses_a_manifest_it_cannot_append_to_before_touching_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kitaru.store

    def no_store() -> object:
        raise AssertionError("adopt must refuse before it opens a store")

    monkeypatch.setattr(kitaru.store, "open_store", no_store)
    manifest = tmp_path / "secrets.yaml"
    flow = "version: 1\nsecrets: [{name: a, keys: [A]}]\n"
    manifest.write_text(flow)
    cli = Cli()
    refused = cli("secrets", "adopt", "-f", str(manifest), "--write")
    assert refused.exit_code == 1 and "not a block list" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert manifest.read_text() == flow
    assert cli("secrets", "adopt").exit_code == 2
    assert cli("secrets", "adopt", "x", "--write").exit_code == 2


def test_the_sdk_adopts_the_same_entries(store_cli: Cli, tmp_path: Path) -> None:
    import sys

    from kitaru.sync import Entry, adopt, append_entries

    assert adopt is sys.modules["kitaru.sync.adopt"].adopt  # the function, not its module
    _seed(store_cli)
    manifest = tmp_path / "secrets.yaml"
    manifest.write_bytes(MANIFEST.encode())
    found = adopt(manifest=manifest)
    assert found.entries == (
        Entry("app-creds", False, ("APP_TOKEN", "ON")),
        Entry("true", True, ("DB_PASSWORD",)),
    )
    assert append_entries(MANIFEST, found.entries).startswith(MANIFEST)
    assert adopt(["managed"]).entries == (Entry("managed", False, ("MANAGED_KEY",)),)


def test_adopt_round_trips_dialect_names_and_stored_empty_values(
    store_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names a YAML 1.1 writer emits plain but the manifest reader takes for numbers, and a
    stored empty value: adopted, valid, and planned unchanged (issue 24, class 4)."""
    import kitaru

    names = ["1e3", "0x10", "0o7", "yes"]
    for name in names:
        kitaru.create_secret(name, {"FULL": CANARY_A, "EMPTY": ""}, allow_empty=True)
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text("version: 1\nsecrets:\n  - name: managed\n    state: absent\n")
    written = store_cli("secrets", "adopt", "-f", str(manifest), "--write")
    assert written.exit_code == 0, written.stderr
    assert store_cli("secrets", "validate", str(manifest)).exit_code == 0
    monkeypatch.setenv("FULL", CANARY_A)
    monkeypatch.delenv("EMPTY", raising=False)
    plan = store_cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode", "-o", "json")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    actions = {s["name"]: s["action"] for s in json.loads(plan.stdout)["secrets"]}
    assert actions == {"managed": "unchanged", **dict.fromkeys(names, "unchanged")}
    assert_no_value(manifest.read_text() + all_output([written, plan]))
