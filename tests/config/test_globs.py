"""kitaru.config.globs: path globs as ruff and .gitignore read them, name globs as fnmatch."""

from __future__ import annotations

import pytest

from kitaru.config.globs import name_matches, path_matches


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
