"""MCP's plan view: a pure projection of the CLI's report that no stored value decides."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kitaru.mcp.plan_view import value_blind, value_blind_report
from kitaru.store.base import StoredSecret
from kitaru.sync.observe import Observed
from kitaru.sync.plan import make_plan
from kitaru.sync.report import report_data
from kitaru.sync.sources import Desired
from tests.sync.test_plan import desired_secret

VALUES = st.text(min_size=1, max_size=8)


@given(VALUES, VALUES, st.booleans(), st.booleans())
def test_a_right_and_a_wrong_guess_give_the_same_view(
    stored: str, guess: str, extra: bool, prune: bool
) -> None:
    def view(source: str) -> dict[str, object]:
        desired = Desired("m.yaml", (desired_secret("app", {"K": source}, prune=True),))
        held = {"K": stored} | ({"OLD": stored} if extra else {})
        secret = StoredSecret("1", "app", False, held, "me")
        plan = make_plan(desired, Observed.of(desired, [secret.ref], [secret]), prune=prune)
        return value_blind_report(plan)

    assert view(stored) == view(guess)


def test_the_view_keeps_what_no_value_decides() -> None:
    desired = Desired(
        "m.yaml",
        (desired_secret("app", {"K": "new", "ADDED": "a"}), desired_secret("fresh", {"K": "v"})),
    )
    secret = StoredSecret("1", "app", False, {"K": "old"}, "me")
    report = report_data(make_plan(desired, Observed.of(desired, [secret.ref], [secret])))
    view = value_blind(report)
    assert view["summary"] == {
        "create": 1,
        "exists": 1,
        "skip": 0,
        "delete": 0,
        "drift": 1,
        "unmanaged": 0,
    }
    app, fresh = view["secrets"]
    assert (app["action"], fresh["action"]) == ("exists", "create")
    assert [(k["key"], k["action"]) for k in app["keys"]] == [("K", "present"), ("ADDED", "add")]
    assert [d["kind"] for d in view["drift"]] == ["missing_key"]  # the value drift is gone
    assert view["values_compared"] is False and "changes" not in view["summary"]
