"""Plans and apply results the report tests share, built from an in-memory store.

``drifted`` has one of every fate: a value drift and a pruned extra key that apply
fixes, and a public copy the caller made (shadowed) that apply leaves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kitaru.errors import KitaruError
from kitaru.store.base import StoredSecret
from kitaru.sync.apply import ApplyResult, execute
from kitaru.sync.observe import Observed
from kitaru.sync.plan import Plan, make_plan
from kitaru.sync.sources import Desired
from tests.sync.stores import MemoryStore
from tests.sync.test_plan import desired_secret

CANARY = "kitaru-canary-9f8e7d6c"


class FailingStore(MemoryStore):
    """Every update fails (creates still work)."""

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        raise KitaruError(f"updating secret '{self.get(secret_id).name}': refused")


def plan_and_store(store: MemoryStore | None = None) -> tuple[Plan, MemoryStore]:
    store = store or MemoryStore()
    store.secrets.update(
        {
            s.id: s
            for s in (
                StoredSecret(
                    "1", "drifted", True, {"A_KEY": "old-" + CANARY, "EXTRA": CANARY}, "me"
                ),
                StoredSecret("3", "drifted", False, {"A_KEY": "pub-" + CANARY}, "me"),
                StoredSecret("2", "unmanaged", False, {"Z": CANARY}),
            )
        }
    )
    desired = Desired(
        "secrets.yaml",
        (
            desired_secret("drifted", {"A_KEY": CANARY}, private=True, prune=True),
            desired_secret("fresh", {"B_KEY": CANARY + "-b"}),
        ),
    )
    observed = Observed.of(desired, store.list_all(), list(store.secrets.values()), store.user_id)
    return make_plan(desired, observed, prune=True), store


def plan_and_result(*, dry_run: bool = False, fail: bool = False) -> tuple[Plan, ApplyResult]:
    plan, store = plan_and_store(FailingStore() if fail else MemoryStore())
    return plan, execute(plan, store, dry_run=dry_run)
