"""Provider failures become one bounded line without the key."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kitaru.llm.errors import ProviderError
from kitaru.llm.providers import PROVIDERS
from kitaru.llm.sdk import MAX_ERROR_LENGTH, complete, scrubbed
from tests.llm.provider_server import StandIn

KEY = "sk-proj-Zq81xYt0aBcDeFgHiJkLmNoP"


@settings(deadline=None)
@given(st.text(max_size=400), st.text(max_size=400))
def test_the_key_never_survives_scrubbing(before: str, after: str) -> None:
    line = scrubbed(f"{before}{KEY}{after}", KEY)
    assert KEY not in line
    assert "\n" not in line and "\r" not in line
    assert len(line) <= MAX_ERROR_LENGTH


def test_a_provider_error_chains_to_nothing_that_holds_the_key(provider: StandIn) -> None:
    """The SDK's exception keeps its request, Authorization header and all: the one-line
    error must not reach it through ``__context__`` (a debugger, sentry, a chain walker)."""
    provider.refuse_with = 401
    try:
        complete(
            PROVIDERS["openai"], "m", [{"role": "user", "content": "x"}],
            key=KEY, base_url=provider.openai_url,
        )  # fmt: skip
    except ProviderError as error:
        assert error.__context__ is None and error.__cause__ is None
        assert KEY not in str(error) and error.status_code == 401
    else:
        raise AssertionError("the refusal was not raised")


def test_an_encoded_echo_or_terminal_control_from_the_provider_is_scrubbed() -> None:
    import base64
    from urllib.parse import quote

    key = "sk-a+b/c=d.e_f~g:h"
    b64 = base64.b64encode(key.encode()).decode()
    echo = f"bad key {quote(key, safe='')} (b64 {b64}) \x1b]0;owned\x07 ::error::x"
    line = scrubbed(echo, key)
    assert quote(key, safe="") not in line and b64.rstrip("=") not in line
    assert "\x1b" not in line and "\x07" not in line and "::error" not in line
