"""`state: absent` and `create_only` through the one pipeline, on kitaru's in-memory store:
the planner's properties (hypothesis) and how every report renders a delete and a kept key."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.errors import MissingValuesError
from kitaru.mcp.plan_view import value_blind_report
from kitaru.store.base import StoredSecret
from kitaru.sync.manifest import Manifest, parse_manifest
from kitaru.sync.pipeline import run
from kitaru.sync.report import FORMATS, render
from tests.sync.stores import CountingStore, MemoryStore

CANARY_OLD = "kitaru-canary-rotated-out-of-band-91c3"
CANARY_NEW = "kitaru-canary-from-the-environment-0d7e"


def manifest(text: str) -> Manifest:
    parsed, findings = parse_manifest("version: 1\nsecrets:\n" + text, "m.yaml")
    assert parsed is not None, [f.render() for f in findings]
    return parsed


def absent_manifest(declared: set[tuple[str, bool]]) -> Manifest:
    lines = [
        f"  - name: {name}\n    private: {'true' if private else 'false'}\n    state: absent\n"
        for name, private in sorted(declared)
    ]
    return manifest("".join(lines) or "  - name: unrelated\n    state: absent\n")


_identity = st.tuples(st.sampled_from(["app", "db", "ci", "web"]), st.booleans())


@given(st.sets(_identity, max_size=8), st.sets(_identity, max_size=4))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_absent_deletes_only_the_declared_name_and_visibility(
    stored: set[tuple[str, bool]], declared: set[tuple[str, bool]]
) -> None:
    store = MemoryStore([StoredSecret(f"id-{n}-{p}", n, p, {"K": "v"}) for n, p in sorted(stored)])
    done = run(absent_manifest(declared), apply=True, environ={}, store=store)
    assert done.result is not None and done.result.ok
    expected_gone = stored & declared
    left = {(s.name, s.private) for s in store.secrets.values()}
    assert left == stored - declared  # every twin and every undeclared secret survives
    actions = {(s.name, s.private): s.action for s in done.plan.secrets}
    for identity, action in actions.items():
        assert action == ("delete" if identity in expected_gone else "unchanged")
    assert done.result.count("deleted") == len(expected_gone)
    unmanaged = {(d.secret, d.private) for d in done.plan.unmanaged}
    assert unmanaged == stored - declared  # a twin is not claimed by its absent sibling


_keys = st.sets(st.sampled_from(["A", "B", "C", "D"]), min_size=1)


@given(
    declared=_keys,
    create_only=st.sets(st.sampled_from(["A", "B", "C", "D"])),
    stored_keys=st.sets(st.sampled_from(["A", "B", "C", "D", "E"])),
    whole=st.booleans(),
)
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_a_create_only_keys_stored_value_is_never_in_a_write(
    declared: set[str], create_only: set[str], stored_keys: set[str], whole: bool
) -> None:
    keys = "".join(
        f"      - key: {key}\n        create_only: {'true' if key in create_only else 'false'}\n"
        for key in sorted(declared)
    )
    head = "  - name: app\n" + ("    create_only: true\n" if whole else "")
    spec = manifest(head + "    keys:\n" + keys)
    kept = (declared if whole else declared & create_only) & stored_keys
    store = MemoryStore(
        [StoredSecret("id-1", "app", False, dict.fromkeys(stored_keys, CANARY_OLD))]
    )
    environ = dict.fromkeys(declared, CANARY_NEW)
    done = run(spec, apply=True, environ=environ, store=store)
    (secret,) = done.plan.secrets
    assert not set(secret.set_values) & kept
    assert set(secret.kept) == kept
    assert not [d for d in secret.drift if d.key in kept]  # kept is not drift
    values = store.secrets["id-1"].values
    assert all(values[key] == CANARY_OLD for key in kept)
    assert all(values[key] == CANARY_NEW for key in declared - kept)


def test_a_create_only_key_without_a_source_is_fine_while_stored_and_an_error_when_missing() -> (
    None
):
    spec = manifest("  - name: app\n    keys:\n      - key: TOKEN\n        create_only: true\n")
    store = CountingStore(MemoryStore([StoredSecret("id-1", "app", False, {"TOKEN": CANARY_OLD})]))
    done = run(spec, apply=True, environ={}, store=store)
    assert done.plan.secrets[0].action == "unchanged" and store.writes == 0
    assert done.plan.secrets[0].kept == ("TOKEN",)
    assert done.exit_code(detailed=True) == 0
    empty = CountingStore(MemoryStore())
    with pytest.raises(MissingValuesError, match=r"app/TOKEN \(\$TOKEN, m.yaml:5\)") as err:
        run(spec, apply=True, environ={}, store=empty)
    assert empty.writes == 0 and "nothing was written" in str(err.value)
    created = run(spec, apply=True, environ={"TOKEN": CANARY_NEW}, store=empty.inner)
    assert created.result is not None and created.result.count("created") == 1


def test_already_absent_is_unchanged_and_a_pending_delete_is_a_change() -> None:
    spec = manifest("  - name: old\n    state: absent\n")
    store = CountingStore(MemoryStore())
    quiet = run(spec, apply=True, environ={}, store=store)
    assert quiet.plan.secrets[0].action == "unchanged" and store.writes == 0
    assert quiet.exit_code(detailed=True) == 0
    store.inner.secrets["x"] = StoredSecret("x", "old", False, {"K": CANARY_OLD})
    store.take()
    pending = run(spec, environ={}, store=store)
    assert pending.plan.has_changes and pending.exit_code(detailed=True) == 2
    # one get: a server that lists it but cannot read it (orphaned) cannot delete it either
    assert store.take() == {"list_all": 1, "get": 1}
    applied = run(spec, apply=True, environ={}, store=store)
    assert applied.result is not None and applied.result.count("deleted") == 1
    assert store.inner.secrets == {} and applied.exit_code(detailed=True) == 0


def test_a_delete_is_refused_when_the_id_changed_visibility_since_the_plan() -> None:
    store = MemoryStore([StoredSecret("x", "old", False, {"K": "v"})])
    spec = manifest("  - name: old\n    state: absent\n")
    pending = run(spec, environ={}, store=store).plan
    store.secrets["x"] = StoredSecret("x", "old", True, {"K": "v"})  # flipped out of band
    done = run(pending, apply=True, store=store)
    assert done.result is not None and done.result.failed and "x" in store.secrets
    assert done.exit_code(detailed=False) == 1


MIXED = """\
  - name: old
    state: absent
  - name: app
    keys:
      - key: TOKEN
        create_only: true
      - URL
