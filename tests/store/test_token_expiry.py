"""When a token has expired, in every shape ZenML and kitaru's cache write."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from kitaru.store.token_expiry import expired


def test_expired_reads_every_shape_zenml_writes() -> None:
    now = time.time()
    assert not expired(None)
    assert not expired(now + 60, now=now)
    assert expired(now - 1, now=now)
    assert expired(now + 20, leeway=30, now=now)
    soon = datetime.now(timezone.utc) + timedelta(hours=1)
    assert not expired(soon.isoformat())
    assert not expired(soon.replace(tzinfo=None).isoformat().replace("+00:00", "") + "Z")
    assert expired((datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat())
    assert expired("garbage") and expired(["not", "a", "time"])
