"""The alias registry: its file, the environment's overlay, and which model a call uses."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kitaru.llm.errors import ModelAliasError, ModelRegistryError
from kitaru.llm.registry import (
    Alias,
    alias_name,
    config_dir,
    load_registry,
    register,
    registry_path,
    remove,
    resolve_model,
)


def test_the_config_dir_is_kitaru_then_zenml_then_the_app_dir(tmp_path: Path) -> None:
    assert config_dir({"KITARU_CONFIG_PATH": "/k", "ZENML_CONFIG_PATH": "/z"}) == Path("/k")
    assert config_dir({"ZENML_CONFIG_PATH": "/z"}) == Path("/z")
    home = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    old = dict(os.environ)
    try:
        os.environ.update(home)
        assert config_dir({}).name == "kitaru"
    finally:
        os.environ.clear()
        os.environ.update(old)


def test_the_file_has_the_documented_shape_and_the_first_alias_is_the_default(
    llm_config: Path,
) -> None:
    first = register("Fast", "openai/gpt-4o-mini", secret="openai-creds")
    second = register("smart", "anthropic/claude-sonnet-4-5", secret="anthropic-creds")
    assert first.default and first.created and not second.default
    path = llm_config / "kitaru.yaml"
    assert path == registry_path()
    assert yaml.safe_load(path.read_text()) == {
        "version": 1,
        "model_registry": {
            "aliases": {
                "fast": {"model": "openai/gpt-4o-mini", "secret": "openai-creds"},
                "smart": {"model": "anthropic/claude-sonnet-4-5", "secret": "anthropic-creds"},
            },
            "default": "fast",
        },
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = register("smart", "anthropic/claude-haiku-4-5", make_default=True)
    assert not again.created and again.default
    registry = load_registry()
    assert registry.default == "smart"
    assert registry.aliases["smart"] == Alias("smart", "anthropic/claude-haiku-4-5")
    assert remove("SMART").name == "smart"
    assert load_registry().default is None  # removing the default leaves none
    with pytest.raises(ModelAliasError, match="no model alias 'smart'"):
        remove("smart")


def test_other_content_of_kitaru_yaml_is_kept(llm_config: Path) -> None:
    llm_config.mkdir(mode=0o700)
    path = llm_config / "kitaru.yaml"
    path.write_text("version: 1\nproject: demo\n")
    path.chmod(0o600)
    register("fast", "openai/gpt-4o-mini")
    assert yaml.safe_load(path.read_text())["project"] == "demo"


def test_the_environment_adds_and_overrides_aliases_by_name(
    llm_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register("fast", "openai/gpt-4o-mini", secret="file-creds")
    register("keep", "openai/gpt-4o")
    overlay = {
        "aliases": {
            "fast": {"model": "anthropic/claude-haiku-4-5", "secret": "env-creds"},
            "remote": {"model": "ollama/llama3"},
        },
        "default": "remote",
    }
    monkeypatch.setenv("KITARU_MODEL_REGISTRY", json.dumps(overlay))
    registry = load_registry()
    assert registry.aliases["fast"] == Alias(
        "fast", "anthropic/claude-haiku-4-5", "env-creds", None, "environment"
    )
    assert registry.aliases["keep"].source == "file"
    assert registry.default == "remote"
    # The full document's shape works too.
    monkeypatch.setenv(
        "KITARU_MODEL_REGISTRY", json.dumps({"version": 1, "model_registry": overlay})
    )
    assert load_registry().default == "remote"


def test_explicit_model_then_kitaru_default_model_then_the_default_alias(
    llm_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register("fast", "openai/gpt-4o-mini")
    register("smart", "anthropic/claude-sonnet-4-5")
    registry = load_registry()
    assert resolve_model(None, registry).alias == registry.aliases["fast"]
    monkeypatch.setenv("KITARU_DEFAULT_MODEL", "smart")
    assert resolve_model(None, registry).model == "anthropic/claude-sonnet-4-5"
    assert resolve_model("fast", registry).model == "openai/gpt-4o-mini"
    direct = resolve_model("openai/gpt-4.1", registry)
    assert direct.alias is None and direct.model == "openai/gpt-4.1"
    monkeypatch.setenv("KITARU_DEFAULT_MODEL", "anthropic/claude-haiku-4-5")
    assert resolve_model(None, registry).model == "anthropic/claude-haiku-4-5"


def test_no_model_anywhere_and_unknown_aliases_are_one_line(llm_config: Path) -> None:
    empty = load_registry()
    with pytest.raises(ModelAliasError, match="no model given and no default"):
        resolve_model(None, empty)
    with pytest.raises(ModelAliasError, match="no model alias 'nope'"):
        resolve_model("nope", empty)
    with pytest.raises(ModelAliasError, match="known provider"):
        resolve_model("mistral/large", empty)


@pytest.mark.parametrize(
    "text",
    ["{not json", '["a list"]', '{"aliases": {"x": {"model": "nope"}}}', '{"aliases": 3}'],
)
def test_a_bad_environment_registry_is_one_line_quoting_nothing(
    llm_config: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("KITARU_MODEL_REGISTRY", text)
    with pytest.raises(ModelRegistryError) as caught:
        load_registry()
    message = str(caught.value)
    assert message.startswith("KITARU_MODEL_REGISTRY") and "\n" not in message
    assert "not json" not in message


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_a_registry_file_others_can_write_is_not_used(llm_config: Path, mode: int) -> None:
    """It decides where a key goes (the secret, the endpoint): trusted like ssh's files."""
    register("fast", "openai/gpt-4o-mini")
    assert load_registry().default == "fast"  # parsed and kept: a mode change still counts
    path = llm_config / "kitaru.yaml"
    path.chmod(mode)
    with pytest.raises(ModelRegistryError, match="writable by group or others"):
        load_registry()
    path.chmod(0o600)
    llm_config.chmod(0o777)
    try:
        with pytest.raises(ModelRegistryError, match="writable by group or others"):
            register("other", "openai/gpt-4o")
    finally:
        llm_config.chmod(0o700)


