"""How many requests kitaru keeps in flight against a ZenML server.

One knob for both clients (REST and ZenML's): a shared server behind a slow link wants
more, a small or rate-limited one wants fewer, and ``1`` makes every command serial.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from kitaru.errors import UsageError

WORKERS_ENV = "KITARU_WORKERS"
DEFAULT_WORKERS = 8
MAX_WORKERS = 32


def remote_workers(environ: Mapping[str, str] | None = None) -> int:
    """The worker limit from ``KITARU_WORKERS`` (default 8); a bad value is a usage error."""
    raw = (os.environ if environ is None else environ).get(WORKERS_ENV, "").strip()
    if not raw:
        return DEFAULT_WORKERS
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_WORKERS:
        return int(raw)
    raise UsageError(
        f"{WORKERS_ENV} must be a whole number from 1 to {MAX_WORKERS}, got {raw[:20]!r}"
    )
