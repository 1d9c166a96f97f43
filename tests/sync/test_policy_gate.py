"""plan/apply run validate's checks under the team policy before any store is opened:
errors refuse (ManifestProblems, every finding kept), warnings come back with the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kitaru.store
from kitaru.config.options import ConfigError, parse
from kitaru.sync.pipeline import ManifestProblems, apply, checked, load, run
from tests.sync.stores import MemoryStore

POLICY = '[rules]\nmust-be-private = ["*-prod"]\n'
BREAKS = "version: 1\nsecrets:\n  - name: db-prod\n    keys: [DB_URL]\n"
WARNS = "version: 1\nsecrets:\n  - name: app\n    keys: [api_key]\n"


@pytest.fixture
def no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> Any:
        raise AssertionError("the store was opened")

    monkeypatch.setattr(kitaru.store, "open_store", refuse)


def manifest(tmp_path: Path, text: str, policy: str | None = POLICY) -> Path:
    if policy is not None:
        (tmp_path / "kitaru.toml").write_text(policy)
    path = tmp_path / "secrets.yaml"
    path.write_text(text)
    return path


@pytest.mark.usefixtures("no_store")
@pytest.mark.parametrize("action", ["plan", "apply", "apply --plan"])
def test_a_policy_error_refuses_before_the_store_opens(
    tmp_path: Path, action: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a saved plan names files inside the working directory
    path = manifest(tmp_path, BREAKS)
    with pytest.raises(ManifestProblems) as raised:
        if action == "plan":
            run(path)
        elif action == "apply":
            apply(path, environ={"DB_URL": "x"})
        else:  # a saved plan made under a laxer policy is re-checked on apply
            (tmp_path / "kitaru.toml").write_text("")
            run(path, out=tmp_path / "plan.json", store=MemoryStore(), environ={"DB_URL": "x"})
            (tmp_path / "kitaru.toml").write_text(POLICY)
            apply(path, plan_file=tmp_path / "plan.json")
    (finding,) = raised.value.problems
    assert (finding.code, finding.line, finding.col) == ("KS503", 3, 11)
    assert str(raised.value) == finding.render()


def test_steering_keys_warn_without_a_config_and_refuse_when_a_team_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = BREAKS.replace("DB_URL", "LD_PRELOAD")
    environ = {"LD_PRELOAD": "x"}
    done = run(manifest(tmp_path, text, policy=None), store=MemoryStore(), environ=environ)
    assert [w.code for w in done.warnings] == ["KS206"]
    strict = tmp_path / "strict"
    strict.mkdir()
    path = manifest(strict, text, policy='severity = { KS206 = "error" }\n')
    monkeypatch.setattr(kitaru.store, "open_store", lambda: pytest.fail("store opened"))
    with pytest.raises(ManifestProblems, match="KS206"):
        run(path)


def test_warnings_are_returned_with_the_run(tmp_path: Path) -> None:
    done = run(manifest(tmp_path, WARNS, policy=""), store=MemoryStore(), environ={"api_key": "v"})
    assert [w.code for w in done.warnings] == ["KS202"]
    assert done.plan.secrets[0].name == "app"


def test_an_allow_comment_lets_the_run_through(tmp_path: Path) -> None:
    text = BREAKS.replace("db-prod\n", "db-prod  # kitaru: allow KS503\n")
    done = run(manifest(tmp_path, text), store=MemoryStore(), environ={"DB_URL": "v"})
    assert done.warnings == ()


def test_an_explicit_config_wins_over_the_one_beside_the_manifest(tmp_path: Path) -> None:
    path = manifest(tmp_path, BREAKS)
    lax = tmp_path / "lax.toml"
    lax.write_text("")
    assert load(path, lax).secrets[0].name == "db-prod"
    assert load(path, parse({}, lax)).secrets[0].name == "db-prod"
    with pytest.raises(ManifestProblems):
        load(path)


@pytest.mark.usefixtures("no_store")
def test_a_broken_config_is_a_kitaru_error_before_the_store(tmp_path: Path) -> None:
    path = manifest(tmp_path, BREAKS, policy="selct = []\n")
    with pytest.raises(ConfigError, match="did you mean 'select'"):
        run(path)


def test_loader_findings_are_kept_as_before(tmp_path: Path) -> None:
    with pytest.raises(ManifestProblems) as raised:
        checked(b"version: 2\nsecrets: []\n", "m.yaml", parse({}, tmp_path / "k.toml"))
    assert [f.code for f in raised.value.problems] == ["KS006"]
