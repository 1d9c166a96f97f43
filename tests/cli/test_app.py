"""The root command: version and help, without a store."""

from __future__ import annotations

from typer.testing import CliRunner

import kitaru
from kitaru.cli.app import app


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == kitaru.__version__


def test_help_lists_every_secrets_command() -> None:
    result = CliRunner().invoke(app, ["secrets", "--help"])
    assert result.exit_code == 0
    for command in ("set", "show", "list", "delete", "plan", "apply", "validate", "schema"):
        assert f"  {command} " in result.stdout
