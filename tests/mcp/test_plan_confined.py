"""The MCP plan tool through the real client: no guess oracle, no file outside the root.

A client that picks the .env file must not learn whether a guess equals a stored value, and
must not make the server read what is not a small regular file under its root directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kitaru.mcp.files import MAX_FILE_BYTES
from kitaru.secrets import create_secret
from tests.conftest import KitaruEnv
from tests.mcp.conftest import McpServer, under_root

CANARY = "kc4n4ry-oracle-91f0d2"
MANIFEST = """\
version: 1
secrets:
  - name: oracle-target
    keys: [ORACLE_TOKEN, ORACLE_NEW]
  - name: oracle-fresh
    keys: [ORACLE_FRESH]
"""


def plan(server: McpServer, **arguments: str) -> object:
    return server.call("kitaru_secrets_plan", arguments)


def one_line_error(result: object) -> str:
    assert result.is_error, result  # type: ignore[attr-defined]
    (block,) = result.content  # type: ignore[attr-defined]
    assert "\n" not in block.text and "Traceback" not in block.text
    return str(block.text)


def test_a_right_and_a_wrong_guess_give_identical_reports(
    mcp_server: McpServer, mcp_store: KitaruEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ORACLE_TOKEN", "ORACLE_NEW", "ORACLE_FRESH"):
        monkeypatch.delenv(name, raising=False)
    create_secret("oracle-target", {"ORACLE_TOKEN": f"{CANARY}-stored", "EXTRA": "x"})
    root = under_root(mcp_store, "oracle")
    (root / "secrets.yaml").write_text(MANIFEST)
    guess = root / "guess.env"
    reports = []
    for value in (f"{CANARY}-stored", f"{CANARY}-wrong"):
        guess.write_text(f"ORACLE_TOKEN={value}\nORACLE_NEW=n\nORACLE_FRESH=f\n")
        result = plan(mcp_server, manifest_path="oracle/secrets.yaml", env_file=str(guess))
        assert not result.is_error, result  # type: ignore[attr-defined]
        reports.append((result.structured_content, [b.text for b in result.content]))  # type: ignore[attr-defined]
    assert reports[0] == reports[1]
    report = reports[0][0]
    target = next(s for s in report["secrets"] if s["name"] == "oracle-target")
    assert target["action"] == "exists"
    assert {k["key"]: k["action"] for k in target["keys"]} == {
        "ORACLE_TOKEN": "present",
        "ORACLE_NEW": "add",
    }
    kinds = {d["kind"] for d in report["drift"]}
    assert "value" not in kinds and {"missing_key", "extra_key"} <= kinds
    assert "unchanged" not in str(report) and "update" not in str(report)
    assert CANARY not in mcp_server.everything_seen()


@pytest.fixture
def refused(mcp_store: KitaruEnv, tmp_path: Path) -> dict[str, str]:
    """Paths the plan tool must refuse, each by a one-line error; tmp_path is outside."""
    root = under_root(mcp_store, "refused")
    outside = tmp_path / "outside.yaml"
    outside.write_text(MANIFEST)
    fifo = root / "pipe.yaml"
    os.mkfifo(fifo)
    link = root / "link.yaml"
    link.symlink_to(outside)
    big = root / "big.yaml"
    big.write_text("version: 1\nsecrets: []\n" + "#" * MAX_FILE_BYTES + "\n")
    return {
        "/dev/zero": "outside the server's root directory",
        str(fifo): "not a regular file",
        str(outside): "outside the server's root directory",
        os.path.relpath(outside, mcp_store.root): "outside the server's root directory",
        str(tmp_path / "absent.yaml"): "outside the server's root directory",
        "refused/link.yaml": "outside the server's root directory",
        str(big): "larger than 1 MiB",
        str(root): "not a regular file",
    }


def test_paths_outside_root_devices_fifos_and_big_files_are_refused_fast(
    mcp_server: McpServer, mcp_store: KitaruEnv, refused: dict[str, str]
) -> None:
    """Refused before anything is read: a FIFO or /dev/zero would otherwise hang the call
    until the client's read timeout fails it (no wall-clock bound here: the first plan
    call of a server pays its imports, so a bound would fail in some orders only)."""
    good = under_root(mcp_store, "good-manifest") / "secrets.yaml"
    good.write_text(MANIFEST)
    for path, why in refused.items():
        as_manifest = one_line_error(plan(mcp_server, manifest_path=path))
        as_env = one_line_error(plan(mcp_server, manifest_path=str(good), env_file=path))
        assert as_manifest.startswith(f"manifest_path: {why}"), (path, as_manifest)
        assert as_env.startswith(f"env_file: {why}"), (path, as_env)
        assert path not in as_manifest + as_env


def test_the_manifests_own_env_file_is_confined_too(
    mcp_server: McpServer, mcp_store: KitaruEnv, tmp_path: Path
) -> None:
    root = under_root(mcp_store, "declared-env")
    secret_env = tmp_path / "elsewhere.env"
    secret_env.write_text(f"ORACLE_TOKEN={CANARY}\n")
    relative = os.path.relpath(secret_env, root)
    (root / "secrets.yaml").write_text(f"version: 1\nenv_file: {relative}\n" + MANIFEST[11:])
    error = one_line_error(plan(mcp_server, manifest_path="declared-env/secrets.yaml"))
    assert error.startswith("the manifest's env_file: outside the server's root directory")


def test_root_must_be_a_directory(tmp_path: Path) -> None:
    import subprocess

    from tests.mcp.conftest import server_command

    command, args = server_command()
    result = subprocess.run(
        [command, *args, "--root", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().endswith("not a directory")


def test_the_plan_tool_shows_a_declared_removal_and_deletes_nothing(
    mcp_server: McpServer, mcp_store: KitaruEnv
) -> None:
    create_secret("retired", {"RETIRED_TOKEN": f"{CANARY}-retired"})
    root = under_root(mcp_store, "absent")
    (root / "secrets.yaml").write_text(
        "version: 1\nsecrets:\n  - name: retired\n    state: absent\n"
    )
    result = plan(mcp_server, manifest_path="absent/secrets.yaml")
    assert not result.is_error, result  # type: ignore[attr-defined]
    report = result.structured_content  # type: ignore[attr-defined]
    (secret,) = report["secrets"]
    assert (secret["name"], secret["action"]) == ("retired", "delete")
    assert report["summary"]["delete"] == 1
    from kitaru.secrets import list_secrets

    assert "retired" in [s.name for s in list_secrets()]  # planned, never applied
    assert CANARY not in str(report)
