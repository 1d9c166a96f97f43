"""A value declared private never reaches a public secret another user created, by any
road (issue 24, class 3): the planner refuses a write into such a secret of a value whose
variable (or whose value) also feeds a private secret, naming both entries, before anything
is written; `adopt` never proposes the entry that would do it. The real server's version,
with a co-user: tests/server/test_hostile_data.py."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.errors import SecretOwnerError
from kitaru.store.base import StoredSecret
from kitaru.sync.adopt import adopt
from kitaru.sync.apply import execute
from kitaru.sync.manifest import parse_manifest
from kitaru.sync.observe import observe
from kitaru.sync.pipeline import run
from kitaru.sync.plan import make_plan
from kitaru.sync.sources import resolve
from tests.sync.stores import WRITES, CountingStore, MemoryStore

CANARY = "declared-private-canary-9a3c"
TWIN = """\
version: 1
secrets:
  - name: deploy
    private: true
    keys: [API_TOKEN]
  - name: deploy
    keys: [API_TOKEN]
"""


def _store(owner: str | None) -> CountingStore:
    return CountingStore(
        MemoryStore(
            [
                StoredSecret("p", "deploy", True, {"API_TOKEN": "old-private"}, "me"),
                StoredSecret("q", "deploy", False, {"API_TOKEN": "old-public"}, owner),
            ],
            user_id="me",
        )
    )


@pytest.mark.parametrize("owner", ["bob", None])
def test_the_adopted_twin_of_another_user_is_refused_naming_both(owner: str | None) -> None:
    manifest, _ = parse_manifest(TWIN, "secrets.yaml")
    assert manifest is not None
    store = _store(owner)
    with pytest.raises(SecretOwnerError) as err:
        run(manifest, apply=True, environ={"API_TOKEN": CANARY}, store=store)
    message = str(err.value)
    assert "\n" not in message and CANARY not in message
    assert "public secret deploy (created by another user) would receive in API_TOKEN " in message
    assert "$API_TOKEN, which feeds private secret deploy key API_TOKEN" in message
    assert sum(store.calls[name] for name in WRITES) == 0
    assert all(CANARY not in s.values.values() for s in store.inner.secrets.values())  # type: ignore[attr-defined]


def test_your_own_public_twin_is_written() -> None:
    manifest, _ = parse_manifest(TWIN, "secrets.yaml")
    assert manifest is not None
    store = _store("me")
    done = run(manifest, apply=True, environ={"API_TOKEN": CANARY}, store=store)
    assert done.result is not None and done.result.writes == 2


def test_sources_decide_never_values() -> None:
    """Another variable holding the same value is not refused: comparing values would make
    plan (and MCP's plan tool, which an agent drives) an oracle for equal values."""
    text = TWIN.replace(
        "  - name: deploy\n    keys: [API_TOKEN]\n",
        "  - name: deploy\n    keys: [{key: API_TOKEN, from: COPY}]\n",
    )
    manifest, findings = parse_manifest(text, "secrets.yaml")
    assert manifest is not None, findings
    for copy in (CANARY, "public-value"):
        done = run(manifest, environ={"API_TOKEN": CANARY, "COPY": copy}, store=_store("bob"))
        assert not done.plan.crossings


def test_a_hand_made_plan_is_refused_by_apply_too() -> None:
    manifest, _ = parse_manifest(TWIN, "secrets.yaml")
    assert manifest is not None
    store = _store("bob")
    desired = resolve(manifest, environ={"API_TOKEN": CANARY})
    plan = make_plan(desired, observe(store, desired))
    assert len(plan.crossings) == 1
    with pytest.raises(SecretOwnerError):
        execute(plan, store)
    assert sum(store.calls[name] for name in WRITES) == 0


NAMES = st.sampled_from(["app", "db"])
VARS = st.sampled_from(["V1", "V2", "V3"])


@st.composite
def worlds(draw: st.DrawFn) -> tuple[str, dict[str, str], list[StoredSecret]]:
    """A manifest of public and private secrets whose keys read shared variables, and a
    store where each public secret is the caller's, another user's, or nobody known."""
    lines = ["version: 1", "secrets:"]
    seen = set()
    for _ in range(draw(st.integers(1, 4))):
        name, private = draw(NAMES), draw(st.booleans())
        if (name, private) in seen:
            continue
        seen.add((name, private))
        keys = draw(st.lists(VARS, min_size=1, max_size=3, unique=True))
        entries = ", ".join(f"{{key: K_{v}, from: {v}}}" for v in keys)
        lines += [
            f"  - name: {name}",
            f"    private: {str(private).lower()}",
            f"    keys: [{entries}]",
        ]
    env = {v: f"{CANARY}-{v}" for v in ("V1", "V2", "V3")}  # sources decide, not values
    stored = []
    for i, (name, private) in enumerate(sorted(seen)):
        if draw(st.booleans()):
            owner = "me" if private else draw(st.sampled_from(["me", "bob", None]))
            stored.append(StoredSecret(f"s{i}", name, private, {"K_V1": "old"}, owner))
    return "\n".join(lines) + "\n", env, stored


@given(worlds())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_private_value_reaches_a_public_secret_another_user_created(
    world: tuple[str, dict[str, str], list[StoredSecret]],
) -> None:
    text, env, initial = world
    manifest, findings = parse_manifest(text, "m.yaml")
    assert manifest is not None, findings
    memory = MemoryStore(initial, user_id="me")
    private_values = {env[k.env_var] for s in manifest.secrets if s.private for k in s.keys}
    try:
        run(manifest, apply=True, environ=env, store=memory)
    except SecretOwnerError:
        assert memory.secrets == {s.id: s for s in initial}  # refused: nothing written
    for secret in memory.secrets.values():
        if not secret.private and secret.user_id != "me":
            assert not private_values & {v for v in secret.values.values() if v}


def test_adopt_never_proposes_another_users_twin_of_a_private_secret() -> None:
    manifest, _ = parse_manifest(TWIN.split("  - name: deploy\n    keys")[0], "secrets.yaml")
    assert manifest is not None
    found = adopt(manifest=manifest, store=_store("bob"))
    assert found.entries == ()
    (note,) = found.notes
    assert note.startswith("skipped public secret 'deploy': another user created it")
    assert "feeds private secret 'deploy'" in note
    mine = adopt(manifest=manifest, store=_store("me"))
    assert [(e.name, e.private) for e in mine.entries] == [("deploy", False)]
    both = adopt(
        ["deploy"],
        store=CountingStore(
            MemoryStore(
                [
                    StoredSecret("p", "deploy", True, {"API_TOKEN": "x"}, "me"),
                    StoredSecret("q", "deploy", False, {"API_TOKEN": "y"}, "bob"),
                ]
            )
        ),
    )
    assert [(e.name, e.private) for e in both.entries] == [("deploy", True)]
    assert len(both.notes) == 1


def test_a_twin_another_user_creates_between_plan_and_apply_is_not_written() -> None:
    """The public secret did not exist at plan time (create); bob creates it before apply:
    apply's create must not turn into an update of bob's secret."""
    manifest, _ = parse_manifest(TWIN, "secrets.yaml")
    assert manifest is not None
    memory = MemoryStore([StoredSecret("p", "deploy", True, {"API_TOKEN": "old"}, "me")])
    desired = resolve(manifest, environ={"API_TOKEN": CANARY})
    plan = make_plan(desired, observe(memory, desired))
    assert [s.action for s in plan.secrets] == ["update", "create"] and not plan.crossings
    memory.secrets["q"] = StoredSecret("q", "deploy", False, {"API_TOKEN": "bob's"}, "bob")
    outcomes = execute(plan, memory).outcomes
    assert [o.status for o in outcomes] == ["updated", "failed"]
    assert outcomes[1].error is not None and "another user created" in outcomes[1].error
    assert memory.secrets["q"].values == {"API_TOKEN": "bob's"}
