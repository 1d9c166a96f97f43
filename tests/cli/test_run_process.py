"""`kitaru secrets run` as the real console script: signals and pipes end to end."""

from __future__ import annotations

import signal
import subprocess
import sys

import kitaru
from tests.conftest import PYTHON, KitaruEnv
from tests.programs.shell_defaults import shell_defaults

CANARY = "canary+proc 7117/z"
TRAPPER = """
import os, signal, sys, time
def got(signo, _):
    print("child got", signo, os.environ["TOKEN"] == sys.argv[1], flush=True)
    sys.exit(7)
signal.signal(signal.SIGTERM, got)
print("ready", flush=True)
time.sleep(60)
"""


def kitaru_process(env: KitaruEnv, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, "-c", "from kitaru.cli.main import main; main()", *args],
        env=env.env,
        cwd=env.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=shell_defaults,
    )


def test_a_sigterm_sent_to_kitaru_reaches_the_child_and_its_code_comes_back(
    embedded_store: KitaruEnv,
) -> None:
    kitaru.create_secret("svc", {"TOKEN": CANARY})
    process = kitaru_process(
        embedded_store, "secrets", "run", "svc", "--", sys.executable, "-c", TRAPPER, CANARY
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 7
    assert out == f"child got {int(signal.SIGTERM)} True\n"
    assert CANARY not in err


def test_redact_through_real_pipes_and_a_child_killed_by_sigterm(
    embedded_store: KitaruEnv,
) -> None:
    kitaru.create_secret("svc", {"TOKEN": CANARY})
    script = 'printf "%s\\n" "$TOKEN" "$TOKEN"; printf "x%s" "$TOKEN" >&2; kill -TERM $$'
    process = kitaru_process(
        embedded_store, "secrets", "run", "svc", "--redact", "--", "sh", "-c", script
    )
    out, err = process.communicate(timeout=60)
    assert process.returncode == 143
    assert out == "***\n***\n"
    assert err == "x***"
