"""Names and key names a co-user wrote into the store, through every CLI output.

The store accepts names and keys with newlines, ESC sequences and bidi controls
(checked on the embedded store and both server clients), so each is put there
directly, past kitaru's own name rules, and then listed, shown, planned and applied.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kitaru.store import open_store
from tests.conftest import Cli, KitaruEnv
from tests.test_safe_text import assert_safe_output

HOSTILE_NAMES = [
    "x\n::error title=owned::pwned",
    "y\n::stop-commands::tok",
    "z\x1b]0;owned title\x07\x1b[2J",
    "w\u202etxt.exe\r\n::warning::w",
]
HOSTILE_KEYS = ["K\n::error::key", "K\x1b[2J", "K\u2028::notice::x"]


@pytest.fixture
def hostile(kitaru_env: KitaruEnv) -> dict[str, str]:
    """Secret ID by hostile name; ``app`` holds hostile key names."""
    store = open_store()
    ids = {
        name: store.create(name, {key: "v" for key in HOSTILE_KEYS}, i % 2 == 0).id
        for i, name in enumerate(HOSTILE_NAMES)
    }
    ids["app"] = store.create("app", {"A_KEY": "old", **{k: "v" for k in HOSTILE_KEYS}}, False).id
    return ids


def test_list_and_show_escape_every_name_and_key(cli: Cli, hostile: dict[str, str]) -> None:
    for keys in ((), ("--keys",)):
        listed = cli("secrets", "list", *keys)
        assert listed.exit_code == 0, listed.stderr
        assert_safe_output(listed.stdout, "text")
        assert "x\\x0a:\\x3aerror title=owned:\\x3apwned" in listed.stdout
        as_json = cli("secrets", "list", *keys, "-o", "json")
        assert_safe_output(as_json.stdout, "json")
        assert {item["name"] for item in json.loads(as_json.stdout)} == {*HOSTILE_NAMES, "app"}
    assert {k for item in json.loads(as_json.stdout) for k in item["keys"]} >= set(HOSTILE_KEYS)
    for secret_id in hostile.values():
        for args in ((), ("-o", "json"), ("--show-values",)):
            shown = cli("secrets", "show", secret_id, *args)
            assert shown.exit_code == 0, shown.stderr
            assert_safe_output(shown.stdout, "json" if args else "text")


def test_plan_and_apply_escape_store_names_in_every_format(
    cli: Cli, hostile: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text("version: 1\nsecrets:\n  - name: app\n    prune: true\n    keys: [A_KEY]\n")
    monkeypatch.setenv("A_KEY", "new")
    for command in ("plan", "apply"):
        for fmt in ("text", "json", "markdown", "github"):
            extra = ("--dry-run",) if command == "apply" else ()
            result = cli("secrets", command, "-f", str(manifest), *extra, "-o", fmt)
            assert result.exit_code == 0, result.stderr
            assert_safe_output(result.stdout, fmt)
            assert_safe_output(result.stderr, "text")
    applied = cli("secrets", "apply", "-f", str(manifest), "--prune")
    assert applied.exit_code == 0, applied.stderr
    assert_safe_output(applied.stdout, "text")
    assert "K\\x1b[2J" in applied.stdout


def test_an_error_quoting_a_stored_name_is_escaped(cli: Cli, hostile: dict[str, str]) -> None:
    """The stored name reaches an error message (a bad key makes the update fail)."""
    secret_id = hostile[HOSTILE_NAMES[0]]
    result = cli("secrets", "set", secret_id, "--OK_KEY=v")
    assert result.exit_code == 1
    assert_safe_output(result.stderr, "text")
    assert result.stderr.count("\n") == 1


def test_adopt_skips_hostile_names_and_keys_and_its_notes_are_safe(
    cli: Cli, hostile: dict[str, str], tmp_path: Path
) -> None:
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text("version: 1\nsecrets:\n  - name: other\n    keys: [OTHER]\n")
    for fmt in ("text", "json"):
        result = cli("secrets", "adopt", "-f", str(manifest), "-o", fmt)
        assert result.exit_code == 0, result.stderr
        assert_safe_output(result.stdout, fmt)
        assert_safe_output(result.stderr, "text")
        assert result.stderr.count("note: skipped") == len(hostile)
    payload = json.loads(result.stdout)
    assert payload["secrets"] == [] and len(payload["notes"]) == len(hostile)
