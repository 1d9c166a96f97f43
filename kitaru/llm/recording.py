"""Where an ``llm()`` call runs, and what ZenML keeps of it when it runs in a step.

In a step (a checkpoint running inside a flow) the prompt and the response become
artifacts and the call joins the step's ``llm_calls`` metadata: model, alias, provider,
token counts, latency and where the key came from, never the key. A prompt or response
holding a value read through kitaru is refused first, as a checkpoint's output would be.
"""

from __future__ import annotations

import re
import sys
import threading
from typing import Any

from kitaru.errors import SecretLeakError

MAX_LABEL = 64
_calls: dict[str, list[dict[str, Any]]] = {}  # step run ID -> its calls so far
_calls_lock = threading.Lock()


def step_context() -> Any | None:
    """ZenML's context of the step running now, or None (zenml is not imported for it)."""
    if "zenml" not in sys.modules:
        return None
    from zenml.steps.step_context import StepContext

    return StepContext.get()


def in_flow_body() -> bool:
    """True while a ``@flow`` body runs (not one of its steps)."""
    decorators = sys.modules.get("kitaru.runtime.decorators")
    return decorators is not None and bool(decorators.in_flow_body())


def label(name: str | None, alias: str | None) -> str:
    """The call's name for its artifacts: ``name``, else the alias, else ``llm``."""
    text = re.sub(r"[^A-Za-z0-9_-]", "_", name or alias or "llm")[:MAX_LABEL]
    return text or "llm"


def refuse_values(what: str, call: str, data: Any) -> None:
    """A value read through kitaru must not reach an artifact, as a checkpoint's output."""
    from kitaru.runtime.reads import all_reads
    from kitaru.runtime.scan import find_secret

    read = find_secret(data, all_reads(), serialized=False)
    if read is not None:
        from kitaru.runtime.decorators import raise_leak

        raise_leak(
            SecretLeakError(
                f"llm call '{call}': the {what} holds the value of key '{read.key}' of secret "
                f"'{read.secret}'; ZenML would store it as a plain-text artifact"
            )
        )


def record(context: Any, call: str, prompt: Any, response: str, entry: dict[str, Any]) -> None:
    """Prompt and response as artifacts, the call in the step's ``llm_calls`` metadata."""
    from zenml import log_metadata, save_artifact

    # Plain text and JSON: nothing to visualise, and their size is not worth a query.
    for suffix, data in (("prompt", prompt), ("response", response)):
        save_artifact(
            data, name=f"{call}_{suffix}", extract_metadata=False, include_visualizations=False
        )
    step_run = str(context.step_run.id)
    with _calls_lock:
        calls = _calls.setdefault(step_run, [])
        calls.append(entry)
        snapshot = [dict(item) for item in calls]
    # Every call writes the whole list, so the step's last value holds them all.
    log_metadata(metadata={"llm_calls": snapshot})
