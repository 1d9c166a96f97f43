"""Benchmark: how long an MCP client waits on `kitaru-mcp` over stdio (embedded store).

For each run a fresh isolated embedded store, then the real console script through the
mcp package's stdio client: time to connect (initialize + tools ready), time of the first
`kitaru_secrets_list` called at once (it waits for the background store warm-up) and
after an idle pause (warm-up done), and time to shut down.

Run:  .venv/bin/python benchmarks/mcp_first_call.py [--idle 15] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import isolation_env  # noqa: E402

SCRIPT = Path(sys.executable).parent / "kitaru-mcp"


async def one_run(env: dict[str, str], cwd: Path, idle: float) -> tuple[float, float, float]:
    start = time.monotonic()
    params = StdioServerParameters(command=str(SCRIPT), env=env, cwd=str(cwd))
    async with Client(params, read_timeout_seconds=300) as client:
        connected = time.monotonic()
        await anyio.sleep(idle)
        called = time.monotonic()
        result = await client.call_tool("kitaru_secrets_list", {})
        answered = time.monotonic()
        assert not result.is_error, result
    closed = time.monotonic()
    return connected - start, answered - called, closed - answered


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=float, default=15.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    for run in range(args.repeat):
        for idle in (0.0, args.idle):
            root = Path(tempfile.mkdtemp(prefix="kitaru-mcp-bench-"))
            try:
                env = {**os.environ, **isolation_env(root)}
                subprocess.run(
                    [sys.executable, "-c", "from zenml.client import Client; Client().zen_store"],
                    env=env,
                    check=True,
                    capture_output=True,
                )
                connect, first, close = anyio.run(one_run, env, root, idle)
            finally:
                shutil.rmtree(root, ignore_errors=True)
            print(
                f"run {run + 1}: connect {connect:.2f}s; first call after {idle:.0f}s idle "
                f"{first:.2f}s; shutdown {close:.2f}s",
                flush=True,
            )


if __name__ == "__main__":
    main()
