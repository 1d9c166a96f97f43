"""The one road (kitaru.sync.pipeline): what runs in which order, who opens and closes the
store, and that the CLI, the Python API and MCP get one report from it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

import kitaru.secrets  # binds the real open_store before any test swaps it
import kitaru.store
from kitaru.errors import InvalidSecretError, ManifestError, MissingValuesError, StoreError
from kitaru.store import open_store
from kitaru.store.base import SecretRef, StoredSecret
from kitaru.sync import apply as sync_apply
from kitaru.sync import load_manifest
from kitaru.sync import plan as sync_plan
from kitaru.sync.apply import ApplyResult, SecretOutcome
from kitaru.sync.pipeline import ManifestProblems, Run, load, run
from kitaru.sync.plan import Drift, Plan, SecretPlan
from kitaru.sync.sources import Desired
from tests.conftest import Cli
from tests.sync.example import CANARIES, CANARY_DB, CANARY_GITHUB, write_example
from tests.sync.stores import CountingStore, MemoryStore


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return write_example(tmp_path, monkeypatch)


class RecordingStore(MemoryStore):
    """A store that writes every event (its opening included) into a shared log."""

    def __init__(self, log: list[str], fail_on: str | None = None) -> None:
        super().__init__()
        self.log = log
        self.fail_on = fail_on
        log.append("open")

    def _event(self, name: str) -> None:
        self.log.append(name)
        if name == self.fail_on:
            raise StoreError(f"{name}: the ZenML server stopped answering")

    def list_all(self) -> list[SecretRef]:
        self._event("list_all")
        return super().list_all()

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        self._event("create")
        return super().create(name, values, private)

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        self._event("update")
        return super().update(secret_id, set_values, remove_keys, before=before)

    def close(self) -> None:
        self.log.append("close")


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every store the pipeline opens records into this list."""
    events: list[str] = []
    monkeypatch.setattr(kitaru.store, "open_store", lambda: RecordingStore(events))
    return events


def test_the_hook_sees_every_resolved_value_once_before_the_store_opens(
    manifest: Path, log: list[str]
) -> None:
    seen: list[list[str]] = []

    def hook(desired: Desired) -> None:
        seen.append(desired.resolved_values())
        log.append("hook")

    done = run(manifest, apply=True, on_resolved=hook)
    assert done.result is not None and done.result.ok
    assert seen == [[CANARIES[0], CANARY_GITHUB, CANARY_DB]]
    assert log == ["hook", "open", "list_all", "create", "create", "create", "close"]


