"""`kitaru.programs.child` with real processes: environment, exit codes, signals, redaction."""

from __future__ import annotations

import contextlib
import io
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

import pytest

from kitaru.programs.child import CommandNotFoundError, exit_code, run_child
from kitaru.programs.redact_stream import StreamRedactor
from tests.programs.shell_defaults import shell_defaults

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
        [PY, "-c", PARENT, PY, "-c", TRAPPER],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=shell_defaults,
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
watched = {signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1}
signal.pthread_sigmask(signal.SIG_BLOCK, watched)
print("ready", flush=True)
got = []
while (info := signal.sigtimedwait(watched, 0.5 if got else 30)) is not None:
    got.append((info.si_signo, info.si_code))  # code > 0: the terminal; <= 0: a process
print("signals:", got, flush=True)
sys.exit(3)
"""


@pytest.mark.parametrize(
    ("key", "signo", "code"),
    [
        (b"\x03", signal.SIGINT, 128),  # Ctrl-C: SI_KERNEL, the terminal's
        (b"\x1c", signal.SIGQUIT, 128),  # Ctrl-\\
        (None, signal.SIGUSR1, 0),  # kill(1) of kitaru alone: SI_USER
    ],
    ids=["ctrl-c", "ctrl-backslash", "kill-usr1"],
)
def test_at_a_terminal_the_program_gets_each_signal_once_and_its_code_comes_back(
    key: bytes | None, signo: int, code: int
) -> None:
    """The terminal signals the whole foreground group, kitaru and the program: kitaru
    does not pass that on; what a process sends kitaru alone, it does. Fails on the old
    code for Ctrl-\\ and SIGUSR1, which ended kitaru and left the program running."""
    import pty

    master, slave = pty.openpty()
    parent = subprocess.Popen(
        [PY, "-c", AT_A_TERMINAL, PY, "-c", COUNTER],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=shell_defaults,
    )
    os.close(slave)
    try:
        with os.fdopen(master, "r+b", buffering=0) as terminal:
            seen = b""
            while b"ready" not in seen:
                seen += terminal.read(100)
            if key is None:
                parent.send_signal(signo)
            else:
                terminal.write(key)
            assert parent.wait(timeout=30) == 3
            with contextlib.suppress(OSError):  # EIO once every writer has closed the pty
                while chunk := terminal.read(100):
                    seen += chunk
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(parent.pid, signal.SIGKILL)
    assert f"signals: [({int(signo)}, {code})]".encode() in seen


# --- every signal kitaru passes on, sent to kitaru alone and to its process group ---------

IGNORING_PARENT = """
import os, signal, sys
for signo in sys.argv[1].split(","):
    if signo:
        signal.signal(int(signo), signal.SIG_IGN)  # as nohup or a shell's `cmd &` would
os.execv(sys.executable, [sys.executable, "-c", sys.argv[2], *sys.argv[3:]])
"""
RECORDER = """
import os, signal, sys, time
watched = [int(s) for s in sys.argv[2].split(",")]
ignored = [s for s in watched if signal.getsignal(s) == signal.SIG_IGN]
signal.pthread_sigmask(signal.SIG_BLOCK, watched)
print("ready", os.getpid(), os.getpgrp(), ",".join(map(str, ignored)), flush=True)
while not os.path.exists(sys.argv[1]):
    info = signal.sigtimedwait(watched, 0.05)
    if info is not None:
        print("got", info.si_signo, flush=True)
sys.exit(3)
"""


def _passed() -> list[int]:
    from kitaru.programs.signal_plan import terminating

    return list(terminating())


class Recorded:
    """kitaru's stand-in (run_child in its own session, no terminal) and its program."""

    def __init__(self, tmp_path: Path, ignore: tuple[int, ...] = ()) -> None:
        self.stop = tmp_path / "stop"
        watched = ",".join(str(s) for s in _passed())
        self.process = subprocess.Popen(
            [
                PY,
                "-c",
                IGNORING_PARENT,
                ",".join(map(str, ignore)),
                PARENT,
                PY,
                "-c",
                RECORDER,
                str(self.stop),
                watched,
            ],
            stdout=subprocess.PIPE,
            start_new_session=True,  # kitaru leads its own group, as a CI step's shell
            preexec_fn=shell_defaults,  # then IGNORING_PARENT ignores exactly ``ignore``
        )
        assert self.process.stdout is not None
        self.fd = self.process.stdout.fileno()
        self.buffer = b""
        self.pid = 0
        ready, pid, group, ignored = self.line().split(" ")
        assert ready == "ready"
        self.pid, self.group = int(pid), int(group)
        self.ignored = {int(s) for s in ignored.split(",") if s}

    def line(self, timeout: float = 20) -> str:
        """The program's next line ('' when it has closed its output or went silent)."""
        while b"\n" not in self.buffer:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            chunk = os.read(self.fd, 4096) if ready else b""
            if not chunk:
                return ""
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def got(self, signo: int) -> None:
        assert self.line() == f"got {signo}"

    def end(self) -> list[str]:
        """Stop the program; every line it printed after the last one read."""
        time.sleep(0.2)  # room for a second copy of the last signal to arrive
        self.stop.touch()
        rest = []
        while line := self.line():
            rest.append(line)
        assert self.process.wait(timeout=30) == 3  # the program's code is kitaru's
        with pytest.raises(ProcessLookupError):  # nothing left behind
            os.kill(self.pid, 0)
        return rest

    def clean_up(self) -> None:
        for pid in (self.process.pid, self.pid):
            with contextlib.suppress(ProcessLookupError):
                if pid:
                    os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process.stdout.close()  # type: ignore[union-attr]


