"""`kitaru secrets plan/apply` against a real store: the issue's "Must show" list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import Result

from kitaru.errors import StoreError
from kitaru.store import open_store
from kitaru.sync import apply as sync_apply
from kitaru.sync import load_manifest
from kitaru.sync import plan as sync_plan
from tests.conftest import REPO, Cli, all_output
from tests.sync.stores import CountingStore

CANARY_OPENAI = "kitaru-canary-openai-5b1e0c"
CANARY_GITHUB = "kitaru-canary-github-77d2aa"
CANARY_DB = "kitaru-canary-db\nsecond-line-4c4c"
CANARIES = [CANARY_OPENAI, CANARY_GITHUB, *CANARY_DB.splitlines()]

MANIFEST = """\
version: 1
secrets:
  - name: openai-creds
    private: true
    keys:
      - OPENAI_API_KEY
      - key: OPENAI_ORG_ID
        from: OPENAI_ORGANIZATION
        optional: true
  - name: github-creds
    prune: true
    keys: [GITHUB_TOKEN]
  - name: db-creds
    keys: [DB_PASSWORD]
"""


@pytest.fixture(autouse=True)
def store_opened(kitaru_env: object) -> None:
    """Open the store outside the CliRunner: ZenML binds its log stream to the stdout
    current at its first import, and its first-run notice is not kitaru's output."""
    open_store().list_all()


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "secrets.yaml"
    path.write_text(MANIFEST)
    monkeypatch.setenv("OPENAI_API_KEY", CANARY_OPENAI)
    monkeypatch.setenv("GITHUB_TOKEN", CANARY_GITHUB)
    monkeypatch.setenv("DB_PASSWORD", CANARY_DB)
    monkeypatch.delenv("OPENAI_ORGANIZATION", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return path


def stored_state() -> dict[tuple[str, bool], dict[str, str | None]]:
    store = open_store()
    return {
        (s.name, s.private): dict(s.values) for s in (store.get(r.id) for r in store.list_all())
    }


def assert_no_canary(results: list[Result]) -> None:
    output = all_output(results)
    for canary in CANARIES:
        assert canary not in output


def test_first_apply_creates_then_second_is_a_no_op(cli: Cli, manifest: Path) -> None:
    first = cli("secrets", "apply", "-f", str(manifest))
    assert first.exit_code == 0, first.stderr
    assert [line.split()[1] for line in first.stdout.splitlines() if line.endswith("created")] == [
        "openai-creds",
        "github-creds",
        "db-creds",
    ]
    assert stored_state() == {
        ("openai-creds", True): {"OPENAI_API_KEY": CANARY_OPENAI},
        ("github-creds", False): {"GITHUB_TOKEN": CANARY_GITHUB},
        ("db-creds", False): {"DB_PASSWORD": CANARY_DB},
    }
    second = cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode", "-o", "json")
    assert second.exit_code == 0, second.stderr
    payload = json.loads(second.stdout)
    assert payload["summary"]["writes"] == 0
    assert {s["status"] for s in payload["secrets"]} == {"unchanged"}
    plan = cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode")
    assert plan.exit_code == 0
    assert_no_canary([first, second, plan])


def test_changed_value_is_an_update_and_plan_exits_2(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("secrets", "apply", "-f", str(manifest)).exit_code == 0
    monkeypatch.setenv("GITHUB_TOKEN", CANARY_GITHUB + "-rotated")
    plan = cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode", "-o", "json")
    assert plan.exit_code == 2
    secrets = {s["name"]: s for s in json.loads(plan.stdout)["secrets"]}
    assert secrets["github-creds"]["action"] == "update"
    assert secrets["github-creds"]["keys"] == [
        {"key": "GITHUB_TOKEN", "action": "change", "source": "env:GITHUB_TOKEN"}
    ]
    assert cli("secrets", "plan", "-f", str(manifest)).exit_code == 0  # 2 only when asked
    applied = cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode")
    assert applied.exit_code == 0
    assert "1 updated" in applied.stdout
    assert stored_state()[("github-creds", False)] == {"GITHUB_TOKEN": CANARY_GITHUB + "-rotated"}
    assert_no_canary([plan, applied])


def test_a_changed_visibility_gets_the_new_secret_and_the_old_is_shadowed(
    cli: Cli, manifest: Path
) -> None:
    """A manifest secret is its name and visibility: a public copy of a secret declared
    private is never written into; apply creates the private one and reports the copy."""
    assert cli("secrets", "apply", "-f", str(manifest)).exit_code == 0
    from zenml.client import Client

    (ref,) = [r for r in open_store().list_all() if r.name == "openai-creds"]
    Client().update_secret(ref.id, update_private=False)  # made public out of band
    public_before = stored_state()[("openai-creds", False)]
    plan = cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode", "-o", "json")
    assert plan.exit_code == 2
    payload = json.loads(plan.stdout)
    (secret,) = [s for s in payload["secrets"] if s["name"] == "openai-creds"]
    assert (secret["action"], secret["private"], secret["id"]) == ("create", True, None)
    drift = payload["drift"]
    assert [(d["kind"], d["secret"], d["id"]) for d in drift] == [
        ("shadowed", "openai-creds", ref.id)
    ]
    assert drift[0]["caller_created"] is True and "created by you" in drift[0]["message"]
    applied = cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode")
    assert applied.exit_code == 2  # the public copy is left, and it is the caller's
    assert "shadowed" in applied.stdout and "1 created" in applied.stdout
    assert stored_state()[("openai-creds", False)] == public_before
    assert ("openai-creds", True) in stored_state()
    again = cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode", "-o", "json")
    assert again.exit_code == 2 and json.loads(again.stdout)["summary"]["writes"] == 0


def test_extra_key_is_removed_only_with_prune_on_prune_true(cli: Cli, manifest: Path) -> None:
    assert cli("secrets", "apply", "-f", str(manifest)).exit_code == 0
    for name in ("github-creds", "db-creds"):
        assert cli("secrets", "set", name, "--public", "--LEGACY_KEY=old").exit_code == 0
    plan = cli("secrets", "plan", "-f", str(manifest), "-o", "json")
    extra = [(d["secret"], d["key"]) for d in json.loads(plan.stdout)["drift"]]
    assert sorted(extra) == [("db-creds", "LEGACY_KEY"), ("github-creds", "LEGACY_KEY")]
    kept = cli("secrets", "apply", "-f", str(manifest))
    assert kept.exit_code == 0 and "0 updated" in kept.stdout
    assert "LEGACY_KEY" in stored_state()[("github-creds", False)]
    pruned = cli("secrets", "apply", "-f", str(manifest), "--prune")
    assert pruned.exit_code == 0 and "1 updated" in pruned.stdout
    state = stored_state()
    assert "LEGACY_KEY" not in state[("github-creds", False)]
    assert "LEGACY_KEY" in state[("db-creds", False)]  # not prune: true


def test_missing_values_fail_before_any_write(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("DB_PASSWORD", "")
    result = cli("secrets", "apply", "-f", str(manifest))
    assert result.exit_code == 1
    assert "github-creds/GITHUB_TOKEN" in result.stderr and "db-creds/DB_PASSWORD" in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert open_store().list_all() == []
    assert_no_canary([result])


def test_bad_manifest_lists_every_problem_and_exits_1(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("secrets:\n  - name: x\n    privte: true\n    private: 'yes'\n    keys: [1A]\n")
    for command in ("plan", "apply"):
        result = cli("secrets", command, "-f", str(path))
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            f"{path}:1:1: KS005 missing required field 'version'",
            f"{path}:3:5: KS003 unknown field 'privte'; did you mean 'private'?",
            f"{path}:4:14: KS004 'private' must be true or false",
            f"{path}:5:12: KS201 invalid key name '1A': keys must look like environment "
            "variables (letters, digits and _, not starting with a digit), e.g. OPENAI_API_KEY",
        ]
    github = cli("secrets", "plan", "-f", str(path), "-o", "github")
    assert github.stdout.startswith(f"::error file={path},line=1,col=1,title=kitaru KS005::")


def test_usage_errors_exit_1_not_2(cli: Cli, manifest: Path) -> None:
    assert cli("secrets", "plan", "-f", str(manifest), "--bogus").exit_code == 1
    assert cli("secrets", "apply", "-f", str(manifest), "-o", "yaml").exit_code == 1
    missing = cli("secrets", "plan", "-f", str(manifest.parent / "nope.yaml"))
    assert missing.exit_code == 1 and "KS007" in missing.stderr


def test_github_actions_alone_prints_no_value(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan and apply print no values, so no mask line either unless asked: a mask line holds
    the raw value, and `plan 2>&1 | tee plan.txt` would keep it."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    for command in ("plan", "apply"):
        for fmt in ("text", "github", "markdown", "json"):
            result = cli("secrets", command, "-f", str(manifest), "-o", fmt)
            assert result.exit_code == 0, result.stderr
            assert "::add-mask::" not in all_output([result])
            assert all(canary not in all_output([result]) for canary in CANARIES)


def test_github_mask_flag_masks_every_value_first_on_stderr_only(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    outputs = []
    masks = [f"::add-mask::{line}" for line in (CANARY_OPENAI, CANARY_GITHUB, *CANARY_DB.split())]
    for command in ("plan", "apply"):
        for fmt in ("github", "markdown", "json"):
            result = cli("secrets", command, "-f", str(manifest), "-o", fmt, "--github-mask")
            outputs.append(result.stdout)
            assert result.exit_code == 0
            lines = result.stderr.splitlines()
            assert lines[: len(masks)] == masks
            # stdout may be redirected to a file (e.g. $GITHUB_STEP_SUMMARY): never a value there
            rest = "\n".join(lines[len(masks) :]) + result.stdout
            assert all(canary not in rest for canary in CANARIES)
    assert "::notice file=" in outputs[0]


def test_every_output_format_is_value_free(cli: Cli, manifest: Path) -> None:
    results = []
    for fmt in ("text", "json", "markdown", "github"):
        results.append(cli("secrets", "plan", "-f", str(manifest), "-o", fmt))
        results.append(cli("secrets", "apply", "-f", str(manifest), "--dry-run", "-o", fmt))
    assert all(r.exit_code == 0 for r in results)
    assert open_store().list_all() == []  # plan and --dry-run write nothing
    results.append(cli("secrets", "apply", "-f", str(manifest), "-o", "markdown"))
    assert results[-1].stdout.startswith("### kitaru secrets apply")
    assert_no_canary(results)


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


def test_create_that_races_is_retried_as_update(kitaru_env: object, manifest: Path) -> None:
    from kitaru.secrets import create_secret

    pending = sync_plan(manifest)
    assert pending.secrets[2].action == "create"
    create_secret("db-creds", {"DB_PASSWORD": "raced", "OTHER": "kept"})  # another writer
    result = sync_apply(pending)
    assert result.ok
    assert [o.status for o in result.outcomes] == ["created", "created", "updated"]
    assert stored_state()[("db-creds", False)] == {"DB_PASSWORD": CANARY_DB, "OTHER": "kept"}


class FailingStore(CountingStore):
    """Kitaru's store with one secret's writes failing (a backend outage, say)."""

    def __init__(self, fail_name: str) -> None:
        super().__init__(open_store())
        self.fail_name = fail_name

    def create(self, name: str, values: object, private: bool) -> object:  # type: ignore[override]
        if name == self.fail_name:
            raise StoreError(f"creating secret '{name}': the ZenML server stopped answering")
        return super().create(name, values, private)  # type: ignore[arg-type]


def test_one_failure_is_reported_with_the_others_and_rerun_converges(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kitaru.store

    original = kitaru.store.open_store
    monkeypatch.setattr(kitaru.store, "open_store", lambda: FailingStore("github-creds"))
    failed = cli("secrets", "apply", "-f", str(manifest), "-o", "json")
    assert failed.exit_code == 1
    statuses = {s["name"]: (s["status"], s["error"]) for s in json.loads(failed.stdout)["secrets"]}
    assert statuses["github-creds"] == (
        "failed",
        "creating secret 'github-creds': the ZenML server stopped answering",
    )
    assert statuses["openai-creds"][0] == statuses["db-creds"][0] == "created"
    monkeypatch.setattr(kitaru.store, "open_store", original)
    rerun = cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode")
    assert rerun.exit_code == 0 and "1 created" in rerun.stdout and "2 unchanged" in rerun.stdout
    assert_no_canary([failed, rerun])


def test_readme_command_applies_the_example(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    args = ("-f", "examples/secrets.yaml", "--env-file", "examples/.env.example")
    result = cli("secrets", "apply", *args)
    assert result.exit_code == 0, result.stderr
    assert "3 created" in result.stdout
    assert cli("secrets", "apply", *args, "--detailed-exitcode").exit_code == 0
    assert "replace-me" not in result.stdout
