"""When a server token stops being worth sending, in the forms ZenML and kitaru write.

ZenML's credentials.yaml keeps an ISO time (or a datetime) and a leeway; kitaru's
token cache keeps epoch seconds. Both readers ask this one rule, so neither needs
the other's module.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone


def expired(expires_at: object, leeway: object = None, now: float | None = None) -> bool:
    """Whether a token's expiry (epoch seconds, ISO text or datetime; None = never) passed."""
    if expires_at is None:
        return False
    if isinstance(expires_at, str):
        try:
            expires_at = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
        except ValueError:
            return True
    if isinstance(expires_at, datetime):
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=timezone.utc)
        expires_at = expires_at.timestamp()
    if not isinstance(expires_at, int | float):
        return True
    margin = float(leeway) if isinstance(leeway, int | float) else 0.0
    return float(expires_at) - margin <= (time.time() if now is None else now)
