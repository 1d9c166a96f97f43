"""``kitaru model check``'s verdict per alias, from key names and visibility only."""

from __future__ import annotations

from kitaru.llm.check import check_alias
from kitaru.llm.registry import Alias
from kitaru.secret_models import SecretSummary

ALIAS = Alias("fast", "openai/gpt-4o-mini", secret="team-llm")


def summary(private: bool) -> SecretSummary:
    return SecretSummary(name="team-llm", id="1", private=private, keys=["OPENAI_API_KEY"])


def test_a_public_linked_secret_passes_with_a_warning() -> None:
    """Any user of the server can swap the key of a public secret, sending your prompts
    (and bill) to their account: check says so without failing a shared team key."""
    public = check_alias(ALIAS, lambda _: summary(False), {})
    assert public.ok and public.warning is not None
    assert "'team-llm' is public" in public.warning and "private" in public.warning
    private = check_alias(ALIAS, lambda _: summary(True), {})
    assert private.ok and private.warning is None


def test_an_http_endpoint_off_this_machine_is_warned_about() -> None:
    def warning(model: str, url: str | None) -> str | None:
        alias = Alias("a", model, base_url=url)
        return check_alias(alias, lambda _: summary(True), {"OPENAI_API_KEY": "k"}).warning

    assert "unencrypted" in (warning("openai/x", "http://10.0.0.5:4000/v1") or "")
    assert "unencrypted" in (warning("openai/x", "HTTP://proxy.example/v1") or "")
    for url in (
        None,
        "https://proxy.example/v1",
        "http://localhost:4000/v1",
        "http://127.0.0.1:8080",
        "http://[::1]:4000/v1",
        "http://127.5.5.5/v1",
    ):
        assert warning("openai/x", url) is None, url
    assert warning("ollama/llama3", "http://gpu-box:11434/v1") is None  # no key to send
