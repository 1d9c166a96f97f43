"""`kitaru-mcp --transport streamable-http`: loopback only, same tools, quiet by default."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import anyio
import httpx
import psutil
import pytest
from mcp import Client

from tests.conftest import KitaruEnv
from tests.mcp.conftest import server_command
from tests.mcp.test_server import TOOLS

STARTUP_TIMEOUT_S = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"kitaru-mcp did not listen on {port}")


@dataclass
class HttpServer:
    process: subprocess.Popen[str]
    url: str


@pytest.fixture(scope="module")
def http_server(mcp_store: KitaruEnv) -> Iterator[HttpServer]:
    # No ZENML_LOGGING_VERBOSITY: kitaru-mcp's own default must keep ZenML quiet.
    env = {k: v for k, v in mcp_store.env.items() if k != "ZENML_LOGGING_VERBOSITY"}
    port = free_port()
    command, args = server_command()
    process = subprocess.Popen(
        [command, *args, "--transport", "streamable-http", "--port", str(port)],
        env=env,
        cwd=mcp_store.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(process, port)
        yield HttpServer(process=process, url=f"http://127.0.0.1:{port}/mcp")
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_http_serves_the_same_tools_on_loopback_only(
    http_server: HttpServer, mcp_store: KitaruEnv
) -> None:
    async def session() -> tuple[set[str], object]:
        async with Client(http_server.url, read_timeout_seconds=180) as client:
            tools = await client.list_tools()
            listed = await client.call_tool("kitaru_secrets_list", {})
            return {tool.name for tool in tools.tools}, listed

    names, listed = anyio.run(session)
    assert names == TOOLS
    assert not listed.is_error  # type: ignore[attr-defined]
    assert listed.structured_content == {"secrets": []}  # type: ignore[attr-defined]

    listening = [
        conn.laddr
        for conn in psutil.Process(http_server.process.pid).net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    ]
    assert listening
    assert {address.ip for address in listening} == {"127.0.0.1"}

    # DNS rebinding: a page on another origin cannot drive the loopback server
    foreign = httpx.post(http_server.url, headers={"Host": "attacker.example"}, json={})
    assert foreign.status_code == 421

    http_server.process.terminate()
    stdout, stderr = http_server.process.communicate(timeout=60)
    assert stdout == ""  # ZenML logged nothing to stdout although it opened the store
    assert f"serving MCP at {http_server.url}" in stderr
    assert "Traceback" not in stderr
