"""Renderers: masks, formats, colour rules, findings. Values appear only in masks."""

from __future__ import annotations

import json

import pytest

from kitaru.store.base import StoredSecret
from kitaru.sync.apply import execute
from kitaru.sync.findings import Finding
from kitaru.sync.observe import Observed
from kitaru.sync.plan import make_plan
from kitaru.sync.report import (
    Progress,
    annotation,
    mask_commands,
    render,
    render_findings,
    use_color,
)
from kitaru.sync.sources import Desired
from tests.sync.stores import MemoryStore
from tests.sync.test_plan import desired_secret

CANARY = "kitaru-canary-9f8e7d6c"


def test_masks_every_line_of_every_value_escaped() -> None:
    commands = mask_commands(["one", "multi\nline\r\nvalue", "50%", "", "  ", "one"])
    assert commands == [
        "::add-mask::one",
        "::add-mask::multi",
        "::add-mask::line",
        "::add-mask::value",
        "::add-mask::50%25",
    ]


def test_annotation_escapes_properties_and_data() -> None:
    line = annotation("warning", "a%b\nc", file="x,y:z.yaml", line=3, col=5, title="t")
    assert line == "::warning file=x%2Cy%3Az.yaml,line=3,col=5,title=t::a%25b%0Ac"


def test_colour_only_on_a_tty_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert use_color(Tty())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "")
    assert not use_color(Tty())  # type: ignore[arg-type]
    monkeypatch.delenv("NO_COLOR")
    assert not Progress.wanted(Tty(), 5)  # type: ignore[arg-type]
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert Progress.wanted(Tty(), 50)  # type: ignore[arg-type]
    monkeypatch.setenv("CI", "true")
    assert not Progress.wanted(Tty(), 50)  # type: ignore[arg-type]


def _plan_and_result() -> tuple[object, object]:
    store = MemoryStore(
        [
            StoredSecret("1", "drifted", True, {"A_KEY": "old-" + CANARY, "EXTRA": CANARY}, "me"),
            StoredSecret("3", "drifted", False, {"A_KEY": "pub-" + CANARY}, "me"),
            StoredSecret("2", "unmanaged", False, {"Z": CANARY}),
        ]
    )
    desired = Desired(
        "secrets.yaml",
        (
            desired_secret("drifted", {"A_KEY": CANARY}, private=True, prune=True),
            desired_secret("fresh", {"B_KEY": CANARY + "-b"}),
        ),
    )
    observed = Observed.of(desired, store.list_all(), list(store.secrets.values()), store.user_id)
    plan = make_plan(desired, observed, prune=True)
    return plan, execute(plan, store)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github"])
def test_every_format_names_keys_and_drift_but_no_value(fmt: str) -> None:
    plan, result = _plan_and_result()
    for out in (render(plan, fmt), render(plan, fmt, result=result)):  # type: ignore[arg-type]
        assert CANARY not in out
        assert "drifted" in out and "fresh" in out
        assert "shadowed" in out


def test_json_is_versioned_and_lists_actions_keys_sources_drift() -> None:
    plan, result = _plan_and_result()
    payload = json.loads(render(plan, "json", result=result))  # type: ignore[arg-type]
    assert payload["format_version"] == 1 and payload["command"] == "apply"
    drifted, fresh = payload["secrets"]
    assert (drifted["action"], drifted["status"]) == ("update", "updated")
    assert fresh["status"] == "created"
    actions = {k["key"]: k["action"] for k in drifted["keys"]}
    assert actions == {"A_KEY": "change", "EXTRA": "remove"}
    assert fresh["keys"] == [{"key": "B_KEY", "action": "add", "source": "env:B_KEY"}]
    assert {d["kind"] for d in payload["drift"]} == {"value", "extra_key", "shadowed"}
    (shadowed,) = [d for d in payload["drift"] if d["kind"] == "shadowed"]
    assert (shadowed["id"], shadowed["caller_created"]) == ("3", True)
    assert payload["unmanaged"][0]["name"] == "unmanaged"
    assert payload["summary"]["writes"] == 2 and payload["summary"]["drift_left"] == 1


def test_github_annotations_point_at_manifest_lines() -> None:
    plan, _ = _plan_and_result()
    out = render(plan, "github")  # type: ignore[arg-type]
    assert "::warning file=secrets.yaml,line=1,col=1,title=kitaru drift%3A shadowed::" in out
    assert "::notice file=secrets.yaml" in out


def test_findings_render_one_line_each() -> None:
    findings = [Finding("m.yaml", 3, 5, "KS003", "unknown field 'privte'")]
    assert render_findings(findings, "text") == "m.yaml:3:5: KS003 unknown field 'privte'"
    assert render_findings(findings, "github").startswith(
        "::error file=m.yaml,line=3,col=5,title=kitaru KS003::KS003 unknown field"
    )
    assert json.loads(render_findings(findings, "json"))["errors"][0]["line"] == 3
