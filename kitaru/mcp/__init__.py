"""The `kitaru-mcp` server: MCP clients may create secrets and read metadata, never values.

Nothing is imported here, so ``import kitaru.mcp`` stays cheap; the server lives in
``kitaru.mcp.server`` and zenml loads only when a tool first opens the store.
"""
