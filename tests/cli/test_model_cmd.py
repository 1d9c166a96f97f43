"""`kitaru model register/list/remove/check` in-process: JSON contracts, exit codes, and
no value in any output (key names only)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

import kitaru
from tests.conftest import Cli, KitaruEnv, all_output
from tests.llm.conftest import llm_config  # noqa: F401 - the fixture, shared

ALIAS_FIELDS = {"alias", "model", "provider", "secret", "base_url", "default", "source"}


@pytest.fixture
def model_cli(embedded_store: KitaruEnv, llm_config: Path) -> Cli:  # noqa: F811
    kitaru.list_secrets()  # ZenML's first-run chatter happens outside the runner
    return Cli()


def test_register_list_remove_json_contracts(model_cli: Cli, llm_config: Path) -> None:  # noqa: F811
    value = f"sk-canary-{uuid.uuid4().hex}"
    kitaru.create_secret("openai-creds", {"OPENAI_API_KEY": value})
    first = model_cli(
        "model", "register", "Fast", "--model", "openai/gpt-4o-mini",
        "--secret", "openai-creds", "-o", "json",
    )  # fmt: skip
    assert first.exit_code == 0, first.stderr
    assert first.stderr == (
        "Warning: linked secret 'openai-creds' is public: any user of the server can replace "
        "its key and receive your prompts (link a private secret)\n"
    )
    assert json.loads(first.stdout) == {
        "alias": "fast",
        "model": "openai/gpt-4o-mini",
        "provider": "openai",
        "secret": "openai-creds",
        "base_url": None,
        "default": True,
        "source": "file",
        "created": True,
    }
    second = model_cli(
        "model", "register", "local", "--model", "ollama/llama3",
        "--base-url", "http://127.0.0.1:11434/v1",
    )  # fmt: skip
    assert second.exit_code == 0
    assert second.stdout == "Registered alias 'local' -> ollama/llama3\n"
    listed = model_cli("model", "list", "-o", "json")
    payload = json.loads(listed.stdout)
    assert payload["default"] == "fast"
    assert payload["registry"] == str(llm_config / "kitaru.yaml")
    assert [a["alias"] for a in payload["aliases"]] == ["fast", "local"]
    assert all(set(a) == ALIAS_FIELDS for a in payload["aliases"])
    assert payload["aliases"][1]["base_url"] == "http://127.0.0.1:11434/v1"
    text = model_cli("model", "list").stdout
    assert text.splitlines()[0] == "* fast  openai/gpt-4o-mini  secret=openai-creds"
    clear = model_cli(
        "model", "register", "proxy", "--model", "openai/x", "--base-url", "http://10.0.0.5/v1"
    )
    assert clear.exit_code == 0
    assert clear.stderr == (
        "Warning: base URL is http:// to another host: the key and prompts travel unencrypted\n"
    )
    removed = model_cli("model", "remove", "local", "-o", "json")
    assert json.loads(removed.stdout) == {"alias": "local", "removed": True}
    assert value not in all_output([first, second, listed, removed])
    assert value not in (llm_config / "kitaru.yaml").read_text()


def test_register_refuses_a_secret_that_does_not_exist_and_writes_nothing(
    model_cli: Cli,
    llm_config: Path,  # noqa: F811
) -> None:
    result = model_cli("model", "register", "fast", "--model", "openai/x", "--secret", "nope")
    assert result.exit_code == 1
    assert result.stderr == "Error: no secret 'nope' found\n"
    assert not (llm_config / "kitaru.yaml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["Bad Alias", "--model", "openai/x"],
            "alias (a 9-character string, not shown) is not valid",
        ),
        (["fast", "--model", "gpt-4o"], "model 'gpt-4o' is not PROVIDER/MODEL"),
        (["fast", "--model", "openai/x", "--base-url", "ftp://x"], "--base-url must be"),
    ],
)
def test_bad_register_input_is_one_line_exit_2(
    model_cli: Cli, args: list[str], message: str
) -> None:
    result = model_cli("model", "register", *args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_check_names_each_broken_alias_with_key_names_only(
    model_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = f"sk-canary-{uuid.uuid4().hex}"
    kitaru.create_secret("good-creds", {"OPENAI_API_KEY": value})
    kitaru.create_secret("wrong-creds", {"OPENAI_API_KEY": value})
    for alias, model, secret in [
        ("good", "openai/gpt-4o-mini", "good-creds"),
        ("wrongkey", "anthropic/claude-sonnet-4-5", "wrong-creds"),
        ("gone", "openai/gpt-4o-mini", "good-creds"),
        ("envonly", "openrouter/meta/llama", None),
        ("local", "ollama/llama3", None),
    ]:
        extra = ["--secret", secret] if secret else []
        assert model_cli("model", "register", alias, "--model", model, *extra).exit_code == 0
    kitaru.delete_secret("good-creds")
    kitaru.create_secret("good-creds", {"OPENAI_API_KEY": value})  # same name: still fine
    monkeypatch.setenv(
        "KITARU_MODEL_REGISTRY",
        json.dumps({"aliases": {"gone": {"model": "openai/x", "secret": "deleted-creds"}}}),
    )
    result = model_cli("model", "check", "-o", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    problems = {a["alias"]: a["problem"] for a in payload["aliases"]}
    assert problems == {
        "envonly": "no linked secret, and OPENROUTER_API_KEY is not set (link one: --secret)",
        "gone": "linked secret 'deleted-creds' not found",
        "good": None,
        "local": None,
        "wrongkey": "linked secret 'wrong-creds' has no key ANTHROPIC_API_KEY",
    }
    assert set(payload["aliases"][0]) == {
        "alias", "model", "secret", "key", "ok", "problem", "warning",
    }  # fmt: skip
    warnings = {a["alias"]: a["warning"] for a in payload["aliases"] if a["warning"]}
    assert list(warnings) == ["good"] and "public" in warnings["good"]  # created public
    assert result.stderr == "Error: broken model aliases: 'envonly', 'gone', 'wrongkey'\n"
    monkeypatch.setenv("OPENROUTER_API_KEY", value)
    monkeypatch.delenv("KITARU_MODEL_REGISTRY")
    kitaru.set_secret("wrong-creds", {"ANTHROPIC_API_KEY": value})
    fixed = model_cli("model", "check")
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert fixed.stdout.splitlines()[0] == "ok   envonly (openrouter/meta/llama)"
    assert value not in all_output([result, fixed])


def test_list_and_check_of_an_empty_registry(model_cli: Cli) -> None:
    assert json.loads(model_cli("model", "list", "-o", "json").stdout)["aliases"] == []
    checked = model_cli("model", "check", "-o", "json")
    assert checked.exit_code == 0 and json.loads(checked.stdout) == {"ok": True, "aliases": []}


def test_a_key_typed_in_the_wrong_place_is_never_echoed(model_cli: Cli) -> None:
    key = "sk-proj-Zq81xYt0aBcDeFgHiJkLmNoP9qRsTuVw"
    results = [
        model_cli("model", "register", key, "--model", "openai/x"),
        model_cli("model", "register", "fast", "--model", key),
        model_cli("model", "register", "fast", "--model", "openai/x", "--secret", key),
        model_cli("model", "register", "fast", "--model", "openai/x", "--base-url", key),
        model_cli("model", "remove", key),
    ]
    assert all(r.exit_code in (1, 2) for r in results)
    assert key not in all_output(results)
