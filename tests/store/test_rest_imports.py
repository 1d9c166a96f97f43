"""With a server configured, kitaru's store commands never import zenml (whole process,
checked with ``python -X importtime``), and still end with complete output."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import kitaru
from tests.conftest import PYTHON
from tests.server.fixtures import ServerSession

pytestmark = [
    pytest.mark.server,
    pytest.mark.parametrize("server_client", ["rest"], indirect=True),
]

MANIFEST = "version: 1\nsecrets:\n  - name: imported\n    keys: [IMPORT_KEY]\n"
CANARY = "import-canary-7d0b"


Run = subprocess.CompletedProcess[str]


def run(env: dict[str, str], cwd: Path, *args: str) -> tuple[Run, set[str]]:
    """The console script; returns its result (import lines removed) and its imports."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", "from kitaru.cli.main import main; main()", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    modules = set()
    kept = []
    for line in result.stderr.splitlines():
        if line.startswith("import time:"):
            if "|" in line:
                modules.add(line.rsplit("|", 1)[1].strip())
        else:
            kept.append(line)
    cleaned = subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout, "\n".join(kept)
    )
    return cleaned, modules


@pytest.mark.parametrize(
    "args",
    [
        ["secrets", "list"],
        ["secrets", "show", "imported", "-o", "json"],
        ["secrets", "set", "imported", "--OTHER=1"],
        ["secrets", "plan", "-f", "secrets.yaml"],
        ["secrets", "apply", "-f", "secrets.yaml"],
    ],
    ids=lambda args: args[1],
)
def test_no_zenml_import(server_session: ServerSession, tmp_path: Path, args: list[str]) -> None:
    kitaru.create_secret("imported", {"IMPORT_KEY": "old"})
    (tmp_path / "secrets.yaml").write_text(MANIFEST)
    env = {**server_session.env_for(server_session.users.alice), "IMPORT_KEY": CANARY}
    result, modules = run(env, tmp_path, *args)
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout
    assert "zenml" not in modules
    assert "rich" not in modules
    assert "httpx" in modules  # the REST store did the work
    assert result.stderr == ""
    assert CANARY not in result.stdout


def test_a_zenml_login_is_enough(server_session: ServerSession, tmp_path: Path) -> None:
    """`zenml login URL --api-key` saves the server and key in ZenML's config directory;
    kitaru reads them from there, still without importing zenml."""
    kitaru.create_secret("imported", {"IMPORT_KEY": CANARY})
    robot = server_session.users.robot
    env = {
        name: value
        for name, value in server_session.env_for(robot).items()
        if not name.startswith("ZENML_STORE_")
    }
    zenml_cli = [PYTHON, "-c", "from zenml.cli.cli import cli; cli()"]
    login = subprocess.run(
        [*zenml_cli, "login", server_session.url, "--api-key"],
        input=f"{robot.api_key}\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert login.returncode == 0, login.stdout + login.stderr
    result, modules = run(env, tmp_path, "secrets", "show", "imported", "--show-values")
    assert result.returncode == 0, result.stderr
    assert CANARY in result.stdout  # asked for, so shown
    assert "zenml" not in modules
    assert robot.api_key is not None and robot.api_key not in result.stdout + result.stderr
