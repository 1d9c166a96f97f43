"""Run one program as `kitaru secrets run`'s child: spawn, pass signals on, exit code.

Which signals are passed on, and to what, is ``signal_plan``'s rule. They and SIGCHLD are
blocked in kitaru before the spawn; the program starts with the caller's signal mask and
dispositions (what the caller ignored stays ignored; what Python ignores is reset), so no
signal can arrive while kitaru has no program to hand it to. kitaru then waits for them
with ``sigtimedwait`` and returns only once the program has ended. Nothing is written to
disk; the environment goes straight to the program.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
from collections.abc import Mapping, Sequence

from kitaru.errors import KitaruError
from kitaru.naming import shown
from kitaru.programs.output_pumps import Filter, Pumps
from kitaru.programs.signal_plan import DEFAULTED, STOPS, SignalPlan, passes, plan

__all__ = ["CommandNotFoundError", "CommandNotRunnableError", "Filter", "exit_code", "run_child"]


class CommandNotFoundError(KitaruError):
    exit_code = 127  # what shells answer for a command they cannot find


class CommandNotRunnableError(KitaruError):
    exit_code = 126  # found, but not executable


def exit_code(status: int) -> int:
    """The code kitaru exits with for a child's wait status: its own, or 128+N."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _terminal() -> tuple[int | None, bool]:
    """kitaru's controlling terminal (an fd, or None) and whether kitaru's process group
    is its foreground group."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return None, False
    try:
        return fd, os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        os.close(fd)
        return None, False


def _spawn(
    argv: Sequence[str],
    env: Mapping[str, str],
    dup2: list[tuple[int, int]],
    mask: set[int],
    own_group: bool,
) -> int:
    actions = [(os.POSIX_SPAWN_DUP2, source, target) for source, target in dup2]
    try:
        if own_group:
            return os.posix_spawnp(
                argv[0],
                list(argv),
                dict(env),
                file_actions=actions,
                setpgroup=0,
                setsigmask=mask,
                setsigdef=DEFAULTED,
            )
        return os.posix_spawnp(
            argv[0],
            list(argv),
            dict(env),
            file_actions=actions,
            setsigmask=mask,
            setsigdef=DEFAULTED,
        )
    except OSError as err:
        if err.errno == errno.ENOENT:
            raise CommandNotFoundError(f"command {shown(argv[0])} not found") from None
        reason = err.strerror or type(err).__name__
        raise CommandNotRunnableError(f"cannot run {shown(argv[0])}: {reason}") from None


def _send(target: int, signo: int, group: bool) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # it has just ended
        if group:
            os.killpg(target, signo)
        else:
            os.kill(target, signo)


class _Supervisor:
    """Waits for one program, passing signals on and following its stops."""

    def __init__(self, plan_: SignalPlan, terminal: int | None) -> None:
        self.plan = plan_
        self.terminal = terminal
        self.pid: int | None = None
        self.early: list[int] = []
        self.reaped = False  # its pid (and, once empty, its group) may now be another's

    # A Python-level handler, for a signal that another thread of kitaru (one started
    # before the mask was set) took instead of the waiting main thread.
    def __call__(self, signo: int, _frame: object) -> None:
        if self.pid is None:
            self.early.append(signo)
        else:
            self.send(signo)

    def started(self, pid: int) -> None:
        self.pid = pid
        for signo in self.early:
            self.send(signo)

    def send(self, signo: int) -> None:
        assert self.pid is not None
        if not self.reaped:
            _send(self.pid, signo, group=self.plan.own_group)

    def wait(self) -> int:
        """The program's wait status, once it has ended."""
        assert self.pid is not None
        flags = os.WNOHANG | (os.WUNTRACED if self.plan.own_group else 0)
        while True:
            done, status = os.waitpid(self.pid, flags)
            if done and os.WIFSTOPPED(status):
                self._stopped(os.WSTOPSIG(status))
                continue
            if done:
                self.reaped = True
                return status
            info = signal.sigtimedwait(self.plan.waited, 1.0)
            if info is not None and passes(info, self.plan, os.getpid(), self.pid):
                self.send(info.si_signo)

    def _stopped(self, signo: int) -> None:
        """The program (in its own group) stopped. At a terminal, do what a shell's job
        would: give it the terminal if it stopped to use it and kitaru has it; otherwise
        take the terminal back and stop too, so the shell sees the job stopped."""
        tty, pid = self.terminal, self.pid
        if tty is None or pid is None or signo not in STOPS:
            return
        with contextlib.suppress(OSError):
            foreground = os.tcgetpgrp(tty)
            if signo != signal.SIGTSTP and foreground == os.getpgrp():
                os.tcsetpgrp(tty, pid)
                _send(pid, signal.SIGCONT, group=True)
                return
            if foreground == pid:
                os.tcsetpgrp(tty, os.getpgrp())  # SIGTTOU is blocked: allowed
            os.kill(os.getpid(), signal.SIGSTOP)  # resumed by SIGCONT, passed on

    def give_back_terminal(self) -> None:
        if self.terminal is None or self.pid is None:
            return
        with contextlib.suppress(OSError):
            if os.tcgetpgrp(self.terminal) == self.pid:
                os.tcsetpgrp(self.terminal, os.getpgrp())

    def interrupted(self, timeout: float) -> bool:
        """After the program ended: did a signal kitaru passes on arrive (stop now)?"""
        return signal.sigtimedwait(self.plan.passed, timeout) is not None


def run_child(
    argv: Sequence[str], env: Mapping[str, str], filters: Sequence[Filter] | None = None
) -> int:
    """Run ``argv`` with exactly ``env``; its exit code (128+N when signal N ended it).

    With ``filters`` (a redactor and an output, for stdout then stderr) the child writes
    into pipes that kitaru copies through them; without, it writes to kitaru's own stdout
    and stderr.
    """
    terminal, foreground = _terminal()
    plan_ = plan(signal.getsignal, foreground_terminal=foreground)
    supervisor = _Supervisor(plan_, terminal if plan_.own_group else None)
    handled = [s for s in plan_.passed if s not in STOPS and s != signal.SIGCONT]
    handlers = {signo: signal.signal(signo, supervisor) for signo in handled}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, plan_.waited)
    pumps = Pumps()
    try:
        pipes = [os.pipe() for _ in filters] if filters is not None else []
        try:
            targets = [(w, fd) for (_, w), fd in zip(pipes, (1, 2), strict=False)]
            pid = _spawn(argv, env, targets, previous, plan_.own_group)
        except BaseException:
            for read_end, _ in pipes:
                os.close(read_end)
            raise
        finally:
            for _, write_end in pipes:
                os.close(write_end)
        supervisor.started(pid)
        pumps.start([(r, f) for (r, _), f in zip(pipes, filters or (), strict=True)])
        status = supervisor.wait()
        supervisor.give_back_terminal()
        pumps.drain(supervisor.interrupted)
        # Signals that came after the program ended: it had ended, kitaru drops them.
        while signal.sigtimedwait(plan_.waited, 0) is not None:
            pass
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        for signo, handler in handlers.items():
            signal.signal(signo, handler)
        if terminal is not None:
            os.close(terminal)
    return exit_code(status)
