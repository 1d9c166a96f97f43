"""The CLI's start-up pauses the garbage collector; opening the store turns it back on."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from kitaru import startup
from tests.conftest import KitaruEnv


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the collector is undone for the rest of the session."""
    yield
    startup._paused = False
    gc.unfreeze()
    gc.enable()


def test_pause_then_resume_freezes_what_is_loaded_and_collects_again(collector: None) -> None:
    startup.pause()
    assert not gc.isenabled()
    startup.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    startup.resume()  # a second resume changes nothing
    assert gc.isenabled()


def test_resume_without_pause_leaves_a_library_caller_alone(collector: None) -> None:
    startup.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_collector_switched_off_by_the_caller_stays_off(collector: None) -> None:
    gc.disable()
    startup.pause()
    startup.resume()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_the_first_store_call_resumes_collection(kitaru_env: KitaruEnv, collector: None) -> None:
    """Embedded, ZenML's client on a server, and kitaru's REST store alike."""
    from kitaru.store import open_store

    startup.pause()
    open_store().list_all()
    assert gc.isenabled()


def test_the_cli_starts_with_the_collector_paused() -> None:
    """A command that never opens a store runs without collections, then exits normally."""
    probe = (
        "import gc, sys\n"
        "import kitaru.cli.validate_run as run\n"
        "def checked(args):\n"
        "    print('enabled' if gc.isenabled() else 'paused')\n"
        "    return 0\n"
        "run.fast_main = checked\n"
        "from kitaru.cli.main import main\n"
        "main(['secrets', 'validate'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "paused\n"
