"""`kitaru-mcp`: the MCP server, over stdio by default or streamable HTTP on 127.0.0.1.

The HTTP transport has no authentication of its own, so it only ever binds the loopback
interface; anything that can reach it acts as the ZenML user this process is configured for.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NoReturn

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp_types import ToolAnnotations
from pydantic import ConfigDict

from kitaru.mcp.tools import (
    CREATE_DESCRIPTION,
    LIST_DESCRIPTION,
    MODELS_DESCRIPTION,
    PLAN_DESCRIPTION,
    SHOW_DESCRIPTION,
    SecretTools,
)
from kitaru.store import SecretStore

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
HTTP_PATH = "/mcp"

INSTRUCTIONS = (
    "kitaru keeps secrets in a ZenML secret store. These tools create secrets, show their "
    "metadata (names, IDs, visibility, key names), plan a manifest and list model aliases; "
    "they never return a secret value and cannot update, apply or delete. To read values, "
    "update, apply or delete, the user runs the `kitaru secrets` CLI themselves."
)

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
CREATES = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)


def _hide_inputs_in_errors(tool: Tool) -> Tool:
    """Argument errors name the field and the rule, never the rejected input (maybe a value)."""
    base = tool.fn_metadata.arg_model
    namespace = {
        "model_config": ConfigDict(hide_input_in_errors=True),
        "__module__": base.__module__,
    }
    tool.fn_metadata.arg_model = type(base.__name__, (base,), namespace)
    return tool


def _tool(
    fn: Callable[..., Any], name: str, title: str, description: str, hints: ToolAnnotations
) -> Tool:
    tool = Tool.from_function(
        fn, name=name, title=title, description=description, annotations=hints
    )
    return _hide_inputs_in_errors(tool)


def build_tools(tools: SecretTools) -> list[Tool]:
    """The documented tool set, and nothing else: no delete, no value reading."""
    create = _tool(
        tools.create, "kitaru_secrets_create", "Create a secret", CREATE_DESCRIPTION, CREATES
    )
    listing = _tool(
        tools.list_all, "kitaru_secrets_list", "List secrets", LIST_DESCRIPTION, READ_ONLY
    )
    show = _tool(tools.show, "kitaru_secrets_show", "Show a secret", SHOW_DESCRIPTION, READ_ONLY)
    plan = _tool(tools.plan, "kitaru_secrets_plan", "Plan a manifest", PLAN_DESCRIPTION, READ_ONLY)
    models = _tool(
        tools.models, "kitaru_models_list", "List model aliases", MODELS_DESCRIPTION, READ_ONLY
    )
    return [create, listing, show, plan, models]


def build_server(
    store: SecretStore | None = None, *, warm_up: bool = False, root: Path | None = None
) -> MCPServer[Any]:
    """The server object, for embedding or tests; ``main`` runs it.

    With ``warm_up`` the store opens in the background once the transport is up (after
    stdio has been moved off the terminal streams), so the first tool call does not wait.
    ``root`` (default: the working directory) holds the only files a client may name.
    """
    from kitaru import __version__

    tools = SecretTools(store, root=root)

    @asynccontextmanager
    async def lifespan(_: MCPServer[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
        if warm_up:
            threading.Thread(target=tools.warm_up, name="kitaru-warm-up", daemon=True).start()
        yield {}

    return MCPServer(
        name="kitaru",
        title="kitaru secrets",
        instructions=INSTRUCTIONS,
        version=__version__,
        tools=build_tools(tools),
        log_level="WARNING",
        lifespan=lifespan,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kitaru-mcp",
        description="MCP server for kitaru secrets: create secrets and read metadata, "
        "never values, never delete.",
    )
    parser.add_argument(
        "--transport",
        choices=["stdio", "streamable-http"],
        default="stdio",
        help="stdio (default) for clients that start the server; streamable-http to serve "
        f"http://{HOST}:PORT{HTTP_PATH} on the loopback interface only.",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"HTTP port (default {DEFAULT_PORT})."
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        metavar="DIR",
        help="The only directory whose files (manifests, .env) clients may make the server "
        "read (default: the working directory).",
    )
    parser.add_argument("--version", action="store_true", help="Print the version and exit.")
    return parser


def _exit(code: int) -> NoReturn:
    """Flush, then skip seconds of zenml teardown: every store write committed on return."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or 1
    if "zenml" in sys.modules:
        logging.shutdown()
        os._exit(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    args = _parser().parse_args(argv)
    if args.version:
        from kitaru import __version__

        print(__version__)
        _exit(0)
    from kitaru.cli.common import quiet_zenml

    quiet_zenml()  # ZenML's log lines must never reach the protocol stream
    if args.root is not None and not args.root.is_dir():
        print(f"kitaru-mcp: --root {args.root}: not a directory", file=sys.stderr)
        _exit(2)
    server = build_server(warm_up=True, root=args.root)
    try:
        if args.transport == "stdio":
            server.run("stdio")
        else:
            print(
                f"kitaru-mcp: serving MCP at http://{HOST}:{args.port}{HTTP_PATH}",
                file=sys.stderr,
                flush=True,
            )
            server.run("streamable-http", host=HOST, port=args.port, streamable_http_path=HTTP_PATH)
    except KeyboardInterrupt:
        _exit(130)
    _exit(0)
