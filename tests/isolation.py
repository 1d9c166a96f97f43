"""Every test starts from the process state the one before it found (a pytest plugin).

kitaru keeps some state for the life of a process by design: the values it has handed out
(masked in logs and streams, refused as parameters), the record factory that masks them,
its REST stores, one-time notices, the ZenML console redirection and the paused collector
of the console script. Tests also change what any code may: the environment, signal
dispositions, logging handlers' streams, the working directory, the umask and whether the
process may dump core (a command run in-process makes it not dumpable). The autouse
fixture below owns all of it, so no test depends on what an earlier one left (the suite
runs in random order: pytest-randomly).
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

import pytest

# SIGKILL and SIGSTOP cannot be caught; the rest are read before and restored after.
SIGNALS = sorted(set(signal.valid_signals()) - {signal.SIGKILL, signal.SIGSTOP})


class CurrentStderr:
    """Whatever ``sys.stderr`` is at write time: a home for a handler whose stream closed."""

    closed = False

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _stream_handlers() -> list[logging.StreamHandler[Any]]:
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [
        item
        for item in logging.Logger.manager.loggerDict.values()
        if isinstance(item, logging.Logger)
    ]
    return [h for lg in loggers for h in lg.handlers if isinstance(h, logging.StreamHandler)]


def _signal_dispositions() -> dict[int, Any]:
    dispositions = {}
    for signo in SIGNALS:
        try:
            dispositions[signo] = signal.getsignal(signo)
        except (OSError, ValueError):
            continue
    return dispositions


def _restore_environ(saved: dict[str, str]) -> None:
    for name in [name for name in os.environ if name not in saved]:
        del os.environ[name]
    for name, value in saved.items():
        if os.environ.get(name) != value:
            os.environ[name] = value


def _restore_signals(saved: dict[int, Any]) -> None:
    for signo, disposition in saved.items():
        if disposition is None:  # set outside Python: nothing to put back
            continue
        if signal.getsignal(signo) is not disposition:
            signal.signal(signo, disposition)


def _restore_streams(saved: dict[logging.StreamHandler[Any], Any]) -> None:
    """Handlers that existed before the test write where they did (kitaru moves ZenML's
    console handler to stderr while it opens a store, for good in the console script)."""
    for handler, stream in saved.items():
        if handler.stream is not stream and not getattr(stream, "closed", False):
            with handler.lock or _NoLock():
                handler.stream = stream


def _rehome_closed_streams() -> None:
    """A handler made while a test swapped sys.stdout (ZenML binds its console handler to
    the stream current at its first import, e.g. inside a CliRunner) keeps that stream
    after it is closed: later tests would see logging's 'I/O operation on closed file'."""
    for handler in _stream_handlers():
        if getattr(handler.stream, "closed", False):
            with handler.lock or _NoLock():
                handler.stream = CurrentStderr()


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _unwrap_streams() -> None:
    """Take kitaru's masking ``write`` (kitaru.runtime.streams) off the standard streams."""
    from kitaru.runtime.streams import MARK

    for stream in {
        id(s): s for s in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)
    }.values():
        write = vars(stream).get("write") if hasattr(stream, "__dict__") else None
        if write is not None and getattr(write, MARK, False):
            del stream.write


def _set_dumpable(flag: bool | None) -> None:
    """Give the process back its core-dump flag (``prctl(PR_SET_DUMPABLE)``, Linux)."""
    from kitaru.cli.not_dumpable import PR_SET_DUMPABLE, dumpable

    if flag is None or dumpable() == flag:
        return
    import ctypes

    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, ctypes.c_ulong(int(flag)), 0, 0, 0)


def _reset_kitaru() -> None:
    from kitaru import startup
    from kitaru.runtime.reads import forget_reads
    from kitaru.store import close_open_stores

    forget_reads()
    close_open_stores()
    startup.zenml_console_to_stderr = False
    startup._paused = False  # the console script paused the collector (restored below)
    token_cache = sys.modules.get("kitaru.store.token_cache")
    if token_cache is not None:
        token_cache._notices.clear()


@pytest.fixture(autouse=True)
def process_state_isolated() -> Iterator[None]:
    environ = dict(os.environ)
    factory = logging.getLogRecordFactory()
    dispositions = _signal_dispositions()
    collecting = gc.isenabled()
    from kitaru.cli.not_dumpable import dumpable

    may_dump = dumpable()
    streams = {handler: handler.stream for handler in _stream_handlers()}
    cwd = os.getcwd()
    umask = os.umask(0o022)
    os.umask(umask)
    yield
    _reset_kitaru()
    if logging.getLogRecordFactory() is not factory:
        logging.setLogRecordFactory(factory)
    _restore_signals(dispositions)
    _restore_environ(environ)
    if os.getcwd() != cwd:
        os.chdir(cwd)
    os.umask(umask)
    _restore_streams(streams)
    _rehome_closed_streams()
    _unwrap_streams()
    if gc.isenabled() != collecting:
        (gc.enable if collecting else gc.disable)()
    _set_dumpable(may_dump)


def _seed_line(config: pytest.Config) -> str | None:
    seed = getattr(config.option, "randomly_seed", None)
    if not isinstance(seed, int):
        return None
    return f"random order: replay it with -p randomly --randomly-seed={seed}"


def pytest_sessionstart(session: pytest.Session) -> None:
    """The seed is said first and last, also under -q (which hides pytest's header)."""
    line = _seed_line(session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if line is not None and reporter is not None:
        reporter.write_line(line)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    line = _seed_line(config)
    if line is not None:
        terminalreporter.write_line(line)