def test_a_symlinked_registry_file_is_not_followed(llm_config: Path, tmp_path: Path) -> None:
    llm_config.mkdir(mode=0o700)
    target = tmp_path / "elsewhere.yaml"
    target.write_text("model_registry: {aliases: {}}\n")
    (llm_config / "kitaru.yaml").symlink_to(target)
    with pytest.raises(ModelRegistryError, match="cannot read"):
        load_registry()


def test_a_fifo_registry_file_is_refused_at_once(llm_config: Path) -> None:
    """Opening a FIFO nobody writes would block `kitaru model` (and a Tab press) forever."""
    llm_config.mkdir(mode=0o700)
    fifo = llm_config / "kitaru.yaml"
    os.mkfifo(fifo, 0o600)
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            load_registry()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(5)
    blocked = reader.is_alive()
    if blocked:  # release the blocked open, then fail
        os.close(os.open(fifo, os.O_WRONLY))
        reader.join(10)
    assert not blocked
    assert len(outcome) == 1 and isinstance(outcome[0], ModelRegistryError)
    assert "is not a file" in str(outcome[0])
    assert not reader.is_alive()


@given(st.text(max_size=80))
def test_alias_names_follow_one_rule(name: str) -> None:
    try:
        accepted = alias_name(name)
    except ModelAliasError as error:
        assert "\n" not in str(error)
        return
    assert accepted == name.strip().lower()
    assert accepted[0].isalnum() and set(accepted) <= set("abcdefghijklmnopqrstuvwxyz0123456789_-")


KEY = "sk-proj-Zq81xYt0aBcDeFgHiJkLmNoPqr"


@pytest.mark.parametrize(
    ("model", "base_url"),
    [
        ("openai/gpt-4o-mini", f"https://proxy.example/v1?key={KEY}"),
        ("openai/gpt-4o-mini", f"https://user:{KEY}@proxy.example/v1"),
        ("openai/gpt-4o-mini", "https://user:hunter2@proxy.example/v1"),
        (f"openai/{KEY}", None),
    ],
)
def test_a_key_pasted_into_the_model_or_base_url_is_never_stored(
    llm_config: Path, monkeypatch: pytest.MonkeyPatch, model: str, base_url: str | None
) -> None:
    """`model list`, the MCP tool and the file itself would show it to anyone."""
    with pytest.raises(ModelAliasError) as caught:
        register("fast", model, base_url=base_url)
    assert KEY not in str(caught.value) and "hunter2" not in str(caught.value)
    assert not registry_path().exists()
    entry = {"model": model, **({"base_url": base_url} if base_url else {})}
    monkeypatch.setenv("KITARU_MODEL_REGISTRY", json.dumps({"aliases": {"fast": entry}}))
    with pytest.raises(ModelRegistryError) as refused:
        load_registry()
    assert KEY not in str(refused.value) and "hunter2" not in str(refused.value)


def test_ordinary_models_and_endpoints_are_kept(llm_config: Path) -> None:
    for model, url in [
        ("openai/ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:9abcDEF1", None),
        ("openrouter/meta-llama/llama-3.1-8b-instruct", "https://openrouter.ai/api/v1"),
        ("ollama/qwen2.5-coder:32b-instruct-q4_K_M", "http://10.0.0.5:11434/v1"),
        ("openai/gpt4o", "https://my-res.openai.azure.com/openai/deployments/gpt4o-eastus2"),
    ]:
        assert register("a", model, base_url=url).alias.base_url == url
