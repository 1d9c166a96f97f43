"""The typer-free entry: bash's split words, what each script reads, a quiet process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kitaru.completion.entry import _bash_words, answer, fast_entry
from kitaru.completion.scripts import SCRIPTS
from tests.completion.test_engine import Recorder


def test_bash_words_rejoin_what_comp_wordbreaks_split() -> None:
    assert _bash_words(["secrets", "plan", "--format", "=", "js"]) == [
        "secrets",
        "plan",
        "--format=js",
    ]
    assert _bash_words(["secrets", "plan", "--format", "="]) == ["secrets", "plan", "--format="]
    assert _bash_words(["a", "=", "b"]) == ["a", "=", "b"]


def test_bash_replies_replace_only_its_own_current_word() -> None:
    sources = Recorder()
    assert answer("bash", ["secrets", "plan", "--format", "=", "j"], sources) == "v\tjson\t\n"
    assert answer("bash", ["secrets", "plan", "--format", "=", ""], sources).startswith(
        "v\ttext\t\n"
    )
    assert answer("bash", ["secrets", "plan", "--format", "="], sources).startswith("v\t=text\t")
    assert answer("bash", ["secrets", "export", "--out", "=", "a/b"], sources) == "f\t:\t:a/b\n"
    assert answer("zsh", ["secrets", "export", "--out=a/b"], sources) == "f\t--out=\ta/b\n"
    assert answer("fish", ["secrets", "sh"], sources) == (
        "v\tshow\tPrint a secret's metadata and key names.\n"
    )
    assert answer("tcsh", ["secrets", "sh"], sources) == ""
    assert answer("bash", [], sources) == ""


def test_completion_shell_prints_the_script(capsys: pytest.CaptureFixture[str]) -> None:
    for shell, script in SCRIPTS.items():
        assert fast_entry(["completion", shell]) == 0
        assert capsys.readouterr().out == script
    assert fast_entry(["completion", "tcsh"]) is None  # typer explains the error
    assert fast_entry(["secrets", "list"]) is None


def test_the_typer_command_prints_the_same_script() -> None:
    from typer.testing import CliRunner

    from kitaru.cli.app import app

    runner = CliRunner()
    assert runner.invoke(app, ["completion", "zsh"]).stdout == SCRIPTS["zsh"]
    wrong = runner.invoke(app, ["completion", "tcsh"])
    assert wrong.exit_code == 2 and "tcsh" in wrong.stderr


PROBE = "import sys; from kitaru.cli.main import main; main(sys.argv[1:])"


@pytest.mark.parametrize(
    "args",
    [
        ["__complete"],
        ["__complete", "bash"],
        ["__complete", "bash", "secrets", "plan", "-f", "/dev/null", "--target", ""],
        ["__complete", "zsh", "secrets", "validate", "\udcff"],
        ["__complete", "nosuchshell", "x"],
    ],
)
def test_a_tab_press_never_writes_to_stderr_or_fails(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, b"")


# The watchdog's limit shortened, so that a test of it takes a fraction of a second.
QUICK_PROBE = (
    "import sys; import kitaru.completion.entry as entry; entry.HARD_LIMIT_S = 0.3; "
    "from kitaru.cli.main import main; main(sys.argv[1:])"
)


def test_a_tab_press_that_would_hang_ends_quietly(tmp_path: Path) -> None:
    """kitaru.yaml a FIFO nobody writes: reading it would block forever."""
    config = tmp_path / "config"
    config.mkdir(mode=0o700)
    os.mkfifo(config / "kitaru.yaml", 0o600)
    env = {**os.environ, "KITARU_CONFIG_PATH": str(config)}
    done = subprocess.run(
        [sys.executable, "-c", QUICK_PROBE, "__complete", "bash", "model", "remove", ""],
        env=env,
        capture_output=True,
        timeout=20,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")


@pytest.mark.parametrize("shell", sorted(SCRIPTS))
@pytest.mark.parametrize("word", ["x\nv\t$(id)\t", "--out=x\nv\tpwn", "a\tb", "x\r\nv\tz"])
def test_a_typed_word_never_becomes_a_line_of_its_own(shell: str, word: str) -> None:
    """A word with a line break or tab (a multi-line paste) where a path is completed."""
    command = ["secrets", "export"] if word.startswith("--") else ["secrets", "validate"]
    text = answer(shell, [*command, word], Recorder())
    assert all(line.count("\t") == 2 for line in text.splitlines())
    assert not any(line.startswith("v") for line in text.splitlines())


def test_a_script_that_cannot_be_written_is_one_line_and_status_1() -> None:
    """`kitaru completion bash > FILE` on a full disk: no traceback, and a failing status."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, "completion", "bash"],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        "kitaru: the completion script was not written: No space left on device"
    ]
