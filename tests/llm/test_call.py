"""``llm()`` outside a flow: the real SDKs against a stand-in provider on 127.0.0.1.

Alias -> linked secret -> the header the server received; the environment's key first;
nothing a secret holds besides the provider's key moves the call; each error one line.
"""

from __future__ import annotations

import os
import sys
import uuid

import pytest

import kitaru
from kitaru.errors import UsageError
from kitaru.llm import credentials
from kitaru.llm.errors import LLMCredentialsError, MissingExtraError, ProviderError
from kitaru.llm.registry import register
from tests.conftest import KitaruEnv
from tests.llm.provider_server import StandIn, start


def canary(prefix: str = "sk-canary") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


@pytest.fixture
def store(embedded_store: KitaruEnv, provider: StandIn) -> KitaruEnv:
    return embedded_store


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the secrets kitaru reads values of, from now on."""
    from kitaru import secrets

    seen: list[str] = []
    monkeypatch.setattr(secrets, "_read_observers", [*secrets._read_observers])
    secrets.add_read_observer(lambda secret: seen.append(secret.name))
    return seen


@pytest.mark.parametrize(
    ("model", "variable", "path"),
    [
        ("openai/gpt-4o-mini", "OPENAI_API_KEY", "/v1/chat/completions"),
        ("anthropic/claude-sonnet-4-5", "ANTHROPIC_API_KEY", "/v1/messages"),
    ],
)
def test_alias_to_secret_to_the_header_the_provider_received(
    store: KitaruEnv, provider: StandIn, model: str, variable: str, path: str
) -> None:
    key = canary()
    kitaru.create_secret("llm-creds", {variable: key}, private=True)
    register("fast", model, secret="llm-creds")
    assert kitaru.llm("hello", model="fast") == "echo: hello"
    (request,) = provider.received
    assert request.path == path
    assert key in provider.keys_seen()[0]
    assert request.body["model"] == model.split("/", 1)[1]
    assert variable not in os.environ  # handed to the SDK client, not the environment


def test_the_environment_key_wins_and_the_secret_is_not_read(
    store: KitaruEnv, provider: StandIn, monkeypatch: pytest.MonkeyPatch, reads: list[str]
) -> None:
    kitaru.create_secret("llm-creds", {"OPENAI_API_KEY": canary("sk-from-secret")})
    register("fast", "openai/gpt-4o-mini", secret="llm-creds")
    env_key = canary("sk-from-env")
    monkeypatch.setenv("OPENAI_API_KEY", env_key)
    assert kitaru.llm("hi", model="fast") == "echo: hi"
    assert provider.keys_seen() == [f"Bearer {env_key}"]
    assert reads == []
    register("ghost", "openai/gpt-4o-mini", secret="no-such-secret")  # never looked up
    assert kitaru.llm("hi", model="ghost") == "echo: hi"


def test_only_the_provider_key_comes_from_the_secret(store: KitaruEnv, provider: StandIn) -> None:
    """A co-user who can write the (public) secret adds endpoints and proxies: the call
    still goes where the environment says, and nothing of the secret enters os.environ."""
    elsewhere = start()
    try:
        key = canary()
        planted = {
            "OPENAI_API_KEY": key,
            "ANTHROPIC_API_KEY": key,
            "OPENAI_BASE_URL": elsewhere.openai_url,
            "ANTHROPIC_BASE_URL": elsewhere.url,
            "HTTPS_PROXY": elsewhere.url,
            "HTTP_PROXY": elsewhere.url,
            "OLLAMA_HOST": elsewhere.url,
        }
        kitaru.create_secret("shared-llm", planted)
        environ_before = dict(os.environ)
        register("gpt", "openai/gpt-4o-mini", secret="shared-llm")
        register("claude", "anthropic/claude-sonnet-4-5", secret="shared-llm")
        assert kitaru.llm("a", model="gpt") == "echo: a"
        assert kitaru.llm("b", model="claude") == "echo: b"
        assert len(provider.received) == 2 and elsewhere.received == []
        assert dict(os.environ) == environ_before
    finally:
        elsewhere.stop()


def test_the_secret_is_read_once_and_again_after_the_provider_refuses_it(
    store: KitaruEnv, provider: StandIn, reads: list[str]
) -> None:
    kitaru.create_secret("llm-creds", {"OPENAI_API_KEY": canary()})
    register("fast", "openai/gpt-4o-mini", secret="llm-creds")
    kitaru.llm("1", model="fast")
    kitaru.llm("2", model="fast")
    assert reads == ["llm-creds"]
    provider.refuse_with = 401
    with pytest.raises(ProviderError):
        kitaru.llm("3", model="fast")
    provider.refuse_with = None
    kitaru.llm("4", model="fast")
    assert reads == ["llm-creds", "llm-creds"]


@pytest.mark.parametrize("model", ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5"])
def test_a_provider_error_is_one_line_without_the_key(
    store: KitaruEnv, provider: StandIn, model: str
) -> None:
    key = canary()
    variable = "OPENAI_API_KEY" if model.startswith("openai") else "ANTHROPIC_API_KEY"
    kitaru.create_secret("llm-creds", {variable: key})
    register("fast", model, secret="llm-creds")
    provider.refuse_with = 401
    with pytest.raises(ProviderError) as caught:
        kitaru.llm("hi", model="fast")
    message = str(caught.value)
    assert key in provider.keys_seen()[0]  # the server had it and quoted it back
    assert "\n" not in message and "(HTTP 401)" in message
    assert key not in message and "***" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_no_credentials_and_no_linked_secret(provider: StandIn) -> None:
    register("fast", "openai/gpt-4o-mini")
    with pytest.raises(LLMCredentialsError) as caught:
        kitaru.llm("hi", model="fast")
    assert str(caught.value) == (
        "no credentials for alias 'fast' (openai/gpt-4o-mini): set OPENAI_API_KEY, or link a "
        "secret holding it (kitaru model register fast --model openai/gpt-4o-mini --secret NAME)"
    )
    with pytest.raises(LLMCredentialsError, match="set ANTHROPIC_API_KEY"):
        kitaru.llm("hi", model="anthropic/claude-sonnet-4-5")
    assert provider.received == []


def test_a_linked_secret_that_is_missing_or_lacks_the_key(
    store: KitaruEnv, provider: StandIn
) -> None:
    register("gone", "openai/gpt-4o-mini", secret="deleted-creds")
    with pytest.raises(LLMCredentialsError) as caught:
        kitaru.llm("hi", model="gone")
    assert str(caught.value).startswith(
        "secret 'deleted-creds' linked to alias 'gone' not found (set OPENAI_API_KEY"
    )
    value = canary()
    kitaru.create_secret("wrong-creds", {"ANTHROPIC_API_KEY": value})
    register("wrong", "openai/gpt-4o-mini", secret="wrong-creds")
    with pytest.raises(LLMCredentialsError) as caught:
        kitaru.llm("hi", model="wrong")
    assert str(caught.value) == (
        "secret 'wrong-creds' linked to alias 'wrong' has no key OPENAI_API_KEY "
        "(add it: kitaru secrets set NAME --OPENAI_API_KEY=-)"
    )
    assert value not in str(caught.value) and provider.received == []


def test_a_missing_extra_names_the_pip_install(
    provider: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", canary())
    monkeypatch.setenv("ANTHROPIC_API_KEY", canary())
    monkeypatch.setitem(sys.modules, "openai", None)  # what an environment without it sees
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(MissingExtraError) as caught:
        kitaru.llm("hi", model="openai/gpt-4o-mini")
    assert str(caught.value) == ("openai/ models need the openai SDK: pip install 'kitaru[openai]'")
    with pytest.raises(MissingExtraError, match=r"pip install 'kitaru\[anthropic\]'"):
        kitaru.llm("hi", model="anthropic/claude-sonnet-4-5")
    with pytest.raises(MissingExtraError, match=r"ollama/ models need the openai SDK"):
        kitaru.llm("hi", model="ollama/llama3")


def test_mock_mode_needs_no_credentials_or_network(
    provider: StandIn, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from kitaru.llm import call

    monkeypatch.setenv("KITARU_LLM_MOCK_RESPONSE", "mocked answer")
    monkeypatch.setattr(call, "_mock_warned", call.threading.Event())
    register("fast", "openai/gpt-4o-mini", secret="not-even-a-store-lookup")
    with caplog.at_level("WARNING", logger="kitaru"):
        assert kitaru.llm("hi", model="fast") == "mocked answer"
        assert kitaru.llm("hi") == "mocked answer"  # the default alias
        assert kitaru.llm("hi", model="anything-at-all") == "mocked answer"
    assert provider.received == []
    # Left set in production it would answer silently: said once per process.
    assert [r.getMessage() for r in caplog.records] == [
        "KITARU_LLM_MOCK_RESPONSE is set: llm() answers with its text and calls no model"
    ]


def test_options_messages_and_system_reach_each_api(
    provider: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", canary())
    monkeypatch.setenv("ANTHROPIC_API_KEY", canary())
    chat = [
        {"role": "user", "content": "q1"},
        {"role": "assistant", "content": "a1"},
        {"role": "user", "content": "q2"},
    ]
    kitaru.llm(chat, model="openai/gpt-4o-mini", system="terse", temperature=0.2, max_tokens=9)
    kitaru.llm(chat, model="anthropic/claude-x", system="terse", temperature=0.2, max_tokens=9)
    openai_body, anthropic_body = (r.body for r in provider.received)
    assert openai_body["messages"] == [{"role": "system", "content": "terse"}, *chat]
    assert openai_body["temperature"] == 0.2 and openai_body["max_completion_tokens"] == 9
    assert anthropic_body["system"] == "terse" and anthropic_body["messages"] == chat
    assert anthropic_body["temperature"] == 0.2 and anthropic_body["max_tokens"] == 9


def test_ollama_and_openrouter_speak_the_openai_api(
    provider: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", provider.url.removeprefix("http://"))
    assert kitaru.llm("local", model="ollama/llama3", max_tokens=3) == "echo: local"
    key = canary("sk-or")
    monkeypatch.setenv("OPENROUTER_API_KEY", key)
    monkeypatch.setenv("OPENROUTER_BASE_URL", provider.openai_url)
    assert kitaru.llm("routed", model="openrouter/meta-llama/llama-3") == "echo: routed"
    ollama, router = provider.received
    assert ollama.path == "/v1/chat/completions" and ollama.body["max_tokens"] == 3
    assert router.body["model"] == "meta-llama/llama-3"
    assert router.headers["authorization"] == f"Bearer {key}"


def test_bad_prompts_are_one_line(llm_config: object) -> None:
    for prompt in (42, [{"role": "robot", "content": "x"}], [], [{"role": "user"}]):
        with pytest.raises(UsageError) as caught:
            kitaru.llm(prompt, model="openai/x")  # type: ignore[arg-type]
        assert "\n" not in str(caught.value)


def test_outside_a_flow_a_checkpoint_calls_llm_plainly(provider: StandIn) -> None:
    os.environ["OPENAI_API_KEY"] = canary()
    try:

        @kitaru.checkpoint
        def summarize(text: str) -> str:
            return kitaru.llm(f"summarize: {text}", model="openai/gpt-4o-mini")

        assert summarize("doc") == "echo: summarize: doc"
    finally:
        del os.environ["OPENAI_API_KEY"]
    assert credentials.SECRET == "secret"
