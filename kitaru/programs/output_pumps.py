"""Copying a program's stdout and stderr through filters, for as long as the program runs.

Each pipe gets a thread that reads what the program writes, passes it through the filter
and writes the result. When the program has ended, the pumps drain what is already in
the pipes for at most ``DRAIN_SECONDS`` and stop: a process the program left behind (a
dev server, ``sleep &``) may hold the pipes open, and kitaru does not wait for it.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
from collections.abc import Callable
from typing import BinaryIO, Protocol

DRAIN_SECONDS = 1.0
_CHUNK = 65536
_BATCH = 1 << 20
_POLL_MS = 50


class Redactor(Protocol):
    """What a pump needs of a stream filter (``redact_stream.StreamRedactor``)."""

    def feed(self, chunk: bytes) -> bytes: ...

    def finish(self) -> bytes: ...


Filter = tuple[Redactor, BinaryIO]


def _write_all(out: BinaryIO, data: bytes) -> None:
    if data:
        out.write(data)
        out.flush()


def _available(source: int) -> tuple[bytes, bool]:
    """What the pipe holds now, up to ``_BATCH`` (one filter pass for many small writes),
    and whether the writers have closed it."""
    chunks: list[bytes] = []
    size = 0
    while size < _BATCH:
        try:
            chunk = os.read(source, _CHUNK)
        except BlockingIOError:
            return b"".join(chunks), False
        if not chunk:
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


class Pumps:
    """One thread per pipe: ``start`` with the read ends, ``stop`` when the program ended."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self, pipes: list[tuple[int, Filter]]) -> None:
        for source, (redactor, out) in pipes:
            thread = threading.Thread(target=self._pump, args=(source, out, redactor), daemon=True)
            thread.start()  # threads inherit the caller's signal mask
            self._threads.append(thread)

    def _pump(self, source: int, out: BinaryIO, redactor: Redactor) -> None:
        poller = select.poll()
        poller.register(source, select.POLLIN)
        os.set_blocking(source, False)
        try:
            while not self._stopping.is_set():
                if not poller.poll(_POLL_MS):
                    continue
                chunk, ended = _available(source)
                _write_all(out, redactor.feed(chunk))
                if ended:
                    break
            _write_all(out, redactor.finish())
        except (BrokenPipeError, ValueError):
            pass  # our reader left: closing the pipe lets the program see it too
        finally:
            os.close(source)

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def drain(self, interrupted: Callable[[float], bool]) -> None:
        """Wait at most DRAIN_SECONDS for the pipes to close, then stop the pumps; sooner
        when ``interrupted(timeout)`` (which waits up to ``timeout`` s) says so."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while self.running() and (left := deadline - time.monotonic()) > 0:
            if interrupted(min(left, 0.02)):
                break
        self._stopping.set()
        for thread in self._threads:
            with contextlib.suppress(RuntimeError):
                thread.join(2 * _POLL_MS / 1000)
