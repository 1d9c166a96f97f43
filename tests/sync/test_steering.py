"""`plan` flags keys that change how programs start (KS206), declared and stored, in every
report format, without changing what apply writes or the detailed exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given

from kitaru.naming import named
from kitaru.sync.plan import Plan
from kitaru.sync.report import FORMATS, render
from tests.conftest import Cli, KitaruEnv, all_output
from tests.programs.steering_strategies import ordinary_key, steering_key
from tests.sync.test_plan import desired_secret, plan_for, stored


def _steering(plan: Plan) -> list[tuple[str, str | None, str]]:
    return [(d.secret, d.key, d.message) for d in plan.drift if d.kind == "steering"]


def test_declared_and_planted_keys_are_flagged_in_every_format() -> None:
    """Fails on the old code: the plan said nothing about BASH_ENV or a planted LD_PRELOAD."""
    secrets = [
        desired_secret("team", {"TOKEN": "t", "BASH_ENV": "canary-bash-env"}),
        desired_secret("fresh", {"NODE_OPTIONS": "canary-node"}),
    ]
    planted = {"TOKEN": "t", "BASH_ENV": "canary-bash-env", "LD_PRELOAD": "canary-evil.so"}
    store = [stored("1", "team", planted)]
    plan = plan_for(secrets, store)
    flagged = _steering(plan)
    assert [(secret, key) for secret, key, _ in flagged] == [
        ("team", "BASH_ENV"),
        ("team", "LD_PRELOAD"),
        ("fresh", "NODE_OPTIONS"),
    ]
    assert all(message.startswith("KS206 key ") for _, _, message in flagged)
    assert "stored, not declared" in flagged[1][2] and "stored" not in flagged[0][2]
    # listed, but a warning: not worth --detailed-exitcode on its own, never written
    assert not any(d.counts for d in plan.drift if d.kind == "steering")
    team = plan.secrets[0]
    assert team.action == "unchanged" and dict(team.set_values) == {}
    for fmt in FORMATS:
        report = render(plan, fmt).replace("\\_", "_")  # markdown escapes underscores
        assert "KS206 key BASH_ENV" in report and "KS206 key LD_PRELOAD" in report, fmt
        assert "canary" not in report
    data = json.loads(render(plan, "json"))
    kinds = [(d["kind"], d["key"]) for d in data["drift"] if d["kind"] == "steering"]
    assert ("steering", "LD_PRELOAD") in kinds
    assert data["summary"]["changes"] is True  # `fresh` is created; steering adds nothing
    github = render(plan, "github")
    assert any(
        line.startswith("::warning") and "steering::" in line for line in github.splitlines()
    )


def test_a_secret_declared_absent_is_not_flagged() -> None:
    gone = desired_secret("old", {})
    gone = type(gone)(**{**gone.__dict__, "absent": True})
    plan = plan_for([gone], [stored("1", "old", {"LD_PRELOAD": "x"})])
    assert _steering(plan) == []


@given(steering_key, ordinary_key)
def test_exactly_the_steering_keys_are_flagged(key: str, other: str) -> None:
    plan = plan_for([desired_secret("s", {other: "o"})], [stored("1", "s", {other: "o", key: "k"})])
    found = _steering(plan)
    assert [k for _, k, _ in found] == [key]
    assert named(key) in found[0][2]  # named: quoted when name-shaped, else described


def test_plan_flags_a_planted_key_on_every_store(
    kitaru_env: KitaruEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kitaru secrets plan` against the embedded store and the server: a key stored beside
    the declared ones is a steering finding (and extra_key drift) in text and JSON, and no
    value is shown. Fails on the old code, which reported only the extra_key."""
    import kitaru
    from kitaru.store import open_store

    kitaru.create_secret("team", {"TOKEN": "canary-team-1", "PYTHONSTARTUP": "canary-py-2"})
    open_store().list_all()  # ZenML's first-run notice is not kitaru's output
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text("version: 1\nsecrets:\n  - name: team\n    keys: [TOKEN]\n")
    cli = Cli()
    monkeypatch.setenv("TOKEN", "canary-team-1")
    text = cli("secrets", "plan", "-f", str(manifest))
    as_json = cli("secrets", "plan", "-f", str(manifest), "-o", "json")
    assert text.exit_code == 0, text.stderr
    assert "team/PYTHONSTARTUP: steering: KS206 key PYTHONSTARTUP" in text.stdout
    assert "stored, not declared" in text.stdout
    drift = json.loads(as_json.stdout)["drift"]
    assert {(d["kind"], d["key"]) for d in drift} == {
        ("extra_key", "PYTHONSTARTUP"),
        ("steering", "PYTHONSTARTUP"),
    }
    assert "canary" not in all_output([text, as_json])
