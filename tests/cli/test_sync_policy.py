"""`plan`/`apply` refuse a manifest that breaks the team policy: exit 1, the findings on
stderr, and no store code even imported (a real process proves it); MCP's plan tool too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import kitaru.store
from tests.conftest import Cli
from tests.test_imports import imported_modules

POLICY = '[rules]\nmust-be-private = ["*-prod"]\nkey-pattern = "[A-Z_]+"\n'
BREAKS = "version: 1\nsecrets:\n  - name: db-prod\n    keys: [DB_URL, api_key]\n"
FINDINGS = [
    "secrets.yaml:3:11: KS503 secret 'db-prod' must be declared `private: true` "
    "(must-be-private '*-prod')",
    "secrets.yaml:4:20: KS202 warning: key api_key is not UPPER_CASE; environment variables "
    "are conventionally written API_KEY",
    "secrets.yaml:4:20: KS501 key api_key does not match the key-pattern",
]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "kitaru.toml").write_text(POLICY)
    (tmp_path / "secrets.yaml").write_text(BREAKS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_cli_refuses_with_the_findings_and_never_opens_the_store(
    repo: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> Any:
        raise AssertionError("the store was opened")

    monkeypatch.setattr(kitaru.store, "open_store", refuse)
    result = Cli()("secrets", command, "-f", "secrets.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-3:] == FINDINGS


def test_a_real_apply_imports_no_store_code_when_refused(repo: Path) -> None:
    probe = (
        "import sys\nfrom kitaru.cli.main import main\n"
        "try:\n    main(['secrets', 'apply', '-f', 'secrets.yaml'])\n"
        "except SystemExit as exit:\n    sys.stderr.write(f'exit={exit.code}\\n')\n"
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=repo,
        env={**os.environ, "ZENML_CONFIG_PATH": str(repo / "zenml-untouched")},
    )
    assert "exit=1" in result.stderr, result.stderr[-2000:]
    assert FINDINGS[0] in result.stderr
    modules = imported_modules(probe.replace("secrets.yaml", str(repo / "secrets.yaml")))
    assert "kitaru.config.options" in modules  # the policy ran
    # the pipeline's plain data types (kitaru.store.base ...) load with it; what opens a
    # store (selection, the REST and ZenML clients) and zenml itself never do
    opening = ("kitaru.store.selection", "kitaru.store.rest", "kitaru.store.zenml", "zenml")
    assert not {m for m in modules if m.startswith(opening)}
    assert not (repo / "zenml-untouched").exists()


def test_config_flag_and_a_broken_config(repo: Path) -> None:
    (repo / "lax.toml").write_text("")
    (repo / "bad.toml").write_text("ignore = 3\n")
    cli = Cli()
    broken = cli("secrets", "plan", "-f", "secrets.yaml", "--config", "bad.toml")
    assert broken.exit_code == 1
    assert "bad.toml: ignore must be a list of rule codes" in broken.stderr
    assert "Traceback" not in broken.stderr + broken.stdout


def test_mcp_plan_tool_refuses_without_touching_the_store(repo: Path) -> None:
    from kitaru.mcp.tools import SecretTools

    class Untouchable:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"store.{name} was used")

    tools = SecretTools(store=Untouchable(), root=repo)  # type: ignore[arg-type]
    result = tools.plan("secrets.yaml")
    assert result.is_error
    (block,) = result.content
    assert "KS503 secret 'db-prod' must be declared `private: true`" in block.text  # type: ignore[union-attr]
    assert "was used" not in block.text  # type: ignore[union-attr]


@pytest.mark.usefixtures("embedded_store")
def test_warnings_are_reported_and_the_plan_runs_on_a_real_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secrets.yaml").write_text(
        "version: 1\nsecrets:\n  - name: policy-warned\n    keys: [api_key]\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("api_key", "v")
    result = Cli()("secrets", "plan", "-f", "secrets.yaml")
    assert result.exit_code == 0, result.stderr
    assert "secrets.yaml:4:12: KS202 warning: key api_key is not UPPER_CASE" in result.stderr
    assert "policy-warned" in result.stdout


def test_several_f_are_planned_as_one_and_a_shared_secret_is_refused(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kitaru.store, "open_store", lambda: pytest.fail("store opened"))
    (repo / "kitaru.toml").write_text("")
    (repo / "other.yaml").write_text(BREAKS.replace("api_key", "API_KEY"))
    result = Cli()("secrets", "plan", "-f", "secrets.yaml", "-f", "other.yaml")
    assert result.exit_code == 1
    assert [line.split(": ")[1].split(" ")[0] for line in result.stderr.splitlines()[-2:]] == [
        "KS106",
        "KS106",
    ]
    assert (
        "secrets.yaml:3:5: KS106 public secret 'db-prod' is also declared in other.yaml:3:5"
        in result.stderr
    )
