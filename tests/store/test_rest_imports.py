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
