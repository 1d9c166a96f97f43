"""Which signals `kitaru secrets run` passes to its program, and when (pure rules).

The set is every signal a process can send that would otherwise end kitaru (or that
Python turns into KeyboardInterrupt): SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGUSR1, SIGUSR2,
SIGALRM, SIGTERM, SIGSTKFLT, SIGVTALRM, SIGPROF, SIGXCPU, SIGIO, SIGPWR and the real-time
signals. Left alone: SIGKILL and SIGSTOP (no process can catch them); the signals that
report kitaru's own fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGSYS, SIGTRAP); SIGPIPE and
SIGXFSZ, which Python ignores (the program starts with them at their default, as from a
shell); SIGCHLD, SIGURG and SIGWINCH, whose default is to ignore.

A signal the caller set to be ignored (``nohup``'s SIGHUP, a background job's SIGINT and
SIGQUIT) stays ignored: kitaru neither waits for it nor passes it on, and the program
inherits the ignoring.

Each signal reaches the program once. At a terminal, with kitaru's process group in the
foreground, the program shares that group, so the terminal's keys and job control reach
it directly and kitaru passes on only what a process sends (``si_code <= 0``). Everywhere
else (CI, services, a background job, under ``timeout``) the program gets a process group
of its own: nothing sent to kitaru's group reaches it directly, and kitaru passes on every
signal it gets, to the program's group, and the job-control signals too.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass

_NAMES = (
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGABRT",
    "SIGUSR1",
    "SIGUSR2",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGVTALRM",
    "SIGPROF",
    "SIGXCPU",
    "SIGIO",
    "SIGPWR",
)
JOB_CONTROL = tuple(getattr(signal, name) for name in ("SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGCONT"))
STOPS = frozenset(JOB_CONTROL[:3])
# Python ignores these; the program gets them at their default, as from a shell.
DEFAULTED = frozenset({signal.SIGPIPE, signal.SIGXFSZ})


def terminating() -> tuple[int, ...]:
    """The signals kitaru passes on (before taking out the ones its caller ignores)."""
    named = [int(getattr(signal, name)) for name in _NAMES if hasattr(signal, name)]
    low, high = getattr(signal, "SIGRTMIN", 0), getattr(signal, "SIGRTMAX", -1)
    return (*named, *range(int(low), int(high) + 1))


@dataclass(frozen=True)
class SignalPlan:
    passed: frozenset[int]  # waited for and passed on
    ignored: frozenset[int]  # ignored by the caller: left ignored, never passed
    own_group: bool  # the program runs in a process group of its own

    @property
    def waited(self) -> frozenset[int]:
        return self.passed | {signal.SIGCHLD}


def plan(disposition: Callable[[int], object], *, foreground_terminal: bool) -> SignalPlan:
    """The plan for a caller whose dispositions ``disposition`` reads (signal.getsignal)."""
    candidates = terminating() if foreground_terminal else (*terminating(), *JOB_CONTROL)
    ignored = frozenset(s for s in candidates if disposition(s) == signal.SIG_IGN)
    return SignalPlan(frozenset(candidates) - ignored, ignored, not foreground_terminal)


def passes(info: signal.struct_siginfo, plan_: SignalPlan, me: int, program: int) -> bool:
    """Pass this signal on? Never one the program or kitaru itself sent (a program that
    signals its parent means kitaru). In the shared group, only one a process sent
    (``si_code <= 0``: kill, sigqueue): the kernel's (the terminal's keys) reached the
    program directly."""
    if info.si_signo not in plan_.passed or info.si_pid in (me, program):
        return False
    return plan_.own_group or info.si_code <= 0
