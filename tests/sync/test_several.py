"""Several manifests in one plan/apply: one report, `unmanaged` = in none of them, a secret
in two is KS106 in each (nothing read from the store), a saved plan records every file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kitaru.store
from kitaru.sync import saved_plan
from kitaru.sync.pipeline import ManifestProblems, apply, run
from kitaru.sync.report import render
from kitaru.sync.saved_plan import StalePlanError
from tests.sync.stores import MemoryStore

A = "version: 1\nsecrets:\n  - name: alpha\n    keys: [A_KEY]\n"
B = "version: 1\nsecrets:\n  - name: beta\n    private: true\n    keys: [B_KEY]\n"
VALUES = {"A_KEY": "a", "B_KEY": "b"}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tmp_path)
    for name, text in (("a", A), ("b", B)):
        Path(name).mkdir()
        Path(name, "secrets.yaml").write_text(text)
    return ["a/secrets.yaml", "b/secrets.yaml"]


def test_one_report_over_all_and_unmanaged_means_in_none(files: list[str]) -> None:
    store = MemoryStore()
    store.create("gamma", {"G": "g"}, False)
    store.create("alpha", {"A_KEY": "old"}, False)
    done = run(files, store=store, environ=VALUES)
    plan = done.plan
    assert [(s.name, s.action) for s in plan.secrets] == [("alpha", "update"), ("beta", "create")]
    assert [d.secret for d in plan.unmanaged] == ["gamma"]
    assert plan.manifest == "a/secrets.yaml, b/secrets.yaml"
    assert plan.file_of("beta", True) == "b/secrets.yaml"
    github = render(plan, "github")
    assert "file=b/secrets.yaml,line=3,col=5" in github
    assert "file=a/secrets.yaml,line=3,col=5" in github


def test_apply_writes_the_secrets_of_every_manifest(files: list[str]) -> None:
    store = MemoryStore()
    result = apply(files, store=store, environ=VALUES)
    assert sorted((o.plan.name, o.status) for o in result.outcomes) == [
        ("alpha", "created"),
        ("beta", "created"),
    ]


def test_a_secret_in_two_manifests_is_refused_before_the_store(
    files: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kitaru.store, "open_store", lambda: pytest.fail("store opened"))
    Path("b/secrets.yaml").write_text(A.replace("A_KEY", "OTHER"))
    with pytest.raises(ManifestProblems) as raised:
        run(files, environ=VALUES)
    assert [f.render() for f in raised.value.problems] == [
        "a/secrets.yaml:3:5: KS106 public secret 'alpha' is also declared in "
        "b/secrets.yaml:3:5; one manifest must own it",
        "b/secrets.yaml:3:5: KS106 public secret 'alpha' is also declared in "
        "a/secrets.yaml:3:5; one manifest must own it",
    ]


def test_findings_of_every_manifest_come_together(files: list[str]) -> None:
    Path("a/secrets.yaml").write_text("version: 1\nsecrets:\n  - name: a\n    keys: [1X]\n")
    Path("b/secrets.yaml").write_text("version: 2\nsecrets: []\n")
    with pytest.raises(ManifestProblems) as raised:
        run(files, environ=VALUES)
    assert [(f.path, f.code) for f in raised.value.problems] == [
        ("a/secrets.yaml", "KS201"),
        ("b/secrets.yaml", "KS006"),
    ]


def test_different_env_files_need_an_explicit_one(files: list[str]) -> None:
    for name in ("a", "b"):
        Path(name, ".env").write_text(f"{name.upper()}_KEY=v\n")
        text = (
            Path(name, "secrets.yaml")
            .read_text()
            .replace("version: 1\n", "version: 1\nenv_file: .env\n")
        )
        Path(name, "secrets.yaml").write_text(text)
    with pytest.raises(Exception, match="different env_file"):
        run(files, store=MemoryStore(), environ={})
    Path("all.env").write_text("A_KEY=1\nB_KEY=2\n")
    done = run(files, store=MemoryStore(), environ={}, env_file="all.env")
    assert [s.action for s in done.plan.secrets] == ["create", "create"]


def test_a_saved_plan_records_every_manifest_and_notices_any_change(files: list[str]) -> None:
    store = MemoryStore()
    run(files, store=store, environ=VALUES, out="plan.json")
    body = json.loads(Path("plan.json").read_text())["body"]
    assert body["manifests"] == files
    assert saved_plan.read("plan.json").manifests == tuple(files)
    result = apply(store=store, plan_file="plan.json", environ=VALUES)
    assert len(result.outcomes) == 2
    run(files, store=store, environ=VALUES, out="plan2.json")
    Path("b/secrets.yaml").write_text(B + "  - name: delta\n    keys: [B_KEY]\n")
    with pytest.raises(StalePlanError, match="changed after the plan was made"):
        apply(store=store, plan_file="plan2.json", environ=VALUES)


def test_one_manifest_in_a_list_is_the_single_manifest_path(files: list[str]) -> None:
    store = MemoryStore()
    for given in (files[:1], [files[0], files[0]]):
        done = run(given, store=store, environ=VALUES, out="one.json")
        assert done.plan.manifest == "a/secrets.yaml"
        assert "manifests" not in json.loads(Path("one.json").read_text())["body"]
        assert apply(store=store, plan_file="one.json", environ=VALUES).outcomes
