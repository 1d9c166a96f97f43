"""kitaru's CLI process is not dumpable: no core file holds its values; its program is."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import kitaru
from kitaru.cli.not_dumpable import dumpable, forbid_core_dumps
from tests.conftest import PYTHON, KitaruEnv

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl: Linux")
CANARY = "canary-core-3391-value"
KITARU = [PYTHON, "-c", "from kitaru.cli.main import main; main()"]


def cores_written_to_files() -> bool:
    pattern = Path("/proc/sys/kernel/core_pattern").read_text().strip()
    return not pattern.startswith("|") and "/" not in pattern  # a file in the cwd


def allow_cores() -> None:
    """In the child: as a user who enabled core dumps (`ulimit -c unlimited`)."""
    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


CRASH = """
import os, signal, sys
from kitaru.cli.not_dumpable import forbid_core_dumps
value = sys.argv[2]
if sys.argv[1] == "forbid":
    forbid_core_dumps()
os.kill(os.getpid(), signal.SIGSEGV)
"""


def crash(tmp_path: Path, mode: str) -> list[Path]:
    done = subprocess.run(
        [PYTHON, "-c", CRASH, mode, CANARY], cwd=tmp_path, preexec_fn=allow_cores, check=False
    )
    assert done.returncode == -signal.SIGSEGV
    return sorted(tmp_path.glob("core*"))


def test_a_crash_after_forbid_core_dumps_leaves_no_core_file(tmp_path: Path) -> None:
    if not cores_written_to_files():
        pytest.skip("core_pattern does not write a file in the working directory")
    for case in ("control", "kitaru"):
        (tmp_path / case).mkdir()
    if not crash(tmp_path / "control", "allow"):
        pytest.skip("this system writes no core file even when allowed")
    assert crash(tmp_path / "kitaru", "forbid") == []


def test_the_flag_is_set_here_and_reset_for_the_program() -> None:
    code = (
        "import subprocess, sys; from kitaru.cli.not_dumpable import dumpable, "
        "forbid_core_dumps; assert forbid_core_dumps(); print(dumpable()); sys.stdout.flush(); "
        "subprocess.run([sys.executable, '-c', 'from kitaru.cli.not_dumpable import dumpable; "
        "print(dumpable())'])"
    )
    done = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "False\nTrue\n"  # execve gives the program its own setting
    assert dumpable() is True and callable(forbid_core_dumps)  # pytest itself untouched


def test_kitaru_secrets_run_crashing_with_cores_enabled_writes_no_core(
    embedded_store: KitaruEnv,
) -> None:
    """The program sends kitaru a crash signal while kitaru holds the value. Fails on the
    old code: with core dumps enabled, kitaru's memory went to a core file."""
    if not cores_written_to_files():
        pytest.skip("core_pattern does not write a file in the working directory")
    kitaru.create_secret("svc", {"TOKEN": CANARY})
    done = subprocess.run(
        [*KITARU, "secrets", "run", "svc", "--", "sh", "-c", "kill -SEGV $PPID"],
        env=embedded_store.env,
        cwd=embedded_store.root,
        preexec_fn=allow_cores,
        capture_output=True,
        check=False,
    )
    assert done.returncode == -signal.SIGSEGV
    assert sorted(Path(embedded_store.root).glob("core*")) == []


def test_validate_env_on_the_fast_path_is_not_dumpable_either(tmp_path: Path) -> None:
    """`secrets validate-env` skips typer (and main's call) but reads a file of values."""
    env_file = tmp_path / ".env"
    env_file.write_text(f"TOKEN={CANARY}\n")
    code = (
        "import sys; from kitaru.cli.validate_run import fast_main; "
        "from kitaru.cli.not_dumpable import dumpable; "
        f"code = fast_main(['secrets', sys.argv[1], {str(env_file)!r}]); "
        "print(code, dumpable(), file=sys.stderr)"
    )
    for command, expected in (("validate-env", "False"), ("validate", "True")):
        done = subprocess.run([PYTHON, "-c", code, command], capture_output=True, text=True)
        assert done.stderr.split()[-1] == expected, done.stderr
