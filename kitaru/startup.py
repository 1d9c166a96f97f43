"""Start-up without the cyclic garbage collector.

Opening ZenML's embedded store loads zenml, sqlalchemy and pydantic: about a million
long-lived objects, which every full collection walks again while they load and while the
command then works (measured: ~0.7 s of a store command's start-up and ~25% of a
1,000-secret apply). The CLI pauses collection before it imports anything; once the store
is open, ``resume`` moves everything loaded so far out of the collector's reach
(``gc.freeze``) and turns collection back on, so the command's own garbage is still
collected. Library callers never see a change: ``resume`` does nothing unless ``pause``
ran, and neither touches a collector that was already off.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_paused = False

# Set by the console script, whose stdout is command output (e.g. JSON): ZenML's console
# log then goes to stderr. Library callers keep ZenML's own choice.
zenml_console_to_stderr = False


def pause() -> None:
    """Stop automatic collection until ``resume`` (for a process that is starting up)."""
    global _paused
    with _lock:
        if gc.isenabled():
            gc.disable()
            _paused = True


def resume() -> None:
    """Keep what is loaded out of future collections and collect again, if paused."""
    global _paused
    with _lock:
        if not _paused:
            return
        _paused = False
        gc.freeze()
        gc.enable()
