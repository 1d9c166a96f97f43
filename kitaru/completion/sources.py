"""The real sources of dynamic values: the store (with a hard deadline), the manifest
file, the model alias registry."""

from __future__ import annotations

import threading
import time

from kitaru.completion import budget, manifest_targets, model_aliases

# A store-backed completion answers within 1 s of the Tab press or offers nothing: the
# lookup gets 0.9 s from the entry (the interpreter's start-up comes before it); both
# scale with KITARU_COMPLETION_TIMEOUT (kitaru.completion.budget).
STORE_DEADLINE_S = 0.9


def _listed() -> list[tuple[str, bool]]:
    """(name, private) of every secret the command's store shows; raises on any fault.

    Never through ZenML's client: it takes seconds to import, and on its way it may
    create a store or migrate one (after a ZenML upgrade), which an abandoned lookup
    would stop midway. A store only ZenML can read offers no names."""
    from kitaru.store.selection import rest_choice

    chosen = rest_choice()
    if chosen is not None:  # a server: names over plain HTTP (no pydantic, no zenml)
        from kitaru.store import rest_names

        return rest_names.secret_names(chosen[0])
    from kitaru.store.sqlite_reader import visible_names

    names = visible_names()  # an embedded store: its SQLite file, when provably the one
    if names is None:
        raise LookupError("only ZenML's client can read this store")
    return names


def within(deadline: float) -> list[tuple[str, bool]]:
    """The store's names if they arrive before ``deadline`` (``time.monotonic``), else
    none. The lookup runs in a daemon thread that is abandoned when late; the caller
    ends the process with ``os._exit`` so nothing waits for it."""
    box: list[list[tuple[str, bool]]] = []

    def lookup() -> None:
        try:
            box.append(_listed())
        except BaseException:  # a completion never reports: it offers nothing
            box.append([])

    thread = threading.Thread(target=lookup, name="kitaru-complete-store", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    return box[0] if box else []


class LiveSources:
    """Sources for one Tab press; the store is asked at most once."""

    def __init__(self, started: float | None = None) -> None:
        start = time.monotonic() if started is None else started
        self.deadline = start + STORE_DEADLINE_S * budget.scale()
        self._names: list[tuple[str, bool]] | None = None

    def secret_names(self, private: bool | None) -> list[str]:
        if self._names is None:
            self._names = within(self.deadline)
        return [name for name, is_private in self._names if private in (None, is_private)]

    def manifest_targets(self, manifest: str) -> list[str]:
        return manifest_targets.declared_names(manifest)

    def model_aliases(self) -> list[str]:
        return model_aliases.alias_names()
