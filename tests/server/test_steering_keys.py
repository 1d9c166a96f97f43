"""A co-user plants a key that steers programs in the team's public secret (real processes).

bob adds ``BASH_ENV`` (pointing at his script) to the public secret alice's deploy job
uses. Before issue 24, ``kitaru secrets run team-deploy -- bash -c true`` ran bob's script
inside alice's job, and ``export --format github-env >> "$GITHUB_ENV"`` planted the key
for every later step. Now both refuse in one line and nothing runs or is appended; only
alice's explicit ``--allow-key BASH_ENV`` lets it through (which proves the canary works).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import kitaru
from tests.conftest import PYTHON
from tests.server.fixtures import ServerSession

CANARY = "alice-deploy-canary-31c7"


def kitaru_process(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-c", "from kitaru.cli.main import main; main()", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("server_client", ["rest"], indirect=True)
def test_a_co_users_bash_env_never_runs_in_your_program(
    server_session: ServerSession, tmp_path: Path
) -> None:
    marker = tmp_path / "ran-bobs-code"
    payload = tmp_path / "bob.sh"
    payload.write_text(f"touch '{marker}'\n")
    kitaru.create_secret("team-deploy", {"DEPLOY_TOKEN": CANARY})
    server_session.use(server_session.users.bob)
    kitaru.set_secret("team-deploy", {"BASH_ENV": str(payload)})
    server_session.use(server_session.users.alice)
    env = server_session.env_for(server_session.users.alice)

    ran = kitaru_process(
        env, "secrets", "run", "team-deploy", "--", "bash", "-c", "true", cwd=tmp_path
    )
    assert ran.returncode == 1, ran.stderr
    (line,) = ran.stderr.splitlines()
    assert "'team-deploy'" in line and "'BASH_ENV'" in line and "--allow-key" in line
    assert not marker.exists()

    github_env = tmp_path / "github_env"
    github_env.write_text("EARLIER=1\n")
    exported = subprocess.run(
        [
            "sh",
            "-c",
            f'{PYTHON} -c "from kitaru.cli.main import main; main()" secrets export '
            'team-deploy --format github-env >> "$GITHUB_ENV"',
        ],
        env={**env, "GITHUB_ENV": str(github_env)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert exported.returncode == 1 and "'BASH_ENV'" in exported.stderr
    assert github_env.read_text() == "EARLIER=1\n"  # nothing planted for later steps
    assert CANARY not in ran.stdout + ran.stderr + exported.stdout + exported.stderr

    allowed = kitaru_process(
        env, "secrets", "run", "team-deploy", "--allow-key", "BASH_ENV", "--",
        "bash", "-c", "true", cwd=tmp_path,
    )  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
    assert marker.exists()  # what the refusal prevented: bash runs BASH_ENV
