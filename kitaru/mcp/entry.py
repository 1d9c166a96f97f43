"""The `kitaru-mcp` console script: the MCP server when its SDK is installed, else the
one line that says how to get it (the SDK is the ``kitaru[mcp]`` extra)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.util import find_spec
from typing import NoReturn

INSTALL_HINT = (
    "kitaru-mcp: the MCP SDK is not installed; run: pip install 'kitaru[mcp]' "
    "(it needs ZenML 0.94.1 or later)"
)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    if find_spec("mcp") is None:
        print(INSTALL_HINT, file=sys.stderr)
        sys.exit(1)
    from kitaru.mcp.server import main as serve

    serve(argv)
