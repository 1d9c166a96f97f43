"""The GitHub Actions runner as the CLI's environment: detecting it, masking values.

``mask_commands`` is the one place that hands values to an output, because its whole
job is to tell the runner which values to hide; the CLI prints them on stderr first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from kitaru.runtime.redact import MIN_LENGTH
from kitaru.safe_text import runner_data


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def mask_commands(values: Iterable[str]) -> list[str]:
    """``::add-mask::`` for every line of every value (GitHub masks line by line).

    A line shorter than ``MIN_LENGTH`` once stripped (the ``{`` of a JSON value, a
    co-user's public value ``a``) is left out, as ``run --redact`` leaves it: the runner
    would mask it everywhere in the rest of the job's log.
    """
    seen: set[str] = set()
    commands: list[str] = []
    for value in values:
        for line in (line.strip() for line in value.splitlines()):
            # stripped, as the redactor's lines: a JSON value's indented line printed on
            # its own, without the indentation, is masked too
            if len(line) >= MIN_LENGTH and line not in seen:
                seen.add(line)
                commands.append(f"::add-mask::{runner_data(line)}")
    return commands
