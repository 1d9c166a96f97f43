"""Several manifests under one configuration (``manifests = ["teams/*/secrets.yaml"]``).

``listed`` expands the globs (relative to the config's folder, never leaving it: a symlink
that points outside is skipped). ``cross_duplicates`` reports a secret (name and
visibility) that two listed manifests declare, in each of them, pointing at the other:
plan and apply of several manifests could not tell which one owns it. Manifests that no
configuration lists together are independent (staging and production may share names).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from kitaru.checks.findings import Finding
from kitaru.checks.manifest_rules import Document, read_document
from kitaru.checks.team_rules import declared
from kitaru.checks.text import read_file
from kitaru.config.options import Config
from kitaru.naming import shown, shown_path, visibility_word

MAX_MANIFESTS = 10_000


def _shown_as(path: Path) -> str:
    """How a listed manifest is named: relative to the working folder when below it."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return os.fspath(path)


def listed(config: Config) -> list[str]:
    """The manifests ``config`` lists, in glob order then name order, each once."""
    root = config.root.resolve()
    found: dict[Path, None] = {}
    for pattern in config.manifests:
        for candidate in sorted(root.glob(pattern)):
            resolved = candidate.resolve()
            if resolved.is_file() and resolved.is_relative_to(root):
                found.setdefault(candidate.absolute(), None)
            if len(found) >= MAX_MANIFESTS:
                break
    return [_shown_as(path) for path in found]


Identity = tuple[str, bool]


def _identities(document: Document) -> dict[Identity, tuple[int, int]]:
    seen: dict[Identity, tuple[int, int]] = {}
    for secret in declared(document):
        if secret.name is not None and not secret.absent:
            seen.setdefault((secret.name, secret.private), (secret.at.line, secret.at.col))
    return seen


def cross_duplicates(
    path: str,
    document: Document,
    others: Sequence[str],
    document_of: Callable[[str], Document | None],
) -> list[Finding]:
    """KS106 for each secret of ``path`` that one of ``others`` declares too."""
    mine = _identities(document)
    if not mine:
        return []
    findings = []
    for other in others:
        theirs = document_of(other)
        if theirs is None:
            continue
        for identity, (line, col) in _identities(theirs).items():
            if identity in mine:
                name, private = identity
                message = (
                    f"{visibility_word(private)} secret {shown(name)} is also declared in "
                    f"{shown_path(other)}:{line}:{col}; one manifest must own it"
                )
                findings.append(Finding(path, *mine[identity], "KS106", message))
    return findings


class Documents:
    """Manifests read once each, for the several-manifests check (None: unreadable)."""

    def __init__(self) -> None:
        self._read: dict[Path, Document | None] = {}

    def put(self, path: str, document: Document) -> None:
        self._read[Path(path).absolute()] = document

    def get(self, path: str) -> Document | None:
        key = Path(path).absolute()
        if key not in self._read:
            data = read_file(path, "manifest")
            self._read[key] = None if isinstance(data, Finding) else read_document(data, path)
        return self._read[key]
