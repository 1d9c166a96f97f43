"""Click's usage errors: one line, naming where help is, never quoting a value."""

from __future__ import annotations

import pytest

from tests.conftest import Cli

BAD_CALLS = [
    (["secrets", "show"], 2, "Missing argument 'NAME_OR_ID'.", "kitaru secrets show"),
    (["secrets", "nope"], 2, "No such command 'nope'.", "kitaru secrets"),
    (["secrets", "list", "--bogus"], 2, "No such option: --bogus", "kitaru secrets list"),
    (["secrets", "list", "-o", "xml"], 2, "Invalid value for '--output'", "kitaru secrets list"),
    (["secrets", "show", "a", "b"], 2, "unexpected extra argument", "kitaru secrets show"),
    (["secrets", "validate", "--format", "xml"], 2, "'--format'", "kitaru secrets validate"),
    (["secrets", "plan", "--bogus"], 1, "No such option: --bogus", "kitaru secrets plan"),
    (["secrets", "run", "--bogus", "--", "x"], 2, "No such option: --bogus", "kitaru secrets run"),
    (["secrets", "export", "x", "--format", "xml"], 2, "'--format'", "kitaru secrets export"),
]


@pytest.mark.parametrize(("args", "code", "says", "command"), BAD_CALLS)
def test_a_usage_error_is_one_line_that_says_where_help_is(
    args: list[str], code: int, says: str, command: str
) -> None:
    result = Cli()(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and says in line, line
    assert line.endswith(f"(see '{command} --help')"), line


def test_no_arguments_still_shows_the_help() -> None:
    result = Cli()("secrets")
    assert "Commands:" in result.stdout + result.stderr
