"""Store-backed completion answers within its deadline, or offers nothing, silently."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kitaru.completion import sources
from tests.completion.test_entry import PROBE


def test_a_silent_server_offers_nothing_in_time(tmp_path: Path) -> None:
    """A server that accepts connections and never answers (its read timeout is 30 s)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        port = listener.getsockname()[1]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("ZENML_", "KITARU_"))},
            "HOME": str(tmp_path),
            "ZENML_CONFIG_PATH": str(tmp_path / "cfg"),
            "ZENML_STORE_URL": f"http://127.0.0.1:{port}",
            "ZENML_STORE_USERNAME": "alice",
            "ZENML_STORE_PASSWORD": "canary-password-1",
        }
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", PROBE, "__complete", "bash", "secrets", "show", ""],
            env=env,
            capture_output=True,
            timeout=60,
        )
        took = time.monotonic() - started
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert took < 15  # the deadline cut it: the server's read timeout alone is 30 s


def test_a_lookup_past_the_deadline_is_abandoned(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow() -> list[tuple[str, bool]]:
        time.sleep(30)
        return [("late", False)]

    monkeypatch.setattr(sources, "_listed", slow)
    assert sources.within(time.monotonic() + 0.05) == []


def test_a_failing_lookup_offers_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> list[tuple[str, bool]]:
        raise RuntimeError("canary: never shown")

    monkeypatch.setattr(sources, "_listed", broken)
    assert sources.within(time.monotonic() + 5) == []


def test_a_tab_press_never_starts_zenml(tmp_path: Path) -> None:
    """No store yet (or one an upgraded ZenML would migrate): ZenML's client would create
    or migrate it on the way, and the lookup is abandoned at its deadline. Here the
    deadline is long enough for ZenML to start: nothing may be created all the same."""
    config = tmp_path / "zenml-config"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ZENML_", "KITARU_"))},
        "HOME": str(tmp_path),
        "ZENML_CONFIG_PATH": str(config),
    }
    probe = (
        "import sys; import kitaru.completion.entry as entry, kitaru.completion.sources as s; "
        "s.STORE_DEADLINE_S = 60; entry.HARD_LIMIT_S = 61; "
        "from kitaru.cli.main import main; main(sys.argv[1:])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "__complete", "bash", "secrets", "show", ""],
        env=env,
        capture_output=True,
        timeout=90,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert not config.exists()
