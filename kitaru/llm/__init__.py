"""Model aliases with linked secrets, and ``kitaru.llm()`` that resolves them.

``from kitaru import llm`` (or ``from kitaru.llm import llm``). Importing this package
imports no provider SDK, zenml or pydantic; a call imports what it needs.
"""

from __future__ import annotations

from kitaru.llm.call import llm

__all__ = ["llm"]
