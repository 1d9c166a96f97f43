"""The checkpoint an ``llm()`` call in a flow body runs as (ZenML loads it from here)."""

from __future__ import annotations

from typing import Any

from kitaru.runtime import checkpoint


@checkpoint(name="llm", enable_cache=False)
def llm_call(
    prompt: Any,
    model: str | None = None,
    system: str | None = None,
    temperature: float | None = None,
    max_tokens: int | None = None,
    name: str | None = None,
) -> str:
    from kitaru.llm.call import llm

    return llm(
        prompt,
        model=model,
        system=system,
        temperature=temperature,
        max_tokens=max_tokens,
        name=name,
    )
