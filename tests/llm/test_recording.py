"""``llm()`` in real flow runs on the embedded store: a flow-body call is its own step, a
checkpoint's calls run inline; prompts, responses and ``llm_calls`` are recorded, the key
nowhere ZenML keeps things."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

import kitaru
from kitaru.errors import SecretLeakError
from kitaru.llm.registry import register
from tests.conftest import KitaruEnv
from tests.llm import workflows
from tests.llm.provider_server import StandIn


def files_containing(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def output(run: Any, step: str) -> Any:
    """A step's return value (its prompts and responses are linked outputs beside it)."""
    return run.steps[step].outputs["output"][0].load()


def test_a_flow_records_each_call_and_stores_no_key(
    embedded_store: KitaruEnv, provider: StandIn, llm_config: Path
) -> None:
    key = f"sk-canary-{uuid.uuid4().hex}"
    kitaru.create_secret("openai-creds", {"OPENAI_API_KEY": key}, private=True)
    register("fast", "openai/gpt-4o-mini", secret="openai-creds")
    run = workflows.writing_flow()
    from zenml.client import Client

    run = Client().get_pipeline_run(run.id)
    assert str(run.status) in ("completed", "ExecutionStatus.COMPLETED")
    assert set(run.steps) == {"writer", "review"}
    assert output(run, "writer") == "echo: write a haiku"
    assert output(run, "review") == ("echo: review: echo: write a haiku | echo: shorten it")
    assert all(key in seen for seen in provider.keys_seen()) and len(provider.received) == 3
    calls = run.steps["review"].run_metadata["llm_calls"]
    assert [c["name"] for c in calls] == ["reviewer", "fast"]
    first = calls[0]
    assert first["model"] == "openai/gpt-4o-mini" and first["alias"] == "fast"
    assert first["credential_source"] == "secret"
    assert (first["input_tokens"], first["output_tokens"]) == (7, 3)
    assert first["latency_ms"] >= 0
    writer = run.steps["writer"].run_metadata["llm_calls"]
    assert [c["name"] for c in writer] == ["writer"]
    client = Client()
    prompt = client.get_artifact_version("reviewer_prompt").load()
    assert prompt == [{"role": "user", "content": "review: echo: write a haiku"}]
    assert client.get_artifact_version("reviewer_response").load() == (
        "echo: review: echo: write a haiku"
    )
    assert client.get_artifact_version("fast_prompt").load()[0] == {
        "role": "system",
        "content": "terse",
    }
    # The canary key: in no artifact, metadata row, step log or config file.
    for root in (embedded_store.root, llm_config):
        assert files_containing(root, key.encode()) == []


def test_mock_mode_records_as_usual(
    embedded_store: KitaruEnv, llm_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITARU_LLM_MOCK_RESPONSE", "mocked")
    register("fast", "openai/gpt-4o-mini", secret="never-read")
    run = workflows.writing_flow()
    from zenml.client import Client

    run = Client().get_pipeline_run(run.id)
    assert output(run, "review") == "mocked | mocked"
    calls = run.steps["review"].run_metadata["llm_calls"]
    assert {c["credential_source"] for c in calls} == {"mock"}


def test_a_prompt_holding_a_read_value_is_refused_before_it_is_sent(
    embedded_store: KitaruEnv, provider: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = f"ghp_{uuid.uuid4().hex}"
    kitaru.create_secret("github-creds", {"GITHUB_TOKEN": token})
    monkeypatch.setenv("OPENAI_API_KEY", f"sk-{uuid.uuid4().hex}")
    register("fast", "openai/gpt-4o-mini")
    with pytest.raises(SecretLeakError) as caught:
        workflows.leaking_prompt_flow()
    assert "the prompt holds the value of key 'GITHUB_TOKEN' of secret 'github-creds'" in str(
        caught.value
    )
    assert provider.received == []
    assert files_containing(embedded_store.root, token.encode()) == []
