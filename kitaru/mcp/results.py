"""Tool results: metadata as structured content, failures as the CLI's one-line message."""

from __future__ import annotations

import os
from collections.abc import Callable

from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel

from kitaru.errors import KitaruError


def succeeded(payload: BaseModel) -> CallToolResult:
    """The payload twice, as MCP asks: JSON text for the model, structured for the client."""
    return CallToolResult(
        content=[TextContent(type="text", text=payload.model_dump_json(indent=2))],
        structured_content=payload.model_dump(mode="json"),
    )


def failed(message: str) -> CallToolResult:
    """A tool error whose text is exactly what the CLI prints after ``Error:``."""
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def run_tool(action: Callable[[], BaseModel]) -> CallToolResult:
    """Run one SDK call; any failure becomes a tool error kitaru wrote, never a traceback.

    With ``KITARU_DEBUG`` set, unexpected exceptions propagate so the MCP SDK logs the
    traceback on the server's stderr; the client still sees only a generic error.
    """
    try:
        return succeeded(action())
    except KitaruError as err:
        return failed(str(err))
    except Exception as err:
        if os.environ.get("KITARU_DEBUG"):
            raise
        return failed(f"unexpected {type(err).__name__}; set KITARU_DEBUG=1 to see the traceback")
