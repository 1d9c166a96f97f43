"""Tool results: metadata as structured content, failures as the CLI's one-line message."""

from __future__ import annotations

import os
from collections.abc import Callable

from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel

from kitaru.errors import KitaruError
from kitaru.safe_text import for_terminal, to_json


def succeeded(payload: BaseModel) -> CallToolResult:
    """The payload twice, as MCP asks: JSON text for the model, structured for the client.
    The text is ASCII-only JSON: store names reach it escaped, never as raw controls."""
    data = payload.model_dump(mode="json")
    return CallToolResult(
        content=[TextContent(type="text", text=to_json(data))],
        structured_content=data,
    )


def failed(message: str) -> CallToolResult:
    """A tool error whose text is exactly what the CLI prints after ``Error:``."""
    text = "\n".join(for_terminal(line) for line in message.split("\n"))
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


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
