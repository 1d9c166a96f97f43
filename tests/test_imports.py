"""Commands that need no store import no zenml (checked in a fresh interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import sys
from kitaru.cli.main import main
try:
    main({args!r})
except SystemExit:
    pass
"""


def imported_modules(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
    )
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def test_import_kitaru_is_lazy() -> None:
    modules = imported_modules("import kitaru; kitaru.__version__")
    assert "zenml" not in modules
    assert "pydantic" not in modules


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["secrets", "--help"],
        ["secrets", "set", "--help"],
        ["secrets", "list", "--help"],
        ["model", "--help"],
        ["model", "register", "--help"],
    ],
)
def test_help_imports_no_zenml(args: list[str]) -> None:
    modules = imported_modules(
        "import os, sys\nfrom kitaru.cli.app import app\n"
        f"try:\n    app(args={args!r}, prog_name='kitaru')\nexcept SystemExit:\n    pass\n"
    )
    assert "typer" in modules
    assert "zenml" not in modules
    assert "rich" not in modules


COMMANDS = [
    "set",
    "show",
    "list",
    "delete",
    "run",
    "export",
    "plan",
    "apply",
    "validate",
    "validate-env",
    "schema",
]


@pytest.mark.parametrize(
    "args",
    [["--help"], ["secrets", "--help"]] + [["secrets", command, "--help"] for command in COMMANDS],
)
def test_help_needs_no_pydantic(args: list[str]) -> None:
    """typer would coerce the help flag through a pydantic adapter (kitaru.cli.fast_help)."""
    modules = imported_modules(PROBE.format(args=args))
    assert "kitaru.cli.app" in modules
    assert "pydantic" not in modules
    assert "zenml" not in modules


HEAVY = ("typer", "click", "pydantic", "zenml", "httpx", "kitaru.cli.app")
ANSWER = """
import sys
from kitaru.completion.entry import answer, fast_entry
from kitaru.completion.sources import LiveSources
args = {args!r}
if args[0] == "completion":
    fast_entry(args)
else:
    sys.stdout.write(answer(args[1], args[2:], LiveSources()))
print(sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def _heavy_imports(args: list[str], env: dict[str, str] | None = None) -> str:
    return _answer(args, env)[1]


def _answer(args: list[str], env: dict[str, str] | None = None) -> tuple[str, str]:
    """What a completion process prints, and the heavy modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", ANSWER.format(args=args, heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    return done.stdout, done.stderr.strip()


@pytest.mark.parametrize(
    "args",
    [
        ["__complete", "bash", "secrets", "sh"],
        ["__complete", "zsh", "secrets", "plan", "-f", "examples/secrets.yaml", "--target", ""],
        ["__complete", "fish", "secrets", "plan", "--format="],
        ["completion", "fish"],
    ],
)
def test_offline_completion_imports_nothing_heavy(args: list[str]) -> None:
    """A Tab press (and a shell's start-up) stays under the bare library import."""
    assert _heavy_imports(args) == "[]"


def test_completing_names_on_the_embedded_store_imports_no_zenml(embedded_store: object) -> None:
    """Names come from the store's SQLite file: neither zenml nor pydantic is imported."""
    import kitaru

    kitaru.create_secret("completed-name", {"A": "1"})  # ZenML makes the store and its config
    env = {**os.environ, "KITARU_COMPLETION_TIMEOUT": "30"}  # a loaded machine still answers
    offered, heavy = _answer(["__complete", "bash", "secrets", "show", ""], env)
    assert "completed-name" in offered
    assert heavy == "[]"


def test_llm_imports_no_zenml_pydantic_or_provider_sdk() -> None:
    modules = imported_modules("import kitaru, kitaru.llm; from kitaru import llm")
    assert "kitaru.llm.call" in modules
    assert not modules & {"zenml", "pydantic", "openai", "anthropic"}


def test_model_list_opens_no_store(tmp_path: object) -> None:
    code = f"import os\nos.environ['KITARU_CONFIG_PATH'] = {str(tmp_path)!r}\n" + PROBE.format(
        args=["model", "list"]
    )
    modules = imported_modules(code)
    assert "kitaru.cli.model_cmd" in modules
    assert not modules & {"zenml", "openai", "anthropic", "kitaru.store"}
