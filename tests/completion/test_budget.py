"""KITARU_COMPLETION_TIMEOUT scales every completion deadline; nonsense is ignored."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.completion import budget, entry, sources


def test_the_default_is_one_second() -> None:
    assert budget.scale({}) == 1.0
    assert sources.STORE_DEADLINE_S < 1.0 < entry.HARD_LIMIT_S


def test_a_number_of_seconds_in_range_scales_the_deadlines() -> None:
    assert budget.scale({budget.VARIABLE: "3"}) == 3.0
    assert budget.scale({budget.VARIABLE: " 0.5 "}) == 0.5
    assert budget.scale({budget.VARIABLE: "60"}) == 60.0


@given(st.text(max_size=12))
def test_anything_else_keeps_the_default(text: str) -> None:
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if budget.LOWEST_S <= seconds <= budget.HIGHEST_S:
        return
    assert budget.scale({budget.VARIABLE: text}) == 1.0


def test_out_of_range_and_not_finite_values_are_ignored() -> None:
    for text in ("0", "0.1", "-5", "61", "1e9", "inf", "-inf", "nan", "", "1s", "1,5"):
        assert budget.scale({budget.VARIABLE: text}) == 1.0, text


def test_the_lookup_waits_as_long_as_the_variable_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(budget.VARIABLE, "4")
    live = sources.LiveSources(started=100.0)
    assert live.deadline == 100.0 + sources.STORE_DEADLINE_S * 4
