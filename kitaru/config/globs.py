"""Glob matching for paths (``per-file-ignores``, ``manifests``) and secret names.

Paths: ``*`` and ``?`` stay inside one folder, ``**`` spans folders, and a pattern without
``/`` matches the file name in any folder (as ruff and .gitignore do). Names: fnmatch's
rules, case-sensitive.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache


@lru_cache(maxsize=512)
def _path_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out), re.DOTALL)


def path_matches(pattern: str, relative: str) -> bool:
    """Does ``relative`` (a /-separated path below the config's folder) match ``pattern``?"""
    if "/" not in pattern.rstrip("/"):
        relative = relative.rsplit("/", 1)[-1]
    return _path_regex(pattern.lstrip("/").removeprefix("./")).fullmatch(relative) is not None


def name_matches(pattern: str, name: str) -> bool:
    return fnmatchcase(name, pattern)
