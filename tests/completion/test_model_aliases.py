"""Model alias names from the local registry file and KITARU_MODEL_REGISTRY."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kitaru.completion.model_aliases import alias_names

REGISTRY = """version: 1
model_registry:
  aliases:
    fast: {model: openai/gpt-4o-mini, secret: openai-creds}
    smart: {model: anthropic/claude-sonnet-4, secret: anthropic-creds}
  default: fast
"""


def test_file_and_environment(tmp_path: Path) -> None:
    (tmp_path / "kitaru.yaml").write_text(REGISTRY)
    os.chmod(tmp_path / "kitaru.yaml", 0o600)
    env = {"KITARU_CONFIG_PATH": str(tmp_path)}
    assert sorted(alias_names(env)) == ["fast", "smart"]
    extra = {"model_registry": {"aliases": {"remote": {"model": "ollama/llama3"}}}}
    env["KITARU_MODEL_REGISTRY"] = json.dumps(extra)
    assert sorted(alias_names(env)) == ["fast", "remote", "smart"]
    env["KITARU_MODEL_REGISTRY"] = json.dumps({"aliases": {"inner": "openai/gpt-4o"}})
    assert "inner" in alias_names(env)
    env["KITARU_MODEL_REGISTRY"] = "{not json"
    assert sorted(alias_names(env)) == ["fast", "smart"]


def test_zenml_config_dir_when_kitaru_has_none(tmp_path: Path) -> None:
    (tmp_path / "kitaru.yaml").write_text(REGISTRY)
    os.chmod(tmp_path / "kitaru.yaml", 0o600)
    assert sorted(alias_names({"ZENML_CONFIG_PATH": str(tmp_path)})) == ["fast", "smart"]


def test_a_registry_others_may_write_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "kitaru.yaml").write_text(REGISTRY)
    os.chmod(tmp_path / "kitaru.yaml", 0o666)
    assert alias_names({"KITARU_CONFIG_PATH": str(tmp_path)}) == []
    assert alias_names({"KITARU_CONFIG_PATH": str(tmp_path / "none")}) == []
