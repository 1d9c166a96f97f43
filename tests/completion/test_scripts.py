"""The scripts in the real shells: bash (its completion function), fish (`complete -C`)
and zsh (typed at a pseudo-terminal), against a real embedded store and a real server."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from kitaru.completion.scripts import SCRIPTS
from tests.completion.shells import FISH, ZSH, bash_complete, fish_complete, zsh_screens
from tests.conftest import KitaruEnv
from tests.server.fixtures import ServerSession

HOSTILE = "$(touch pwned) x"
MANIFEST = "version: 1\nsecrets:\n  - name: db-creds\n    keys: [DB_PASSWORD]\n"
MANIFEST += "  - name: api-creds\n    keys: [API_KEY]\n  - name: '`touch pwned2`'\n    keys: [A]\n"


def _env(base: dict[str, str]) -> dict[str, str]:
    """The test's store, and this venv's `kitaru` first on PATH (the scripts call it).
    What is checked here is what the shells show, not how fast: a loaded machine gets
    30 s for the names (test_sources checks the deadline itself)."""
    bin_dir = str(Path(sys.executable).parent)
    path = bin_dir + os.pathsep + base.get("PATH", os.defpath)
    return {**base, "PATH": path, "KITARU_COMPLETION_TIMEOUT": "30"}


@pytest.fixture
def stocked(embedded_store: KitaruEnv) -> tuple[dict[str, str], Path]:
    """An embedded store with a public, a private and a hostile secret; a manifest."""
    from zenml.client import Client

    client = Client()
    client.create_secret("openai-creds", values={"OPENAI_API_KEY": "canary-sk-1"})
    client.create_secret("org-creds", values={"ORG": "canary-2"}, private=True)
    client.create_secret(HOSTILE, values={"A": "canary-3"})
    (embedded_store.root / "team.yaml").write_text(MANIFEST)
    return _env(embedded_store.env), embedded_store.root


def _nothing_ran(cwd: Path) -> None:
    assert not (cwd / "pwned").exists() and not (cwd / "pwned2").exists()


def test_bash(stocked: tuple[dict[str, str], Path]) -> None:
    env, cwd = stocked
    assert bash_complete(["kitaru", "secrets", "sh"], env, cwd) == ["show"]
    assert bash_complete(["kitaru", "secrets", "show", "op"], env, cwd) == ["openai-creds"]
    assert bash_complete(["kitaru", "secrets", "run", ""], env, cwd) == [
        "openai-creds",
        "org-creds",
    ]
    words = ["kitaru", "secrets", "plan", "-f", "team.yaml", "--target", ""]
    assert bash_complete(words, env, cwd) == ["api-creds", "db-creds"]
    words = ["kitaru", "secrets", "plan", "--format", "=", "m"]
    assert bash_complete(words, env, cwd) == ["markdown"]
    assert bash_complete(["kitaru", "secrets", "validate", "te"], env, cwd) == ["team.yaml"]
    _nothing_ran(cwd)


@pytest.mark.skipif(not Path(FISH).exists(), reason="fish is not installed (.ci/run installs it)")
def test_fish(stocked: tuple[dict[str, str], Path]) -> None:
    env, cwd = stocked
    assert fish_complete("kitaru secrets sh", env, cwd) == (["show"], "")
    assert fish_complete("kitaru secrets show o", env, cwd) == (["openai-creds", "org-creds"], "")
    got = fish_complete("kitaru secrets export -f team.yaml --target ", env, cwd)
    assert got == (["api-creds", "db-creds"], "")
    assert fish_complete("kitaru secrets apply --output=gi", env, cwd) == (["--output=github"], "")
    assert fish_complete("kitaru secrets validate tea", env, cwd)[0] == ["team.yaml"]
    _nothing_ran(cwd)


@pytest.mark.skipif(not Path(ZSH).exists(), reason="zsh is not installed (.ci/run installs it)")
def test_zsh(stocked: tuple[dict[str, str], Path]) -> None:
    env, cwd = stocked
    one, target, listing = zsh_screens(
        [
            ("kitaru secrets show op\t", "openai-creds "),
            ("kitaru secrets plan -f team.yaml --target d\t", "db-creds "),
            ("kitaru secrets show \t\t", "org-creds"),
        ],
        env,
        cwd,
    )
    assert "kitaru secrets show openai-creds " in one
    assert "--target db-creds " in target
    assert "openai-creds" in listing and "pwned" not in listing
    # installed the other way: as _kitaru in $fpath, autoloaded by compinit
    names, out = zsh_screens(
        [
            ("kitaru secrets show or\t", "org-creds "),
            ("kitaru secrets export --out=te\t", "team.yaml "),
        ],
        env,
        cwd,
        fpath=True,
    )
    assert "kitaru secrets show org-creds " in names
    assert "--out=team.yaml " in out
    _nothing_ran(cwd)


@pytest.mark.server
@pytest.mark.parametrize("server_client", ["rest"], indirect=True)
def test_bash_against_the_local_server(server_session: ServerSession) -> None:
    """Names the server shows alice: hers and bob's public one, never bob's private one
    nor his hostile one."""
    users, api = server_session.users, server_session.running.api
    for who, name, private in (
        (users.alice, "alice-creds", True),
        (users.bob, "bob-public", False),
        (users.bob, "bob-private", True),
        (users.bob, HOSTILE, False),
    ):
        body = {"name": name, "private": private, "values": {"A": "canary-server-value"}}
        api.request(who, "POST", "/secrets", json=body).raise_for_status()
    env = _env(server_session.env_for(users.alice))
    cwd = server_session.root
    # alice has used kitaru before: her token is cached (a password login alone may take
    # longer than a Tab press may wait on this busy machine)
    assert KitaruEnv(cwd, env).run("secrets", "list").returncode == 0
    got = bash_complete(["kitaru", "secrets", "show", ""], env, cwd)
    assert got == ["alice-creds", "bob-public"]
    _nothing_ran(cwd)


def test_scripts_are_valid_shell_syntax(tmp_path: Path) -> None:
    import subprocess

    for shell, check in (("bash", ["bash", "-n"]), ("zsh", [ZSH, "-n"]), ("fish", [FISH, "-n"])):
        if shutil.which(check[0]) is None:
            continue
        path = tmp_path / f"kitaru.{shell}"
        path.write_text(SCRIPTS[shell])
        done = subprocess.run([*check, str(path)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (shell, done.stderr)
