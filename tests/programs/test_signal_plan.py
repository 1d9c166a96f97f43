"""Which signals `run` passes on, and when: the pure rules."""

from __future__ import annotations

import signal

from kitaru.programs.signal_plan import JOB_CONTROL, SignalPlan, passes, plan, terminating

ME, PROGRAM, OTHER = 100, 200, 300


def info(signo: int, code: int, sender: int) -> signal.struct_siginfo:
    return signal.struct_siginfo((signo, code, 0, sender, 0, 0, 0))


def defaults(_signo: int) -> object:
    return signal.SIG_DFL


def test_the_set_is_every_signal_that_would_end_kitaru_and_no_fault_signal() -> None:
    passed = set(terminating())
    expected = {"SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM"}
    assert {getattr(signal, name) for name in expected} <= passed
    assert {signal.SIGVTALRM, signal.SIGPROF, signal.SIGXCPU, signal.SIGABRT} <= passed
    assert set(range(signal.SIGRTMIN, signal.SIGRTMAX + 1)) <= passed
    never = {"SIGKILL", "SIGSTOP", "SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGTRAP", "SIGCHLD"}
    assert not {getattr(signal, name) for name in never} & passed
    assert signal.SIGPIPE not in passed and signal.SIGWINCH not in passed


def test_what_the_caller_ignored_is_neither_waited_for_nor_passed() -> None:
    def nohup(signo: int) -> object:
        return signal.SIG_IGN if signo == signal.SIGHUP else signal.SIG_DFL

    plan_ = plan(nohup, foreground_terminal=False)
    assert plan_.ignored == {signal.SIGHUP}
    assert signal.SIGHUP not in plan_.waited
    assert not passes(info(signal.SIGHUP, 0, OTHER), plan_, ME, PROGRAM)


def test_at_a_foreground_terminal_only_what_a_process_sent_is_passed() -> None:
    plan_ = plan(defaults, foreground_terminal=True)
    assert not plan_.own_group
    assert not set(JOB_CONTROL) & plan_.waited  # Ctrl-Z stops kitaru and the program alike
    assert passes(info(signal.SIGTERM, 0, OTHER), plan_, ME, PROGRAM)  # SI_USER: kill
    assert passes(info(signal.SIGINT, -1, OTHER), plan_, ME, PROGRAM)  # SI_QUEUE
    assert not passes(info(signal.SIGINT, 128, 0), plan_, ME, PROGRAM)  # SI_KERNEL: Ctrl-C


def test_in_a_group_of_its_own_everything_is_passed_but_what_kitaru_or_it_sent() -> None:
    plan_ = plan(defaults, foreground_terminal=False)
    assert plan_.own_group
    assert set(JOB_CONTROL) <= plan_.waited
    assert passes(info(signal.SIGINT, 128, 0), plan_, ME, PROGRAM)
    assert passes(info(signal.SIGTSTP, 0, OTHER), plan_, ME, PROGRAM)
    assert not passes(info(signal.SIGUSR1, 0, PROGRAM), plan_, ME, PROGRAM)
    assert not passes(info(signal.SIGUSR1, 0, ME), plan_, ME, PROGRAM)
    assert not passes(info(signal.SIGCHLD, 1, PROGRAM), plan_, ME, PROGRAM)


def test_a_plan_waits_for_sigchld() -> None:
    assert signal.SIGCHLD in SignalPlan(frozenset(), frozenset(), own_group=True).waited
