"""Run one program as `kitaru secrets run`'s child: spawn, forward signals, exit code.

The forwarded signals (SIGINT, SIGTERM, SIGHUP) and SIGCHLD are blocked in kitaru before
the spawn, and the child starts with an empty mask and default dispositions, so no
signal can arrive while kitaru has no child to hand it to. kitaru then waits for them
with ``sigtimedwait``: one sent to kitaru by a process (``kill``) is passed on; one the
terminal sent (Ctrl-C reaches the whole foreground group, so the child has it already)
is not passed twice. Nothing is written to disk; the environment goes straight to the
child.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import threading
from collections.abc import Mapping, Sequence
from typing import BinaryIO, Protocol

from kitaru.errors import KitaruError
from kitaru.naming import shown

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_WAITED = {*FORWARDED, signal.SIGCHLD}
# Python ignores these; an ignored disposition would survive exec into the child.
_DEFAULTED = {*FORWARDED, signal.SIGPIPE, signal.SIGXFSZ}
_CHUNK = 65536


class CommandNotFoundError(KitaruError):
    exit_code = 127  # what shells answer for a command they cannot find


class CommandNotRunnableError(KitaruError):
    exit_code = 126  # found, but not executable


def exit_code(status: int) -> int:
    """The code kitaru exits with for a child's wait status: its own, or 128+N."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


class Redactor(Protocol):
    """What a pump needs of a stream filter (``redact_stream.StreamRedactor``)."""

    def feed(self, chunk: bytes) -> bytes: ...

    def finish(self) -> bytes: ...


Filter = tuple[Redactor, BinaryIO]


def _spawn(argv: Sequence[str], env: Mapping[str, str], dup2: list[tuple[int, int]]) -> int:
    actions = [(os.POSIX_SPAWN_DUP2, source, target) for source, target in dup2]
    try:
        return os.posix_spawnp(
            argv[0],
            list(argv),
            dict(env),
            file_actions=actions,
            setsigmask=(),
            setsigdef=_DEFAULTED,
        )
    except OSError as err:
        if err.errno == errno.ENOENT:
            raise CommandNotFoundError(f"command {shown(argv[0])} not found") from None
        reason = err.strerror or type(err).__name__
        raise CommandNotRunnableError(f"cannot run {shown(argv[0])}: {reason}") from None


def _write_all(out: BinaryIO, data: bytes) -> None:
    if data:
        out.write(data)
        out.flush()


def _pump(source: int, out: BinaryIO, redactor: Redactor) -> None:
    """Copy one of the child's pipes through the filter until the child closes it."""
    try:
        while chunk := os.read(source, _CHUNK):
            _write_all(out, redactor.feed(chunk))
        _write_all(out, redactor.finish())
    except (BrokenPipeError, ValueError):
        pass  # our reader left: closing the pipe lets the child see it too
    finally:
        os.close(source)


class _Forwarder:
    """Python-level handlers, for a signal that another thread of kitaru (one started
    before the mask was set) took instead of the waiting main thread."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.early: list[int] = []

    def __call__(self, signo: int, _frame: object) -> None:
        if self.pid is None:
            self.early.append(signo)
        else:
            _send(self.pid, signo)

    def started(self, pid: int) -> None:
        self.pid = pid
        for signo in self.early:
            _send(pid, signo)


def _send(pid: int, signo: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it has just ended
        os.kill(pid, signo)


def _wait(pid: int) -> int:
    """Wait for the child, passing on what processes send kitaru; its wait status."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        info = signal.sigtimedwait(_WAITED, 1.0)
        if info is not None and forwardable(info):
            _send(pid, info.si_signo)


def forwardable(info: signal.struct_siginfo) -> bool:
    """Pass it on? si_code <= 0: a process sent it (kill, sigqueue) to kitaru alone;
    > 0: the kernel did, i.e. the terminal, which signals the child as well."""
    return info.si_signo in FORWARDED and info.si_code <= 0


def _drain_pending() -> None:
    """Signals that came after the child ended: it had them, so kitaru drops them."""
    while signal.sigtimedwait(_WAITED, 0) is not None:
        pass


def run_child(
    argv: Sequence[str], env: Mapping[str, str], filters: Sequence[Filter] | None = None
) -> int:
    """Run ``argv`` with exactly ``env``; its exit code (128+N when signal N ended it).

    With ``filters`` (a redactor and an output, for stdout then stderr) the child writes
    into pipes that kitaru copies through them; without, it writes to kitaru's own stdout
    and stderr.
    """
    forwarder = _Forwarder()
    handlers = {signo: signal.signal(signo, forwarder) for signo in FORWARDED}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _WAITED)
    try:
        pipes = [os.pipe() for _ in filters] if filters is not None else []
        try:
            pid = _spawn(
                argv, env, [(w, target) for (_, w), target in zip(pipes, (1, 2), strict=False)]
            )
        except BaseException:
            for read_end, _ in pipes:
                os.close(read_end)
            raise
        finally:
            for _, write_end in pipes:
                os.close(write_end)
        forwarder.started(pid)
        pumps = []
        for (read_end, _), (redactor, out) in zip(pipes, filters or (), strict=True):
            pump = threading.Thread(target=_pump, args=(read_end, out, redactor), daemon=True)
            pump.start()  # with the signals blocked: threads inherit the mask
            pumps.append(pump)
        status = _wait(pid)
        for pump in pumps:
            pump.join()
        _drain_pending()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        for signo, handler in handlers.items():
            signal.signal(signo, handler)
    return exit_code(status)
