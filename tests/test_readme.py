"""The README opens with the two commands, and CI runs the README's test command."""

from __future__ import annotations

import re

from tests.conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", text)[:2]


def test_readme_starts_with_two_commands() -> None:
    main_job, tests = readme_commands()
    assert "kitaru secrets apply -f examples/secrets.yaml" in main_job
    assert "pytest" in tests
    assert (REPO / "examples" / "secrets.yaml").exists() or "apply" in main_job


def test_ci_runs_the_readme_test_command() -> None:
    _, tests = readme_commands()
    assert tests in (REPO / ".ci" / "run").read_text().splitlines()
