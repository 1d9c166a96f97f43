"""-o/--output and --format are one option on every command that has an output format."""

from __future__ import annotations

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
