"""`kitaru.programs.child` with real processes: environment, exit codes, signals, redaction."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO, cast

import pytest

from kitaru.programs.child import CommandNotFoundError, exit_code, forwardable, run_child
from kitaru.programs.redact_stream import StreamRedactor

PY = sys.executable


def test_the_child_gets_exactly_the_environment() -> None:
    filters, out, _ = _filters([])
    assert run_child(["env", "-0"], {"K": "a b\nc", "PATH": os.defpath}, filters) == 0
    assert sorted(out.getvalue().split(b"\0")[:-1]) == [b"K=a b\nc", f"PATH={os.defpath}".encode()]


@pytest.mark.parametrize(
    ("argv", "code"), [(["true"], 0), (["false"], 1), (["sh", "-c", "exit 42"], 42)]
)
def test_exit_codes_pass_through(argv: list[str], code: int) -> None:
    assert run_child(argv, dict(os.environ)) == code


def test_a_child_killed_by_a_signal_gives_128_plus_n() -> None:
    assert run_child(["sh", "-c", "kill -TERM $$"], dict(os.environ)) == 143
    assert run_child(["sh", "-c", "kill -KILL $$"], dict(os.environ)) == 137
    assert exit_code(signal.SIGINT) == 130  # a wait status of "killed by SIGINT"


def test_a_missing_command_is_127_and_quotes_only_a_name() -> None:
    with pytest.raises(CommandNotFoundError) as caught:
        run_child(["no-such-command-xyz"], dict(os.environ))
    assert caught.value.exit_code == 127
    assert "'no-such-command-xyz'" in str(caught.value)


def _filters(
    values: list[str],
) -> tuple[list[tuple[StreamRedactor, BinaryIO]], io.BytesIO, io.BytesIO]:
    out, err = io.BytesIO(), io.BytesIO()
    filters = [
        (StreamRedactor(values), cast(BinaryIO, out)),
        (StreamRedactor(values), cast(BinaryIO, err)),
    ]
    return filters, out, err


WRITER = """
import os, sys, time
v = os.environ["TOKEN"]
os.write(1, f"one write {v}\\n".encode())
os.write(1, f"split {v[:5]}".encode()); time.sleep(0.05); os.write(1, f"{v[5:]} done\\n".encode())
for _ in range(200):
    os.write(2, f"again {v}\\n".encode())
sys.exit(5)
"""


def test_redact_masks_one_write_a_split_write_and_many_lines() -> None:
    token = "canary-value-8841"
    filters, out, err = _filters([token])
    code = run_child([PY, "-c", WRITER], {**os.environ, "TOKEN": token}, filters)
    assert code == 5
    assert out.getvalue() == b"one write ***\nsplit *** done\n"
    assert err.getvalue() == b"again ***\n" * 200


# kitaru's stand-in for these tests: run_child in a process of its own, no store needed.
PARENT = """
import os, sys
from kitaru.programs.child import run_child
sys.exit(run_child(sys.argv[1:], dict(os.environ)))
"""
TRAPPER = """
import os, signal, sys, time
def got(signo, _):
    print(f"child got {signo}", flush=True)
    sys.exit(7)
signal.signal(signal.SIGTERM, got)
signal.signal(signal.SIGHUP, got)
print("ready", flush=True)
time.sleep(60)
sys.exit(1)
"""


@pytest.mark.parametrize("signo", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_sent_to_kitaru_reaches_the_child_and_kitaru_waits(signo: int) -> None:
    parent = subprocess.Popen(
        [PY, "-c", PARENT, PY, "-c", TRAPPER], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    assert parent.stdout.readline() == "ready\n"
    parent.send_signal(signo)
    rest = parent.stdout.read()
    code = parent.wait(timeout=30)
    if signo == signal.SIGINT:  # the child keeps Python's default: it dies of SIGINT
        assert code == 130 and rest == ""
    else:
        assert rest == f"child got {int(signo)}\n"
        assert code == 7


def test_no_file_is_left_behind(tmp_path: Path) -> None:
    before = set(tmp_path.iterdir())
    filters, _, _ = _filters(["canary-value-9912"])
    run_child([PY, "-c", "print('x')"], {**os.environ, "TMPDIR": str(tmp_path)}, filters)
    assert set(tmp_path.iterdir()) == before


AT_A_TERMINAL = """
import fcntl, os, sys, termios
from kitaru.programs.child import run_child
fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # the pty becomes our terminal, our group its foreground
sys.exit(run_child(sys.argv[1:], dict(os.environ)))
"""
COUNTER = """
import signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
print("ready", flush=True)
codes = []
while (info := signal.sigtimedwait({signal.SIGINT}, 0.5 if codes else 30)) is not None:
    codes.append(info.si_code)  # > 0: from the terminal; <= 0: sent by a process
print("interrupts:", codes, flush=True)
sys.exit(3)
"""


def test_ctrl_c_at_a_terminal_reaches_the_child_and_its_code_comes_back() -> None:
    """The terminal sends SIGINT to the whole foreground group, kitaru and the child. (Two
    SIGINTs close together merge into one, so a repeat by kitaru could not be seen here:
    ``forwardable`` is tested on its own.)"""
    import pty

    master, slave = pty.openpty()
    parent = subprocess.Popen(
        [PY, "-c", AT_A_TERMINAL, PY, "-c", COUNTER],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    with os.fdopen(master, "r+b", buffering=0) as terminal:
        seen = b""
        while b"ready" not in seen:
            seen += terminal.read(100)
        terminal.write(b"\x03")
        assert parent.wait(timeout=30) == 3
        rest = b""
        with contextlib.suppress(OSError):  # EIO once every writer has closed the pty
            while chunk := terminal.read(100):
                rest += chunk
    assert b"interrupts: [128]" in seen + rest  # SI_KERNEL: the terminal's


def siginfo(signo: int, code: int) -> signal.struct_siginfo:
    return signal.struct_siginfo((signo, code, 0, 1234, 0, 0, 0))


def test_only_signals_a_process_sent_are_forwarded() -> None:
    assert forwardable(siginfo(signal.SIGTERM, 0))  # SI_USER: kill(1)
    assert forwardable(siginfo(signal.SIGINT, -1))  # SI_QUEUE
    assert not forwardable(siginfo(signal.SIGINT, 128))  # SI_KERNEL: the terminal's Ctrl-C
    assert not forwardable(siginfo(signal.SIGCHLD, 0))
