"""Secret times: ISO 8601 UTC for machines, ``3d ago`` for people, ``--max-age`` units."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.ages import duration_text, from_iso, iso, parse_duration, relative
from kitaru.errors import KitaruError

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_iso_is_utc_with_microseconds_and_reads_back() -> None:
    plus_two = datetime(2026, 12, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert iso(plus_two) == "2026-12-01T12:00:00.000000Z"
    assert iso(datetime(2026, 12, 1, 12, 0)) == "2026-12-01T12:00:00.000000Z"  # naive = UTC
    assert iso(None) is None
    assert from_iso("2026-12-01T12:00:00.000000Z") == NOW
    with pytest.raises(ValueError):
        from_iso("2026-12-01T12:00:00")


@given(st.datetimes(timezones=st.just(UTC)))
def test_iso_round_trips_and_sorts_as_time_does(moment: datetime) -> None:
    assert from_iso(iso(moment) or "") == moment
    later = (
        moment + timedelta(microseconds=1) if moment < datetime.max.replace(tzinfo=UTC) else moment
    )
    assert (iso(moment) or "") <= (iso(later) or "")


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=0), "0s ago"),
        (timedelta(seconds=59), "59s ago"),
        (timedelta(minutes=12, seconds=5), "12m ago"),
        (timedelta(hours=5, minutes=59), "5h ago"),
        (timedelta(days=3, hours=23), "3d ago"),
        (timedelta(seconds=-30), "just now"),
    ],
)
def test_relative_is_short(ago: timedelta, text: str) -> None:
    assert relative(NOW - ago, NOW) == text


def test_relative_of_an_unknown_time() -> None:
    assert relative(None, NOW) == "-"


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("90d", timedelta(days=90)),
        ("12h", timedelta(hours=12)),
        ("30m", timedelta(minutes=30)),
        ("45s", timedelta(seconds=45)),
    ],
)
def test_durations_parse_and_print_back(text: str, age: timedelta) -> None:
    assert parse_duration(text) == age and duration_text(age) == text


@pytest.mark.parametrize("text", ["", "90", "d", "0d", "-1d", "1.5d", "3w", "90 days", "1d2h"])
def test_a_bad_duration_is_one_clear_error(text: str) -> None:
    with pytest.raises(KitaruError, match="--max-age takes a positive whole number"):
        parse_duration(text)
