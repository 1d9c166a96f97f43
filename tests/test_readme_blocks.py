"""The README's code blocks do what the README says, run as a user would run them.

Blocks run here: "Secrets by hand" (bash, top to bottom, real console script), the SDK
block, the checkpoint/flow block (a real ZenML run), the manifest example (validated),
the MCP config (its command exists) and the model walk-through (bash, then its flow, against
a provider stand-in on 127.0.0.1). Run elsewhere: the two commands at the top
(`.ci/run` and `.ci/main-job`), the pre-commit snippet (tests/checks/test_hooks.py).
Not run: `pip install` from GitHub and the server walk-through (no network or server login
here), the benchmark command (~15 minutes; `benchmarks/` is its own check).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import yaml

from tests.conftest import PYTHON, REPO, KitaruEnv

README = (REPO / "README.md").read_text()
BIN = Path(PYTHON).parent


def block_after(heading: str, language: str) -> str:
    """The first ``language`` block after ``heading``."""
    section = README[README.index(heading) :]
    match = re.search(rf"```{language}\n(.*?)```", section, re.DOTALL)
    assert match, f"no {language} block after {heading!r}"
    return match.group(1)


def test_secrets_by_hand_runs_top_to_bottom_with_the_intended_result(
    embedded_store: KitaruEnv, tmp_path: Path
) -> None:
    script = block_after("## Secrets by hand", "bash")
    folder = tmp_path / "empty"
    folder.mkdir()
    env = {**embedded_store.env, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(re.search(r"^\[.*?^\]$", result.stdout, re.DOTALL | re.M).group(0))
    assert {(s["name"], s["private"]) for s in listed} == {
        ("openai-creds", False),
        ("team-openai", True),
        ("github-creds", False),
        ("app-creds", False),
    }
    from kitaru import get_secret, list_secrets

    assert {s.name for s in list_secrets()} == {"team-openai", "github-creds", "app-creds"}
    assert get_secret("github-creds").values == {"GITHUB_TOKEN": "ghp-placeholder-from-env"}
    assert get_secret("app-creds").values == {"APP_USER": "me", "APP_PASSWORD": "placeholder"}
    assert get_secret("team-openai").private
    # `show` without --show-values printed no value; with it, only the asked-for secret's
    shown_plain = result.stdout.split("name:       team-openai", 1)[1].split("name:", 1)[0]
    assert "sk-placeholder" not in shown_plain
    assert "GITHUB_TOKEN=ghp-placeholder-from-env" in result.stdout


def test_the_sdk_block_runs_as_written(embedded_store: KitaruEnv) -> None:
    code = block_after("## Python SDK", "python")
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md (Python SDK)", "exec"), namespace)
    from kitaru import list_secrets

    assert namespace["token"] == "ghp_..."
    assert list_secrets() == []  # the block deletes what it created


def test_the_checkpoint_block_runs_a_flow(embedded_store: KitaruEnv) -> None:
    code = block_after("## Secrets in checkpoints and flows", "python")
    program = (
        "from kitaru import create_secret\n"
        "create_secret('github-creds', {'GITHUB_TOKEN': 'ghp-readme-flow'})\n"
        + code
        + "\nprint('status', run.status)\n"
    )
    script = embedded_store.root / "readme_flow.py"  # ZenML wants a file for its source root
    script.write_text(program)
    result = subprocess.run(
        [PYTHON, str(script)],
        env=embedded_store.env,
        cwd=embedded_store.root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "status completed" in result.stdout
    assert "ghp-readme-flow" not in result.stdout + result.stderr


def test_the_manifest_example_validates(tmp_path: Path) -> None:
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(block_after("## Secrets from a manifest", "yaml"))
    result = subprocess.run(
        [str(BIN / "kitaru"), "secrets", "validate", str(manifest)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_mcp_config_names_the_installed_command() -> None:
    config = json.loads(block_after("## MCP server", "json"))
    server = config["mcpServers"]["kitaru"]
    assert (BIN / server["command"]).exists()
    assert server["args"][0] == "--root"
    assert yaml.safe_load(json.dumps(server["env"]))  # plain strings, valid as given


def test_the_llm_walk_through_runs_against_a_stand_in_provider(
    embedded_store: KitaruEnv, tmp_path: Path
) -> None:
    """Secret -> alias -> kitaru.llm() in a flow, as written, with the real OpenAI SDK
    pointed at a provider stand-in on 127.0.0.1 (the environment's base URL)."""
    from tests.llm.provider_server import start

    provider = start()
    try:
        env = {
            **embedded_store.env,
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "KITARU_CONFIG_PATH": str(tmp_path / "kitaru-config"),
            "OPENAI_BASE_URL": provider.openai_url,
        }
        env.pop("OPENAI_API_KEY", None)
        commands = block_after("## Models and `kitaru.llm()`", "bash")
        shell = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", commands],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert shell.returncode == 0, shell.stderr
        assert "* fast  openai/gpt-4o-mini  secret=openai-creds" in shell.stdout
        assert "ok   fast (openai/gpt-4o-mini)" in shell.stdout
        code = block_after("## Models and `kitaru.llm()`", "python")
        script = embedded_store.root / "readme_llm.py"
        script.write_text(code + "\nprint('status', run.status)\n")
        result = subprocess.run(
            [PYTHON, str(script)],
            env=env,
            cwd=embedded_store.root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "status completed" in result.stdout
        assert provider.keys_seen() == ["Bearer sk-placeholder"] * 2
        prompts = [r.body["messages"][-1]["content"] for r in provider.received]
        assert prompts == [
            "Write a haiku about secrets.",
            "Review this haiku: echo: Write a haiku about secrets.",
        ]
    finally:
        provider.stop()
