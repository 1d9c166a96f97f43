"""Runtime context: ``@checkpoint`` and ``@flow`` over ZenML, leak guard, log redaction."""

from kitaru.runtime.decorators import Checkpoint, Flow, checkpoint, flow

__all__ = ["Checkpoint", "Flow", "checkpoint", "flow"]
