"""Several manifests listed by one configuration: globs stay inside its folder, and a secret
two of them declare is reported in each, pointing at the other."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kitaru.checks.manifest_rules import read_document
from kitaru.checks.several import Documents, cross_duplicates, listed
from kitaru.config.options import parse

A = "version: 1\nsecrets:\n  - name: shared\n    keys: [A]\n  - name: only-a\n    keys: [A]\n"
B = "version: 1\nsecrets:\n  - name: x\n    keys: [B]\n  - name: shared\n    keys: [B]\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for team, text in (("a", A), ("b", B)):
        (tmp_path / "teams" / team).mkdir(parents=True)
        (tmp_path / "teams" / team / "secrets.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_listed_expands_globs_relative_to_the_config(repo: Path) -> None:
    config = parse({"manifests": ["teams/*/secrets.yaml", "teams/a/*.yaml"]}, repo / "kitaru.toml")
    assert listed(config) == ["teams/a/secrets.yaml", "teams/b/secrets.yaml"]


def test_a_symlink_out_of_the_config_folder_is_not_listed(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secrets.yaml"
    outside.write_text(A)
    (repo / "teams" / "evil").mkdir()
    os.symlink(outside, repo / "teams" / "evil" / "secrets.yaml")
    config = parse({"manifests": ["teams/*/secrets.yaml"]}, repo / "kitaru.toml")
    assert "teams/evil/secrets.yaml" not in listed(config)


def test_a_secret_in_two_manifests_is_reported_in_each_pointing_at_the_other(repo: Path) -> None:
    documents = Documents()
    a = read_document(A, "teams/a/secrets.yaml")
    b = read_document(B, "teams/b/secrets.yaml")
    (in_a,) = cross_duplicates("teams/a/secrets.yaml", a, ["teams/b/secrets.yaml"], documents.get)
    (in_b,) = cross_duplicates("teams/b/secrets.yaml", b, ["teams/a/secrets.yaml"], documents.get)
    assert in_a.render() == (
        "teams/a/secrets.yaml:3:11: KS106 public secret 'shared' is also declared in "
        "teams/b/secrets.yaml:5:11; one manifest must own it"
    )
    assert (in_b.line, in_b.col) == (5, 11) and "teams/a/secrets.yaml:3:11" in in_b.message


def test_the_other_visibility_or_an_absent_twin_is_not_a_duplicate(repo: Path) -> None:
    private = B.replace("  - name: shared\n", "  - name: shared\n    private: true\n")
    (repo / "teams" / "b" / "secrets.yaml").write_text(private)
    a = read_document(A, "teams/a/secrets.yaml")
    assert cross_duplicates("a", a, ["teams/b/secrets.yaml"], Documents().get) == []
    absent = B.replace(
        "    keys: [B]\n  - name: shared\n    keys: [B]\n",
        "    keys: [B]\n  - name: shared\n    state: absent\n",
    )
    (repo / "teams" / "b" / "secrets.yaml").write_text(absent)
    assert cross_duplicates("a", a, ["teams/b/secrets.yaml"], Documents().get) == []
    assert cross_duplicates("a", a, ["teams/missing.yaml"], Documents().get) == []
