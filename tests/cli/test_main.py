"""The console script's own duties: a reader that hangs up early is not an error to report."""

from __future__ import annotations

import subprocess

import pytest

from kitaru import set_secret
from tests.conftest import PYTHON, KitaruEnv

CONSOLE = [PYTHON, "-c", "from kitaru.cli.main import main; main()"]


def closed_reader(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run kitaru with stdout a pipe whose reader is gone, as `kitaru ... | head -0` does."""
    process = subprocess.Popen(
        [*CONSOLE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # long before the interpreter has started
    stderr = process.stderr.read()
    return process.wait(timeout=120), stderr


@pytest.mark.parametrize("args", [["secrets", "schema"], ["--help"]])
def test_broken_pipe_without_a_store_is_quiet(args: list[str]) -> None:
    code, stderr = closed_reader(args)
    assert (code, stderr) == (1, "")


def test_broken_pipe_during_list_is_quiet(embedded_store: KitaruEnv) -> None:
    set_secret("piped", {"K": "v"})
    code, stderr = closed_reader(["secrets", "list"], embedded_store.env)
    assert code == 1
    assert "Error" not in stderr and "Traceback" not in stderr, stderr
