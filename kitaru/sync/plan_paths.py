"""Which files a saved plan may make `apply --plan` read: the trust rule for plan files.

A plan file is an artifact, not an authority: whoever can write it (a pull request that
uploads its own plan.json) can also seal it again, so its ``body_sha256`` proves nothing
about who made it. What `apply --plan` reads must therefore be what the apply job holds:
a file named by the plan is read only when its path is

- relative and normalised (no ``..``, ``.``, empty or ``~`` parts, no NUL, at most
  ``MAX_PATH`` characters), and
- inside the working directory once every symlink is resolved (a link in the checkout
  that leads out of it is refused too),

and anything else is refused in one line before the file is opened. `plan --out` writes
paths in that form (relative to the working directory), and refuses to save a plan that
`apply --plan` would refuse. Pure apart from resolving symlinks (no file is opened).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from kitaru.errors import KitaruError
from kitaru.naming import shown_path

MAX_PATH = 4096  # Linux's PATH_MAX: a longer name is not a file anyone meant


class PlanPathError(KitaruError):
    """A path a plan names (or would name) outside what `apply --plan` may read."""


def _here() -> Path:
    return Path(os.path.realpath(os.getcwd()))


def _shape_problem(text: str) -> str | None:
    """Why ``text`` is not a relative, normalised path; None when it is one."""
    if not text:
        return "it is empty"
    if "\x00" in text:
        return "it holds a NUL character"
    if len(text) > MAX_PATH:
        return f"it is longer than {MAX_PATH} characters"
    if text.startswith(("/", "\\", "~")) or os.path.isabs(text):
        return "it is not relative to the working directory"
    parts = text.split("/")
    if any(part in ("", ".", "..") for part in parts) or "\\" in text:
        return "it is not a normalised relative path (no '..', '.', '//' or '\\')"
    return None


def confined(text: str, what: str) -> Path:
    """``text`` (a path a plan file names) as a path `apply --plan` may read, or
    ``PlanPathError``; ``what`` names it in the message ("manifest", ".env file")."""
    problem = _shape_problem(text)
    if problem is None:
        resolved = Path(os.path.realpath(text))
        here = _here()
        if resolved == here or not resolved.is_relative_to(here):
            problem = "it leads out of the working directory (through a symlink)"
    if problem is not None:
        raise PlanPathError(
            f"the plan file names the {what} {shown_path(text)}, which apply --plan does not "
            f"read: {problem}; a plan may only name files inside the working directory "
            "(nothing was read or written)"
        )
    return Path(text)


def for_plan_file(path: str | Path, what: str) -> str:
    """How ``plan --out`` records ``path``: relative to the working directory and
    normalised; ``PlanPathError`` when `apply --plan` would refuse it."""
    text = str(path)
    if "\x00" not in text:
        absolute = os.path.normpath(os.path.join(os.getcwd(), text))
        relative = os.path.relpath(absolute, os.getcwd())
        text = PurePosixPath(*Path(relative).parts).as_posix() if relative != "." else text
    try:
        confined(text, what)
    except PlanPathError:
        raise PlanPathError(
            f"the {what} {shown_path(path)} is outside the working directory (or reached "
            "through a symlink out of it); apply --plan would refuse a plan naming it, so "
            "none was saved: run plan --out from a directory that holds it"
        ) from None
    return text


def pinned(pin: str | Path | None, named: str | Path | None, what: str, flag: str) -> None:
    """``PlanPathError`` unless the file the plan names is the one ``flag`` pins (the same
    file: device and inode); no pin, no check. Nothing is opened."""
    if pin is None:
        return
    try:
        same = named is not None and os.path.samefile(pin, named)
    except (OSError, ValueError):
        same = False
    if not same:
        said = shown_path(named) if named is not None else "none"
        raise PlanPathError(
            f"the plan file names the {what} {said}, not the one {flag} pins "
            f"({shown_path(pin)}); nothing was read or written"
        )
