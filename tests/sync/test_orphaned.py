"""A declared secret a server lists but holds no values for (``ValuesMissingError`` on
every read): planned as ``blocked`` with an ``orphaned`` finding and its remedy, never
written, failed alone by apply. The real server's version: tests/server/test_orphans.py."""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest

from kitaru.store import failures
from kitaru.store.base import StoredSecret
from kitaru.sync.apply import execute
from kitaru.sync.observe import observe
from kitaru.sync.pipeline import Run
from kitaru.sync.plan import Plan, make_plan
from kitaru.sync.report import FORMATS, render
from kitaru.sync.sources import Desired
from tests.sync.stores import WRITES, CountingStore, MemoryStore
from tests.sync.test_plan import desired_secret

ORPHAN_ID = str(uuid.uuid4())


class OrphanStore(MemoryStore):
    """Lists every secret; reading an orphan fails as a server's API does."""

    def __init__(self, secrets: list[StoredSecret], orphans: set[str]) -> None:
        super().__init__(secrets)
        self.orphans = orphans

    def get(self, secret_id: str) -> StoredSecret:
        if secret_id in self.orphans:
            raise failures.values_missing("reading secret")
        return super().get(secret_id)


def setup(orphan_id: str = ORPHAN_ID) -> tuple[CountingStore, Desired]:
    secrets = [
        StoredSecret(orphan_id, "lost", False, {}),
        StoredSecret("2", "fine", False, {"A": "old"}),
        StoredSecret("3", "undeclared", False, {"B": "b"}),
    ]
    store = CountingStore(OrphanStore(secrets, {orphan_id}))
    desired = Desired(
        "m.yaml", (desired_secret("lost", {"L": "new"}), desired_secret("fine", {"A": "new"}))
    )
    return store, desired


def plan_of(store: CountingStore, desired: Desired) -> Plan:
    return make_plan(desired, observe(store, desired))


def test_plan_blocks_it_with_the_remedy_in_every_format() -> None:
    store, desired = setup()
    plan = plan_of(store, desired)
    lost, fine = plan.secrets
    assert (lost.action, fine.action) == ("blocked", "update")
    assert lost.secret_id == ORPHAN_ID and not lost.writes and not lost.set_values
    (finding,) = lost.drift
    assert finding.kind == "orphaned" and finding.counts
    sql = f"DELETE FROM secret WHERE id = '{uuid.UUID(ORPHAN_ID).hex}' AND `values` IS NULL;"
    assert sql in finding.message
    assert Run(plan).exit_code(detailed=True) == 2
    for fmt in FORMATS:
        shown = render(plan, fmt)
        assert "orphaned" in shown and uuid.UUID(ORPHAN_ID).hex in shown, fmt
    report = json.loads(render(plan, "json"))
    assert report["summary"]["blocked"] == 1 and report["secrets"][0]["action"] == "blocked"
    assert "1 blocked (orphaned)" in render(plan, "text")
    assert store.take() == {"list_all": 1, "get": 2}  # the undeclared secret is not read


def test_apply_fails_it_alone_and_never_writes_it() -> None:
    store, desired = setup()
    plan = plan_of(store, desired)
    store.take()
    result = execute(plan, store)
    lost, fine = result.outcomes
    assert (lost.status, fine.status) == ("failed", "updated")
    assert lost.error is not None and lost.error.startswith("not written: the ZenML server")
    assert store.take() == {"update": 1}  # the other secret only
    assert Run(plan, result).exit_code(detailed=False) == 1
    assert any(d.kind == "orphaned" for d in result.drift_left)
    dry = execute(plan, store, dry_run=True)
    assert [o.status for o in dry.outcomes] == ["blocked", "planned"]
    assert sum(store.calls[name] for name in WRITES) == 0
    assert "blocked (orphaned on the server)" in render(plan, "text", result=dry)


@pytest.mark.parametrize("bad_id", ["x'; DROP TABLE secret; --", "not-a-uuid"])
def test_an_id_that_is_no_uuid_is_never_put_into_sql(bad_id: str) -> None:
    """The ID comes from the server; an admin may paste the remedy."""
    store, desired = setup(bad_id)
    (finding,) = plan_of(store, desired).secrets[0].drift
    assert "DELETE" not in finding.message and bad_id not in finding.message
    assert "a server admin removes its row" in finding.message


def test_observe_keeps_reads_of_declared_secrets_only() -> None:
    """Memory grows with the declared secrets: undeclared ones keep just their list ref."""
    secrets = [StoredSecret(str(i), f"s-{i:04d}", False, {"K": "v"}) for i in range(2000)]
    store = CountingStore(MemoryStore(secrets))
    desired = Desired("m.yaml", (desired_secret("s-0007", {"K": "v"}),))
    reads: list[tuple[int, int, str]] = []
    observed = observe(store, desired, lambda done, total, name: reads.append((done, total, name)))
    assert list(observed.fetched) == ["7"] and len(observed.refs) == 2000
    assert reads == [(1, 1, "s-0007")]
    assert store.take() == {"list_all": 1, "get": 1}


def test_an_orphan_declared_absent_is_blocked_never_deleted_nor_unchanged() -> None:
    """It still exists (listed), and no API can delete it: blocked, with the remedy; apply
    fails it and exits 1 (issue 24, class 5)."""
    store, _ = setup()
    desired = Desired(
        "m.yaml", (dataclasses.replace(desired_secret("lost", {}), absent=True, declared=()),)
    )
    plan = plan_of(store, desired)
    (lost,) = plan.secrets
    assert lost.action == "blocked" and lost.secret_id == ORPHAN_ID and not lost.writes
    (finding,) = lost.drift
    assert finding.kind == "orphaned" and "cannot delete it" in finding.message
    assert finding.message.endswith("then it is gone, as the manifest declares")
    assert Run(plan).exit_code(detailed=True) == 2
    store.take()
    result = execute(plan, store)
    (outcome,) = result.outcomes
    assert outcome.status == "failed" and Run(plan, result).exit_code(detailed=False) == 1
    assert store.take() == {}  # not even tried
    assert [o.status for o in execute(plan, store, dry_run=True).outcomes] == ["blocked"]


def test_a_delete_the_server_answers_with_no_values_fails() -> None:
    """A secret that turned orphaned between plan and apply is not reported deleted."""
    store, _ = setup()
    desired = Desired(
        "m.yaml", (dataclasses.replace(desired_secret("lost", {}), absent=True, declared=()),)
    )
    observed = observe(MemoryStore(list(store.inner.secrets.values())), desired)  # type: ignore[attr-defined]
    plan = make_plan(desired, observed)
    assert plan.secrets[0].action == "delete"

    def refuse(secret_id: str) -> None:
        raise failures.values_missing("deleting secret")

    store.inner.delete = refuse  # type: ignore[attr-defined, method-assign]
    (outcome,) = execute(plan, store).outcomes
    assert outcome.status == "failed" and outcome.error is not None
    assert outcome.error.startswith("not deleted: the ZenML server lists")
