"""Secret times for people and machines: ISO 8601 UTC in JSON, ``3d ago`` in text, and
``--max-age`` durations (``90d``). Pure: the caller passes ``now``, so tests never sleep.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from kitaru.errors import KitaruError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"([0-9]{1,9})([smhd])")


def iso(moment: datetime | None) -> str | None:
    """``2026-12-01T10:54:40.123456Z``: UTC, always with microseconds (so two readings
    of one stored time compare equal as text, and a later one sorts after)."""
    if moment is None:
        return None
    if moment.tzinfo is None:  # ZenML's naive datetimes mean UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    """The aware datetime ``iso`` wrote (``ValueError`` for anything else)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time without a zone")
    return moment.astimezone(UTC)


def relative(moment: datetime | None, now: datetime) -> str:
    """``45s ago``, ``12m ago``, ``5h ago``, ``3d ago``; ``-`` when unknown. A time ahead
    of ``now`` (clocks of client and server differ) reads ``just now``."""
    if moment is None:
        return "-"
    seconds = int((now - moment).total_seconds())
    if seconds < 0:
        return "just now"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h``, ``30m``, ``45s``: one whole number and one unit."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise KitaruError(
            "--max-age takes a positive whole number and a unit s, m, h or d (e.g. 90d)"
        )
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def duration_text(age: timedelta) -> str:
    """The largest unit that divides ``age`` exactly: ``90d``, ``36h``, ``45s``."""
    seconds = int(age.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
