"""Provider failures become one bounded line without the key."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kitaru.llm.sdk import MAX_ERROR_LENGTH, scrubbed

KEY = "sk-proj-Zq81xYt0aBcDeFgHiJkLmNoP"


@settings(deadline=None)
@given(st.text(max_size=400), st.text(max_size=400))
def test_the_key_never_survives_scrubbing(before: str, after: str) -> None:
    line = scrubbed(f"{before}{KEY}{after}", KEY)
    assert KEY not in line
    assert "\n" not in line and "\r" not in line
    assert len(line) <= MAX_ERROR_LENGTH