@pytest.fixture
def recorded(tmp_path: Path) -> Iterator[Callable[..., Recorded]]:
    started: list[Recorded] = []

    def start(ignore: tuple[int, ...] = ()) -> Recorded:
        started.append(Recorded(tmp_path, ignore))
        return started[-1]

    yield start
    for run in started:
        run.clean_up()


@pytest.mark.parametrize("to_group", [False, True], ids=["to-kitaru", "to-its-group"])
def test_every_signal_reaches_the_program_once_without_a_terminal(
    recorded: Callable[..., Recorded], to_group: bool
) -> None:
    """Fails on the old code: SIGQUIT, SIGUSR1 and others ended kitaru and left the program
    running; a signal to the group reached the program twice."""
    run = recorded()
    for signo in _passed():
        if to_group:
            os.killpg(run.process.pid, signo)
        else:
            run.process.send_signal(signo)
        run.got(signo)
    assert run.end() == []
    assert run.group != run.process.pid  # the program has a process group of its own


def test_signals_the_caller_ignored_stay_ignored_and_are_not_passed(
    recorded: Callable[..., Recorded],
) -> None:
    """nohup's SIGHUP, a background job's SIGINT and SIGQUIT. Fails on the old code, which
    reset them to the default for the program and passed SIGHUP and SIGINT on."""
    ignore = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)
    run = recorded(ignore)
    assert run.ignored == set(ignore)
    for signo in ignore:
        run.process.send_signal(signo)
        os.killpg(run.process.pid, signo)
    run.process.send_signal(signal.SIGUSR1)
    run.got(signal.SIGUSR1)  # the ignored ones were not passed before it
    assert run.end() == []


def test_a_program_left_behind_does_not_keep_redact_waiting(tmp_path: Path) -> None:
    """`sleep &` holds the output pipes open; kitaru ends with its program after draining
    for a bounded time. Fails on the old code, which waited for the pipes to close."""
    script = 'echo "token $TOKEN"; sleep 60 & echo "$!" > "$PIDFILE"; exit 4'
    pidfile = tmp_path / "pid"
    parent = subprocess.run(
        [PY, "-c", REDACTING_PARENT, "sh", "-c", script],
        env={**os.environ, "TOKEN": "canary-left-behind", "PIDFILE": str(pidfile)},
        capture_output=True,
        timeout=30,
        preexec_fn=shell_defaults,
    )
    os.kill(int(pidfile.read_text()), signal.SIGKILL)
    assert parent.returncode == 4
    assert parent.stdout == b"token ***\n"


REDACTING_PARENT = """
import os, sys
from kitaru.programs.child import run_child
from kitaru.programs.redact_stream import StreamRedactor
values = [os.environ["TOKEN"]]
filters = [(StreamRedactor(values), sys.stdout.buffer), (StreamRedactor(values), sys.stderr.buffer)]
sys.exit(run_child(sys.argv[1:], dict(os.environ), filters))
"""


def test_kitaru_with_redact_stays_killable_while_the_program_runs(tmp_path: Path) -> None:
    """SIGTERM to kitaru ends the program (it is passed on) and so kitaru."""
    parent = subprocess.Popen(
        [PY, "-c", REDACTING_PARENT, "sh", "-c", 'echo "ready $TOKEN"; exec sleep 60'],
        env={**os.environ, "TOKEN": "canary-killable"},
        stdout=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=shell_defaults,
    )
    assert parent.stdout is not None
    assert parent.stdout.readline() == b"ready ***\n"
    parent.send_signal(signal.SIGTERM)
    assert parent.wait(timeout=30) == 128 + signal.SIGTERM


def test_after_the_program_is_reaped_a_late_signal_is_not_sent_to_its_pid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A signal that a thread started before the mask takes runs the Python handler in
    the main thread later, possibly after the wait reaped the program: its pid (or group)
    may by then be another process's. Fails on the old code: it was signalled."""
    from kitaru.programs import child
    from kitaru.programs.signal_plan import plan

    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(child, "_send", lambda pid, signo, group: sent.append((pid, signo)))
    supervisor = child._Supervisor(plan(signal.getsignal, foreground_terminal=False), None)
    pid = os.posix_spawn("/bin/sh", ["sh", "-c", "exit 4"], dict(os.environ), setpgroup=0)
    supervisor.started(pid)
    assert exit_code(supervisor.wait()) == 4
    supervisor(signal.SIGTERM, None)
    assert sent == []
