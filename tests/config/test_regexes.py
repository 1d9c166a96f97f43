"""kitaru.config.regexes: team regexes whose matching work stays bounded."""

from __future__ import annotations

import re

import pytest

from kitaru.config.regexes import MAX_SUBJECT, UnsafePattern, compile_safe, full_match


@pytest.mark.parametrize(
    "pattern",
    [
        "[A-Z][A-Z0-9]*(_[A-Z0-9]+)*",
        "[a-z][a-z0-9-]*(-prod|-staging)?",
        "(team-a|team-b)-[a-z0-9-]+",
        "(?:-[a-z]+)*",
        "(a|b)*c",  # single characters: the parser makes it a class
        "APP_.*",
        "[a-z]+_[a-z]+_[a-z]+_[a-z]+",  # each stop is forced by the "_" after it
        "[^_]*_[^_]*_[^_]*",
        "(?:prod|staging|dev)-[a-z0-9]+(?:-[a-z0-9]+)*",
    ],
)
def test_common_team_patterns_are_accepted(pattern: str) -> None:
    assert compile_safe(pattern).pattern == pattern


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("(a+)+$", "a repetition inside a repetition"),
        ("((a)*)*", "a repetition inside a repetition"),
        ("(x+x+)+y", "a repetition inside a repetition"),
        ("(_[A-Z_]+)*", "a repetition inside a repetition"),  # the separator repeats inside
        ("(?:\\w+_)+", "a repetition inside a repetition"),  # \w may match the separator
        ("(a|aa)+", "an alternation inside a repetition"),
        ("(\\w+)-\\1", "backreferences are not allowed"),
        ("A" * 257, "longer than 256 characters"),
        ("a*a*a*a*a*b", "too many ways to split"),
        ("[a-z]*[a-z]*[a-z]*x", "too many ways to split"),  # cubic in the name's length
        (".*_.*_.*", "too many ways to split"),  # .* can match the "_"
        # no repetition of more than one, yet exponential in the pattern's own length:
        ("a?" * 24 + "a" * 24, "too many ways to split"),
        ("(?:a|aa)" * 28 + "b", "too many ways to split"),
        ("(?=[a-z]*[a-z]*[a-z]*[a-z]*x)", "too many ways to split"),
        # under IGNORECASE the Kelvin sign matches "k" and "K": no stop is forced
        ("(?i)" + "\u212a*K" * 8, "too many ways to split"),
        ("(?i:" + "\u212a*K" * 8 + ")", "too many ways to split"),
        ("(?i)(k\u212a+)*", "a repetition inside a repetition"),  # k^36! took 2.7 s
    ],
)
def test_patterns_that_can_backtrack_exponentially_are_refused(pattern: str, why: str) -> None:
    with pytest.raises(UnsafePattern, match=re.escape(why)):
        compile_safe(pattern)


def test_invalid_pattern_is_re_error() -> None:
    with pytest.raises(re.error):
        compile_safe("(A")


def test_full_match_needs_the_whole_subject_and_skips_overlong_ones() -> None:
    pattern = compile_safe("[A-Z]+")
    assert full_match(pattern, "ABC")
    assert not full_match(pattern, "ABCd")
    assert full_match(pattern, "A" * MAX_SUBJECT)
    assert not full_match(pattern, "A" * (MAX_SUBJECT + 1))


@pytest.mark.parametrize(
    "pattern", ["a?" * 40 + "a" * 40, "(?:a|aa)" * 30 + "b", "(a*)?(a*)?(a*)?x"]
)
def test_choices_outside_repetitions_are_counted(pattern: str) -> None:
    """These slipped past a count of * and +: a?{40}a{40} did not finish matching 41 a's."""
    with pytest.raises(UnsafePattern, match="too many ways to split"):
        compile_safe(pattern)
