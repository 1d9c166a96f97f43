"""A streaming filter that replaces secret values in a child's output with ``***``.

It works on bytes (output that is not UTF-8 passes through) and gives, chunk by chunk,
exactly what one regex substitution over the whole stream would give: longest value
first, leftmost match wins. Only the tail that could still grow into a value
is held back between chunks, so ordinary output (a prompt, a progress line) passes at
once; the tail is written when the stream ends. What is masked is what log redaction
masks (``kitaru.runtime.redact.maskable``): each value and each line of a multi-line
value, when at least four characters long.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kitaru.runtime.redact import MASK, maskable

_MASK = MASK.encode()


class StreamRedactor:
    """Feed chunks in order; each call returns the bytes safe to write now."""

    def __init__(self, values: Iterable[str]) -> None:
        parts = {part.encode("utf-8") for value in values for part in maskable(value)}
        # Longest first, so a value that contains another is masked whole.
        self._parts = sorted(parts, key=lambda p: (-len(p), p))
        self._pattern = (
            re.compile(b"|".join(re.escape(p) for p in self._parts)) if self._parts else None
        )
        self._firsts = {p[0] for p in self._parts}
        self._longest = max((len(p) for p in self._parts), default=0)
        self._held = b""

    def _hold_from(self, data: bytes, lowest: int) -> int:
        """Where the longest suffix of ``data`` (from ``lowest`` on) that is a proper prefix
        of a value starts, or ``len(data)``: the only bytes more input could change."""
        end = len(data)
        for start in range(max(lowest, end - self._longest + 1), end):
            if data[start] not in self._firsts:
                continue
            tail = data[start:]
            if any(len(p) > len(tail) and p.startswith(tail) for p in self._parts):
                return start
        return end

    def feed(self, chunk: bytes) -> bytes:
        if self._pattern is None:
            return chunk
        data = self._held + chunk
        hold = self._hold_from(data, 0)
        out: list[bytes] = []
        position = 0
        for match in self._pattern.finditer(data):
            if match.start() >= hold:
                break  # a longer value may still start here
            out += [data[position : match.start()], _MASK]
            position = match.end()
            if position > hold:  # the match settled the held part: look again after it
                hold = self._hold_from(data, position)
        keep = max(position, hold)
        out.append(data[position:keep])
        self._held = data[keep:]
        return b"".join(out)

    def finish(self) -> bytes:
        """The held tail, masked as the end of the stream."""
        data, self._held = self._held, b""
        if self._pattern is None:
            return data
        return self._pattern.sub(_MASK, data)
