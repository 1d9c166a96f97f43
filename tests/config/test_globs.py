"""kitaru.config.globs: path globs as ruff and .gitignore read them, name globs as fnmatch."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.config.globs import _glob_match, name_matches, path_matches


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("secrets.yaml", "teams/a/secrets.yaml", True),  # no '/': the file name anywhere
        ("*.yaml", "deep/down/x.yaml", True),
        ("teams/*/secrets.yaml", "teams/a/secrets.yaml", True),
        ("teams/*/secrets.yaml", "teams/a/b/secrets.yaml", False),
        ("teams/**/secrets.yaml", "teams/a/b/secrets.yaml", True),
        ("teams/**/secrets.yaml", "teams/secrets.yaml", True),
        ("legacy/**", "legacy/x/y.yaml", True),
        ("legacy/**", "other/legacy.yaml", False),
        ("./teams/?/s.yaml", "teams/a/s.yaml", True),
        ("a[b].yaml", "a[b].yaml", True),  # brackets are literal
    ],
)
def test_path_globs(pattern: str, path: str, matches: bool) -> None:
    assert path_matches(pattern, path) is matches


def test_name_globs_are_case_sensitive() -> None:
    assert name_matches("*-prod", "db-prod")
    assert not name_matches("*-prod", "db-PROD")


def _reference(pattern: str, path: str) -> bool:
    """The globs' meaning as a regex (backtracking: only for short test inputs)."""
    pieces = {"**/": "(?:[^/]*/)*", "**": ".*", "*": "[^/]*", "?": "[^/]"}
    regex = "".join(
        pieces.get(part, re.escape(part)) for part in re.findall(r"\*\*/|\*\*|.", pattern)
    )
    return re.fullmatch(regex, path, re.DOTALL) is not None


@given(
    st.text(alphabet="ab/*?", max_size=10),
    st.text(alphabet="ab/", max_size=12),
)
def test_path_glob_automaton_means_what_the_regex_meant(pattern: str, path: str) -> None:
    assert _glob_match(pattern, path) is _reference(pattern, path)


HOSTILE = [
    ("*a*a*a*a*a*a*b", "a" * 250),
    ("**a**a**a**a**a**a**b", "a" * 250),
    ("**/" * 8 + "x", "a/" * 120),
]


def test_hostile_globs_finish() -> None:
    """A pull request controls both the per-file-ignores glob and the file's name. As a
    backtracking regex the first did not finish in 20 s against 80 a's; run in a child
    with a deadline so a regression fails instead of hanging the suite."""
    code = (
        "from kitaru.config.globs import path_matches\n"
        f"assert not any(path_matches(p, s) for p, s in {HOSTILE!r})\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=20)
