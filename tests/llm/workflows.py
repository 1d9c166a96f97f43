"""Flows that call ``kitaru.llm()`` (ZenML reloads steps from source: module level)."""

from __future__ import annotations

import kitaru
from kitaru import checkpoint, flow, get_secret


@checkpoint(enable_cache=False)
def review(draft: str) -> str:
    first = kitaru.llm(f"review: {draft}", model="fast", name="reviewer")
    second = kitaru.llm([{"role": "user", "content": "shorten it"}], system="terse")
    return f"{first} | {second}"


@flow(enable_cache=False)
def writing_flow() -> None:
    draft = kitaru.llm("write a haiku", model="fast", name="writer")
    review(draft)


@checkpoint(enable_cache=False)
def prompt_with_a_value() -> str:
    token = get_secret("github-creds").values["GITHUB_TOKEN"]
    return kitaru.llm(f"is {token} valid?", model="fast")


@flow(enable_cache=False)
def leaking_prompt_flow() -> None:
    prompt_with_a_value()
