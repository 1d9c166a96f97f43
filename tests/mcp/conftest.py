"""One `kitaru-mcp` subprocess per test module, driven through the mcp package's own client.

Each server pays ZenML's start-up once, so a module shares it (and its isolated store);
the test process points at the same store so tests can read back through the SDK.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TextIO

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp_types import CallToolResult, ListToolsResult

from tests.conftest import DB_RELATIVE, PYTHON, KitaruEnv, isolation_env, reset_zenml_singletons

SCRIPT = Path(PYTHON).parent / "kitaru-mcp"
READ_TIMEOUT_S = 180.0


def server_command() -> tuple[str, list[str]]:
    """The installed console script when there is one, else the same entry point."""
    if SCRIPT.exists():
        return str(SCRIPT), []
    return PYTHON, ["-c", "from kitaru.mcp.server import main; main()"]


def result_text(result: CallToolResult) -> str:
    """Everything a client receives from one call, for canary checks."""
    texts = [getattr(block, "text", "") for block in result.content]
    return "\n".join([*texts, json.dumps(result.structured_content)])


def under_root(store: KitaruEnv, name: str) -> Path:
    """A fresh directory under the server's root (its working directory): the only place
    whose files its plan tool reads."""
    path = store.root / name
    path.mkdir()
    return path


@dataclass
class McpServer:
    """A running server seen through a connected client; every result is recorded."""

    portal: BlockingPortal
    client: Client
    stderr_path: Path
    seen: list[str] = field(default_factory=list)

    def tools(self) -> ListToolsResult:
        return self.portal.call(self.client.list_tools)

    def call(self, name: str, arguments: dict[str, Any] | None = None) -> CallToolResult:
        result = self.portal.call(partial(self.client.call_tool, name, arguments or {}))
        self.seen.append(result_text(result))
        return result

    def everything_seen(self) -> str:
        """Every tool result so far plus the server's stderr."""
        return "\n".join([*self.seen, self.stderr_path.read_text(errors="replace")])


@pytest.fixture(scope="module")
def mcp_store(
    tmp_path_factory: pytest.TempPathFactory, store_template: Path
) -> Iterator[KitaruEnv]:
    """An isolated embedded store for the whole module, also active in this process."""
    root = tmp_path_factory.mktemp("mcp-zenml")
    db = root / DB_RELATIVE
    db.parent.mkdir(parents=True)
    shutil.copyfile(store_template, db)
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith(("ZENML_STORE_", "KITARU_")):
                patch.delenv(name)
        for name, value in isolation_env(root).items():
            patch.setenv(name, value)
        reset_zenml_singletons()
        yield KitaruEnv(root=root, env={**os.environ})
    reset_zenml_singletons()


def serve(env: dict[str, str], cwd: Path, errlog: TextIO) -> Any:
    command, args = server_command()
    params = StdioServerParameters(command=command, args=args, env=env, cwd=cwd)
    return Client(stdio_client(params, errlog=errlog), read_timeout_seconds=READ_TIMEOUT_S)


@pytest.fixture(scope="module")
def mcp_server(mcp_store: KitaruEnv) -> Iterator[McpServer]:
    """`kitaru-mcp` over stdio, with ZenML's logging as verbose as a user may make it."""
    env = {**mcp_store.env, "ZENML_LOGGING_VERBOSITY": "DEBUG"}
    stderr_path = mcp_store.root / "server.stderr"
    with (
        stderr_path.open("w") as errlog,
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(serve(env, mcp_store.root, errlog)) as client,
    ):
        yield McpServer(portal=portal, client=client, stderr_path=stderr_path)
