"""ZenML's first-use set-up lines never reach the stdout of a program that uses the SDK."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import PYTHON, REPO, isolation_env

PROGRAM = """
import logging
import zenml
from kitaru import create_secret, list_secrets
def zenml_streams():
    handlers = logging.getLogger().handlers
    return [h.stream for h in handlers if type(h).__name__ == "ZenMLConsoleHandler"]
before = zenml_streams()
create_secret("console-check", {"KEY": "value-1"})
print("names:", [summary.name for summary in list_secrets()])
print("zenml streams back:", bool(before) and zenml_streams() == before)
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