def test_the_store_is_closed_on_every_failure(
    manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for fail_on in ("list_all", "create"):
        events: list[str] = []
        store = RecordingStore(events, fail_on)
        monkeypatch.setattr(kitaru.store, "open_store", lambda store=store: store)
        if fail_on == "list_all":
            with pytest.raises(StoreError):
                run(manifest)
        else:  # a failed write is an outcome, not an exception
            assert run(manifest, apply=True).exit_code(False) == 1
        assert events[-1] == "close", events
    monkeypatch.setenv("DB_PASSWORD", "x" * 70_000)  # refused before the first write
    events = []
    monkeypatch.setattr(kitaru.store, "open_store", lambda: RecordingStore(events))
    with pytest.raises(InvalidSecretError):
        run(manifest, apply=True)
    assert events == ["open", "list_all", "close"]


def test_nothing_opens_a_store_before_the_manifest_and_values_are_good(
    manifest: Path, log: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    hook_calls: list[Desired] = []
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nsecrets:\n  - name: x\n    privte: true\n")
    with pytest.raises(ManifestProblems) as err:
        run(bad, on_resolved=hook_calls.append)
    assert isinstance(err.value, ManifestError)
    assert [f.code for f in err.value.problems] == ["KS005", "KS003"]  # keys, privte
    monkeypatch.delenv("GITHUB_TOKEN")
    with pytest.raises(MissingValuesError):
        run(manifest, apply=True, on_resolved=hook_calls.append)
    assert hook_calls == [] and log == []


def test_a_store_the_caller_passed_stays_open(manifest: Path, log: list[str]) -> None:
    mine: list[str] = []
    store = RecordingStore(mine)
    pending = sync_plan(manifest, store=store)
    result = sync_apply(pending, store=store)  # a Plan is applied as is: no new list
    assert result.writes == 3
    assert mine == ["open", "list_all", "create", "create", "create"]
    assert log == []  # the pipeline opened none of its own


def test_load_passes_a_manifest_object_through_and_keeps_findings(tmp_path: Path) -> None:
    path = tmp_path / "secrets.yaml"
    path.write_text("version: 1\nsecrets: []\n")
    loaded = load_manifest(path)
    assert load(loaded) is loaded and load(path) == loaded
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ManifestProblems) as err:
        load(missing)
    assert [f.code for f in err.value.problems] == ["KS007"]
    assert str(err.value) == err.value.problems[0].render()


def _plan(*drift: Drift, action: str = "unchanged") -> Plan:
    secret = SecretPlan("app", False, action, drift=drift)  # type: ignore[arg-type]
    return Plan("m.yaml", (secret,))


def test_exit_codes_follow_terraform() -> None:
    value = Drift("value", "app", False, "differs", "K")
    shadow_other = Drift("shadowed", "app", False, "theirs", caller_created=False)
    quiet, drifted = _plan(shadow_other), _plan(value, action="update")
    assert Run(quiet).exit_code(True) == 0 and Run(drifted).exit_code(True) == 2
    assert Run(drifted).exit_code(False) == 0
    dry = ApplyResult(drifted, (SecretOutcome(drifted.secrets[0], "planned"),), dry_run=True)
    assert Run(drifted, dry).exit_code(True) == 2
    fixed = ApplyResult(drifted, (SecretOutcome(drifted.secrets[0], "updated"),), 1)
    assert Run(drifted, fixed).exit_code(True) == 0
    left = ApplyResult(drifted, fixed.outcomes, 1, drift_left=(value,))
    assert Run(drifted, left).exit_code(True) == 2
    failed = ApplyResult(drifted, (SecretOutcome(drifted.secrets[0], "failed", None, "why"),))
    assert Run(drifted, failed).exit_code(False) == 1
    assert Run(drifted, failed).failures == ["app (public): why"]
    assert Run(drifted).failures == []


def test_sdk_round_trips_are_bounded(kitaru_env: object, manifest: Path) -> None:
    store = CountingStore(open_store())
    loaded = load_manifest(manifest)
    first = sync_apply(loaded, store=store)
    assert first.ok and first.writes == 3
    assert store.take() == {"list_all": 1, "create": 3}
    noop = sync_apply(loaded, store=store)
    assert noop.writes == 0
    assert store.take() == {"list_all": 1, "get": 3}
    pending = sync_plan(
        loaded,
        store=store,
        environ={"OPENAI_API_KEY": "x", "GITHUB_TOKEN": "y", "DB_PASSWORD": CANARY_DB},
    )
    assert [s.action for s in pending.secrets] == ["update", "update", "unchanged"]
    store.take()
    assert sync_apply(pending, store=store).writes == 2
    assert store.take() == {"update": 2}


def test_cli_python_api_and_mcp_give_one_report(
    kitaru_env: object, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plan -o json`, ``kitaru.sync.plan`` + the report builder, and MCP's plan tool, on
    one manifest and store with drift of every kind: the CLI and the API agree exactly, and
    MCP's view is the value-blind projection of that same report."""
    pytest.importorskip("mcp", reason="the kitaru[mcp] extra is not installed")
    from kitaru.mcp.plan_view import value_blind
    from kitaru.mcp.tools import SecretTools
    from kitaru.sync.report import report_data

    manifest = manifest.resolve()  # MCP names the manifest by its resolved path
    assert sync_apply(manifest).ok
    kitaru.secrets.set_secret("github-creds", {"LEGACY_KEY": "old"}, private=False)  # extra key
    kitaru.secrets.create_secret(
        "openai-creds", {"OPENAI_API_KEY": "copy"}, private=False
    )  # shadowed
    kitaru.secrets.create_secret("unrelated", {"K": "v"})  # unmanaged
    monkeypatch.setenv("GITHUB_TOKEN", CANARY_GITHUB + "-rotated")  # value drift
    open_store().list_all()  # ZenML's first-run output is not the CLI's

    cli = Cli()("secrets", "plan", "-f", str(manifest), "-o", "json")
    assert cli.exit_code == 0, cli.stderr
    from_cli = json.loads(cli.stdout)
    from_api = report_data(sync_plan(manifest))
    tools = SecretTools(root=manifest.parent)
    from_mcp = tools.plan(str(manifest)).structured_content

    assert from_cli == from_api
    assert from_mcp == value_blind(from_cli)
    kinds = {d["kind"] for d in from_cli["drift"]}
    assert kinds == {"value", "extra_key", "shadowed"} and from_cli["unmanaged"]
    assert from_mcp is not None and "value" not in {d["kind"] for d in from_mcp["drift"]}
