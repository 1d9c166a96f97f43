"""ZenML process plumbing: is the server up (and fast to say no), and ZenML's first-use
set-up lines never reach the stdout of a program that uses the SDK."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kitaru.errors import StoreUnreachableError
from kitaru.store.zenml_process import check_reachable
from tests.conftest import PYTHON, REPO, isolation_env
from tests.server.endpoints import HOST, closing_port, silent_port, status_port
from tests.server.zenml_server import free_port


def unreachable(url: str, timeout: float = 3.0) -> str:
    with pytest.raises(StoreUnreachableError) as info:
        check_reachable(url, timeout=timeout)
    message = str(info.value)
    assert "\n" not in message and message.endswith("check ZENML_STORE_URL or `zenml login`")
    return message


def test_refused(no_proxy_env: Path) -> None:
    port = free_port()
    assert f"http://{HOST}:{port} (Connection refused)" in unreachable(f"http://{HOST}:{port}")


def test_silent_host_times_out(no_proxy_env: Path) -> None:
    with silent_port() as port:
        assert "(no answer within 0.5 s)" in unreachable(f"http://{HOST}:{port}", timeout=0.5)


def test_server_that_hangs_up(no_proxy_env: Path) -> None:
    with closing_port() as port:
        assert "closed the connection without answering" in unreachable(f"http://{HOST}:{port}")


def test_server_errors_are_down_but_other_answers_are_up(no_proxy_env: Path) -> None:
    with status_port(503) as port:
        assert "answered HTTP 503" in unreachable(f"http://{HOST}:{port}/")
    for status in (200, 401, 404):
        with status_port(status) as port:
            check_reachable(f"http://{HOST}:{port}/some/prefix")


def test_not_probed_through_a_proxy_or_for_a_database(
    no_proxy_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_reachable("sqlite:///tmp/zenml.db")
    monkeypatch.setenv("HTTP_PROXY", f"http://{HOST}:{free_port()}")
    check_reachable(f"http://{HOST}:{free_port()}")  # the proxy decides, not a direct probe


PROGRAM = """
import logging
import zenml
from kitaru import create_secret, list_secrets
from kitaru.store.compat import console_handlers
def zenml_streams():
    return [h.stream for h in console_handlers()]
before = zenml_streams()
create_secret("console-check", {"KEY": "value-1"})
# one argument each: ZenML 0.90-0.92 wraps print() and repeats all but the first
print(f"names: {[summary.name for summary in list_secrets()]}")
print(f"zenml streams back: {bool(before) and zenml_streams() == before}")
"""


def test_sdk_on_a_fresh_zenml_home_keeps_stdout_for_the_program(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", **isolation_env(tmp_path), "ZENML_LOGGING_VERBOSITY": "INFO"}
    result = subprocess.run(
        [PYTHON, "-c", PROGRAM],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "names: ['console-check']\nzenml streams back: True\n"
    assert "Creating default stack" in result.stderr  # ZenML still says it, on stderr


def test_cli_json_on_a_fresh_zenml_home_is_only_json(tmp_path: Path) -> None:
    """Every supported ZenML client announces its set-up on a fresh store; older ones
    (before 0.94.5) through a plain handler on stdout. `-o json` stays parseable."""
    env = {"PATH": "/usr/bin:/bin", **isolation_env(tmp_path), "ZENML_LOGGING_VERBOSITY": "INFO"}
    result = subprocess.run(
        [PYTHON, "-c", "from kitaru.cli.main import main; main()", "secrets", "list", "-o", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert "Creating default stack" in result.stderr
