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
    for path in re.findall(r"(?:-f|--env-file) (\S+)", main_job):
        assert (REPO / path).is_file(), f"the main job names {path}, which is not in the repo"
    assert re.search(r"pip install -q -e \.( |$)", main_job), "the main job installs no extras"


def test_ci_runs_the_readme_test_command() -> None:
    _, tests = readme_commands()
    assert tests in (REPO / ".ci" / "run").read_text().splitlines()


def test_ci_runs_the_main_job_before_anything_installs_extras() -> None:
    """.ci/main-job runs the README's first command in a fresh venv without extras."""
    steps = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line.strip()]
    commands = [line for line in steps if not line.lstrip().startswith("#")]
    assert commands[2] == "bash .ci/main-job", commands[:3]
    main_job = (REPO / ".ci" / "main-job").read_text()
    assert 're.findall(r"```bash' in main_job and "[0]" in main_job
    assert 'export HOME="$work/home"' in main_job
