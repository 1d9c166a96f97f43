"""The export formatters read back exactly, by the readers people use them with."""

from __future__ import annotations

import io
import json
import subprocess

from dotenv import dotenv_values
from hypothesis import given, settings
from hypothesis import strategies as st

from kitaru.dotenv_reader import parse_dotenv
from kitaru.programs.export_formats import (
    delimiter_for,
    dotenv,
    expands_in_dotenv,
    github_env,
    render,
    shell,
)

KEYS = st.from_regex(r"[A-Z_][A-Z0-9_]{0,11}", fullmatch=True)
# Any text an environment variable can hold: no NUL, no lone surrogates.
VALUES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=40
)
TRICKY = st.sampled_from(["'", '"', "#", "$", "${HOME}", " ", "\n", "\r\n", "\\", "é", "🔑", "`"])
RICH = st.lists(st.one_of(VALUES, TRICKY), max_size=6).map("".join)
VARIABLES = st.dictionaries(KEYS, RICH, max_size=6)
# Shells own some names ($_, $PPID, $RANDOM): the shell tests use names they leave alone.
SHELL_VARIABLES = st.dictionaries(KEYS.map("KX_{}".format), RICH, max_size=6)


def parse_github_env(text: str) -> dict[str, str]:
    """The runner's reading of $GITHUB_ENV: NAME=VALUE or NAME<<DELIM ... DELIM lines."""
    lines = text.split("\n")
    result: dict[str, str] = {}
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            result[line[:equals]] = line[equals + 1 :]
            continue
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        body: list[str] = []
        while lines[index] != delimiter:  # an IndexError here: an unterminated heredoc
            body.append(lines[index])
            index += 1
        index += 1
        result[name] = "\n".join(body)
    return result


@given(VARIABLES)
def test_dotenv_reads_back_exactly_with_python_dotenv(variables: dict[str, str]) -> None:
    text = dotenv(variables)
    assert dotenv_values(stream=io.StringIO(text), interpolate=False) == variables
    plain = {k: v for k, v in variables.items() if not expands_in_dotenv(v)}
    assert dotenv_values(stream=io.StringIO(dotenv(plain))) == plain
    assert text.count("\n") == len(variables)  # one line per key: CR and LF are escaped


@given(VARIABLES)
def test_dotenv_reads_back_with_kitarus_own_reader(variables: dict[str, str]) -> None:
    plain = {k: v for k, v in variables.items() if not expands_in_dotenv(v)}
    assert parse_dotenv(dotenv(plain), "exported.env") == plain


def test_dotenv_from_a_file_keeps_a_carriage_return(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "x.env"
    path.write_text(dotenv({"A": "one\rtwo\r\n", "B": 'q"#$ x'}), newline="")
    assert dotenv_values(path) == {"A": "one\rtwo\r\n", "B": 'q"#$ x'}


@given(VARIABLES)
def test_github_env_reads_back_exactly(variables: dict[str, str]) -> None:
    assert parse_github_env(github_env(variables)) == variables


def test_a_delimiter_never_occurs_in_its_value() -> None:
    tokens = iter(["aaaa", "bbbb"])
    assert delimiter_for("x ghadelimiter_aaaa y", lambda: next(tokens)) == "ghadelimiter_bbbb"


@given(VARIABLES)
def test_json_reads_back_exactly_and_is_ascii(variables: dict[str, str]) -> None:
    text = render("json", variables)
    assert text.isascii()
    assert json.loads(text) == variables


def _read_back(shell_name: str, variables: dict[str, str]) -> dict[str, str]:
    """``eval`` the export in a real shell, then print each variable NUL-terminated."""
    keys = sorted(variables)
    script = 'eval "$(cat)"; ' + "".join(f'printf "%s\\0" "${k}"; ' for k in keys)
    done = subprocess.run(
        [shell_name, "-c", script], input=shell(variables).encode(), capture_output=True, check=True
    )
    printed = done.stdout.decode().split("\0")[:-1] if keys else []
    return dict(zip(keys, printed, strict=True))


@settings(max_examples=30, deadline=None)
@given(SHELL_VARIABLES)
def test_shell_output_evals_back_exactly_in_bash(variables: dict[str, str]) -> None:
    assert _read_back("bash", variables) == variables


@settings(max_examples=20, deadline=None)
@given(SHELL_VARIABLES)
def test_shell_output_evals_back_exactly_in_sh(variables: dict[str, str]) -> None:
    assert _read_back("sh", variables) == variables


def test_bash_eval_of_the_real_command_output(tmp_path: object) -> None:
    """As the README says it: bash -c 'eval "$(...)"; printf %s "$K"'."""
    value = 'it\'s "q" $HOME `id` ${X}\nline two #hash é'
    command = f"printf %s {shell_quote(shell({'K': value}))}"
    done = subprocess.run(
        ["bash", "-c", f'eval "$({command})"; printf %s "$K"'], capture_output=True, check=True
    )
    assert done.stdout.decode() == value


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"