"""


def _mixed_store() -> MemoryStore:
    return MemoryStore(
        [
            StoredSecret("id-old", "old", False, {"K": CANARY_OLD}),
            StoredSecret("id-twin", "old", True, {"K": CANARY_OLD}),
            StoredSecret("id-app", "app", False, {"TOKEN": CANARY_OLD, "URL": "u"}),
        ]
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("apply", [False, True], ids=["plan", "apply"])
def test_every_format_renders_the_delete_and_the_kept_key_without_values(
    fmt: str, apply: bool
) -> None:
    environ = {"TOKEN": CANARY_NEW, "URL": "u"}
    done = run(manifest(MIXED), apply=apply, environ=environ, store=_mixed_store())
    text = render(done.plan, fmt, result=done.result)
    for canary in (CANARY_OLD, CANARY_NEW):
        assert canary not in text
        for digest in ("md5", "sha1", "sha256", "sha512"):  # nor a hash of one
            assert hashlib.new(digest, canary.encode()).hexdigest() not in text
    if fmt == "json":
        payload = json.loads(text)
        secrets = {s["name"]: s for s in payload["secrets"]}
        assert secrets["old"]["action"] == "delete" and secrets["old"]["id"] == "id-old"
        assert {"key": "TOKEN", "action": "kept", "source": "env:TOKEN"} in secrets["app"]["keys"]
        assert payload["summary"]["delete"] == 1
        if apply:
            assert secrets["old"]["status"] == "deleted" and payload["summary"]["deleted"] == 1
        assert [u["id"] for u in payload["unmanaged"]] == ["id-twin"]
        return
    assert "TOKEN" in text and "create-only, kept as stored" in text
    if fmt == "github":
        assert "delete old (public)" in text
        assert "::notice" in text and "kitaru create-only keys kept" in text
    else:
        assert ("deleted" if apply else "delete") in text
    summary = text.splitlines()[-1]
    assert ("1 deleted" if apply else "1 to delete") in summary


def test_mcps_value_blind_plan_shows_the_delete_and_never_applies() -> None:
    store = CountingStore(_mixed_store())
    done = run(manifest(MIXED), environ={"TOKEN": CANARY_NEW, "URL": "u"}, store=store)
    view = value_blind_report(done.plan)
    secrets = {s["name"]: s for s in view["secrets"]}
    assert secrets["old"]["action"] == "delete" and view["summary"]["delete"] == 1
    assert {"key": "TOKEN", "action": "kept", "source": "env:TOKEN"} in secrets["app"]["keys"]
    assert store.writes == 0
    assert CANARY_OLD not in json.dumps(view) and CANARY_NEW not in json.dumps(view)


def test_the_manifest_model_built_by_hand_has_the_same_capabilities() -> None:
    from kitaru.sync.manifest import KeySpec, SecretSpec

    by_hand = Manifest(
        1,
        (
            SecretSpec("old", state="absent", keys=(KeySpec("IGNORED"),)),
            SecretSpec("app", (KeySpec("TOKEN", create_only=True),)),
        ),
    )
    store = _mixed_store()
    done = run(by_hand, apply=True, environ={"TOKEN": CANARY_NEW}, store=store)
    assert [s.action for s in done.plan.secrets] == ["delete", "unchanged"]
    assert "id-old" not in store.secrets and "id-twin" in store.secrets
    assert store.secrets["id-app"].values["TOKEN"] == CANARY_OLD
    with pytest.raises(ValueError, match="state must be one of present, absent"):
        SecretSpec("x", state="gone")


def test_adopt_costs_one_list_and_one_get_per_candidate() -> None:
    from kitaru.sync.adopt import adopt

    store = CountingStore(_mixed_store())
    found = adopt(manifest=manifest(MIXED), store=store)
    assert [(e.name, e.private) for e in found.entries] == [("old", True)]
    assert store.take() == {"list_all": 1, "get": 1}
