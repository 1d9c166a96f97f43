"""tests/isolation.py: what one test leaves in the process, the next does not find."""

from __future__ import annotations

import pytest

from tests.conftest import REPO

LEAVES_AND_FINDS = """
import io
import logging
import os
import signal

from kitaru import startup
from kitaru.cli.not_dumpable import dumpable, forbid_core_dumps
from kitaru.runtime.reads import all_reads, on_secret_read
from kitaru.runtime.redact import redact
from types import SimpleNamespace

LEFTOVER = "leftover-value-7f3a"
FACTORY = logging.getLogRecordFactory()


def test_a_leaves_state() -> None:
    on_secret_read(SimpleNamespace(name="left", values={"K": LEFTOVER}))  # type: ignore
    assert redact(LEFTOVER) == "***" and logging.getLogRecordFactory() is not FACTORY
    os.environ["KITARU_LEFTOVER"] = "1"
    signal.signal(signal.SIGUSR1, lambda *_: None)
    startup.zenml_console_to_stderr = True
    closed = io.StringIO()
    logging.getLogger("leftover").addHandler(logging.StreamHandler(closed))
    closed.close()
    os.chdir("/")
    os.umask(0o000)
    assert forbid_core_dumps() and dumpable() is False  # as a command run in-process does


def test_b_finds_none() -> None:
    assert redact(LEFTOVER) == LEFTOVER and all_reads() == []
    assert logging.getLogRecordFactory() is FACTORY
    assert "KITARU_LEFTOVER" not in os.environ
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL
    assert startup.zenml_console_to_stderr is False
    assert os.getcwd() != "/" and os.umask(0o022) != 0o000
    assert dumpable() is True
    logging.getLogger("leftover").warning("no closed stream to fail on")
"""


def test_the_next_test_finds_nothing_the_last_one_left(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two tests in a session of their own (in this process), in written order; the seed
    is still named first and last."""
    monkeypatch.syspath_prepend(str(REPO))
    pytester.makepyfile(test_leftovers=LEAVES_AND_FINDS)
    result = pytester.runpytest_inprocess(
        "-p",
        "tests.isolation",
        "-p",
        "randomly",
        "--randomly-seed=7",
        "--randomly-dont-reorganize",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=2)
    output = result.stdout.str() + result.stderr.str()
    assert "closed file" not in output
    assert output.count("-p randomly --randomly-seed=7") == 2
