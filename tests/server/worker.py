"""A `kitaru` CLI process that starts its command on a signal, so several real
processes (each with its own ZenML client) hit the server at the same moment.

    python -m tests.server.worker READY_FILE GO_FILE secrets set NAME --KEY=VALUE

It connects and logs in first (through whichever store kitaru picks), touches
READY_FILE, waits for GO_FILE to exist, then runs the console script's ``main`` with
the remaining arguments.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

WAIT_LIMIT_S = 120.0


@dataclass(frozen=True)
class Finished:
    """One worker's end: its exit code and everything a user would have seen."""

    returncode: int
    stdout: str
    stderr: str


def user_env(env: Mapping[str, str]) -> dict[str, str]:
    """ZenML's log level left at kitaru's default, as a user runs it; this repo importable."""
    clean = {name: value for name, value in env.items() if name != "ZENML_LOGGING_VERBOSITY"}
    return {**clean, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def run_together(
    jobs: Sequence[tuple[Mapping[str, str], Sequence[str]]], workdir: Path
) -> list[Finished]:
    """Start one worker per (env, kitaru args), release them at once, collect results."""
    go = workdir / "go"
    processes = []
    readies = []
    for index, (env, args) in enumerate(jobs):
        ready = workdir / f"ready-{index}"
        readies.append(ready)
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.server.worker", str(ready), str(go), *args],
                env=user_env(env),
                cwd=workdir,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    try:
        deadline = time.monotonic() + WAIT_LIMIT_S
        while not all(ready.exists() for ready in readies):
            if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        go.touch()
        results = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=WAIT_LIMIT_S)
            results.append(Finished(process.returncode, stdout, stderr))
        return results
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def main() -> None:
    ready, go, *args = sys.argv[1:]
    # Each worker is its own client: ZenML rewrites credentials.yaml in its config dir on
    # login, and eight processes doing that to one file at once can read a torn token.
    shared_config = os.environ.get("ZENML_CONFIG_PATH")
    if shared_config:
        own_config = Path(tempfile.mkdtemp(prefix="zenml-config-", dir=Path(ready).parent))
        if Path(shared_config).is_dir():
            shutil.copytree(shared_config, own_config, dirs_exist_ok=True)
        os.environ["ZENML_CONFIG_PATH"] = str(own_config)
    from kitaru.cli.common import quiet_zenml

    quiet_zenml()
    from kitaru.store import open_store

    open_store().list_all()  # connect and log in before the starting signal
    Path(ready).touch()
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not Path(go).exists():
        if time.monotonic() > deadline:
            sys.exit("worker: no starting signal")
        time.sleep(0.005)
    from kitaru.cli.main import main as kitaru_main

    kitaru_main(args)


if __name__ == "__main__":
    main()
