"""Glob matching for paths (``per-file-ignores``, ``manifests``) and secret names.

Paths: ``*`` and ``?`` stay inside one folder, ``**`` spans folders, and a pattern without
``/`` matches the file name in any folder (as ruff and .gitignore do). Names: fnmatch's
rules, case-sensitive.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache

# Tokens of a path glob: a character, ANY (``?``), STAR (``*``: within one folder),
# DEEP (``**``: across folders) and FOLDERS (``**/``: zero or more whole folders).
ANY, STAR, DEEP, FOLDERS = -1, -2, -3, -4
_INSIDE = 1 << 16  # FOLDERS' state part-way through a folder name: index + _INSIDE


@lru_cache(maxsize=512)
def _tokens(pattern: str) -> tuple[int | str, ...]:
    out: list[int | str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append(FOLDERS)
            i += 3
        elif pattern.startswith("**", i):
            out.append(DEEP)
            i += 2
        else:
            char = pattern[i]
            out.append(STAR if char == "*" else ANY if char == "?" else char)
            i += 1
    return tuple(out)


def _closure(tokens: tuple[int | str, ...], states: set[int]) -> set[int]:
    """``states`` plus every token index reachable by skipping ``*``, ``**`` and ``**/``."""
    todo = list(states)
    while todo:
        state = todo.pop()
        skips = state < len(tokens) and tokens[state] in (STAR, DEEP, FOLDERS)
        if skips and state + 1 not in states:
            states.add(state + 1)
            todo.append(state + 1)
    return states


def _step(tokens: tuple[int | str, ...], states: set[int], char: str) -> set[int]:
    after: set[int] = set()
    for state in states:
        if state >= _INSIDE:  # inside a folder name that **/ skips
            after.add(state - _INSIDE if char == "/" else state)
            continue
        if state >= len(tokens):
            continue
        token = tokens[state]
        if token == FOLDERS:
            after.add(state if char == "/" else state + _INSIDE)
        elif token == DEEP or (token == STAR and char != "/"):
            after.add(state)
        elif token == char or (token == ANY and char != "/"):
            after.add(state + 1)
    return _closure(tokens, after)


def _glob_match(pattern: str, path: str) -> bool:
    """An automaton over the path, one character at a time: time linear in the path for
    any pattern. (A translation to ``re`` backtracks: ``*a*a*a*a*a*a*b`` against a long
    file name of a's did not finish.)"""
    tokens = _tokens(pattern)
    states = _closure(tokens, {0})
    for char in path:
        states = _step(tokens, states, char)
        if not states:
            return False
    return len(tokens) in states


def path_matches(pattern: str, relative: str) -> bool:
    """Does ``relative`` (a /-separated path below the config's folder) match ``pattern``?"""
    if "/" not in pattern.rstrip("/"):
        relative = relative.rsplit("/", 1)[-1]
    return _glob_match(pattern.lstrip("/").removeprefix("./"), relative)


def name_matches(pattern: str, name: str) -> bool:
    return fnmatchcase(name, pattern)
