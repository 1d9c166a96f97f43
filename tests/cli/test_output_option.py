"""-o/--output and --format are one option on every command that has an output format."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, Cli

SPELLINGS = [["-o", "json"], ["--output", "json"], ["--format", "json"], ["--output=json"]]


@pytest.mark.parametrize("command", ["validate", "validate-env"])
def test_validate_takes_every_spelling(command: str) -> None:
    target = "examples/secrets.yaml" if command == "validate" else "examples/.env.example"
    outputs = {
        Cli()("secrets", command, str(REPO / target), *spelling).stdout for spelling in SPELLINGS
    }
    assert len(outputs) == 1
    assert '"format_version": 1' in outputs.pop()


def test_store_commands_take_every_spelling(cli: Cli) -> None:
    assert cli("secrets", "set", "spelled", "--A=1", "-o", "json").exit_code == 0
    for command in (["list"], ["show", "spelled"]):
        outputs = {cli("secrets", *command, *spelling).stdout for spelling in SPELLINGS}
        assert len(outputs) == 1, command
        assert outputs.pop().lstrip().startswith(("[", "{"))


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_plan_and_apply_take_every_spelling(command: str, cli: Cli, tmp_path: Path) -> None:
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text("version: 1\nsecrets:\n  - name: spelled\n    keys: [SPELLED_KEY]\n")
    env_file = tmp_path / ".env"
    env_file.write_text("SPELLED_KEY=spelled-value\n")
    args = ["secrets", command, "-f", str(manifest), "--env-file", str(env_file)]
    outputs = {cli(*args, *spelling).stdout for spelling in SPELLINGS}
    assert all('"format_version": 1' in output for output in outputs)
    if command == "plan":
        assert len(outputs) == 1
