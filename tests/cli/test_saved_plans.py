"""`plan --out` / `apply --plan`, `--target` and `--max-age` against a real store (embedded,
a real server through ZenML's client and through kitaru's REST store)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from kitaru.store import open_store
from kitaru.sync import apply as sync_apply
from kitaru.sync import plan as sync_plan
from kitaru.sync.pipeline import run
from kitaru.sync.saved_plan import StalePlanError
from tests.conftest import Cli, all_output
from tests.sync.example import CANARIES, CANARY_DB, CANARY_GITHUB, stored_state, write_example

ISO_UTC = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"


@pytest.fixture
def cli(kitaru_env: object) -> Cli:
    """The store opened outside the CliRunner (ZenML binds its log stream at first use)."""
    open_store().list_all()
    return Cli()


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_example(tmp_path, monkeypatch)


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.stderr
    return result


def _saved(cli: Cli, manifest: Path, *extra: str) -> Path:
    out = manifest.parent / "plan.json"
    _ok(cli("secrets", "plan", "-f", str(manifest), "--out", str(out), *extra))
    return out


def _refused(cli: Cli, plan: Path) -> Result:
    """apply --plan exits 1 with `plan is stale:` and writes nothing."""
    before = stored_state()
    result = cli("secrets", "apply", "--plan", str(plan))
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("Error: plan is stale:\n"), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert stored_state() == before
    assert all(canary not in all_output([result]) for canary in CANARIES)
    return result


def test_a_saved_plan_applies_when_nothing_moved(cli: Cli, manifest: Path) -> None:
    _ok(cli("secrets", "apply", "-f", str(manifest), "--target", "db-creds"))
    plan = _saved(cli, manifest)
    document = json.loads(plan.read_text())
    assert document["format_version"] == 1
    body = document["body"]
    assert body["manifest"]["path"] == "secrets.yaml" and body["env_files"] == []  # relative
    by_name = {s["name"]: s for s in body["secrets"]}
    assert by_name["openai-creds"]["action"] == "create" and by_name["openai-creds"]["id"] is None
    db = by_name["db-creds"]
    assert db["action"] == "unchanged" and db["id"] and db["updated"]
    assert db["keys"] == [
        {"key": "DB_PASSWORD", "action": "unchanged", "source": "env:DB_PASSWORD"}
    ]
    applied = _ok(cli("secrets", "apply", "--plan", str(plan), "-o", "json"))
    summary = json.loads(applied.stdout)["summary"]
    assert (summary["create"], summary["writes"]) == (2, 2)
    assert stored_state()[("github-creds", False)] == {"GITHUB_TOKEN": CANARY_GITHUB}
    assert all(canary not in all_output([applied]) for canary in CANARIES)
    # The plan is spent: the store moved (two secrets now exist), so it applies no more.
    reasons = _refused(cli, plan).stderr
    assert "openai-creds (private): created in the store after the plan was made" in reasons


def test_an_out_of_band_set_makes_the_plan_stale(cli: Cli, manifest: Path) -> None:
    _ok(cli("secrets", "apply", "-f", str(manifest)))
    plan = _saved(cli, manifest)
    # A key the manifest does not declare: no action changes, only the updated time.
    _ok(cli("secrets", "set", "github-creds", "--public", "--LEGACY=x"))
    reasons = _refused(cli, plan).stderr
    assert "github-creds (public): changed in the store after the plan was made" in reasons
    assert "db-creds" not in reasons


def test_an_edited_manifest_makes_the_plan_stale(cli: Cli, manifest: Path) -> None:
    plan = _saved(cli, manifest)
    manifest.write_text(manifest.read_text() + "# a comment\n")
    reasons = _refused(cli, plan).stderr.splitlines()
    assert reasons[1:] == ["  the manifest secrets.yaml changed after the plan was made"]
    assert open_store().list_all() == []


def test_a_deleted_target_makes_the_plan_stale(cli: Cli, manifest: Path) -> None:
    _ok(cli("secrets", "apply", "-f", str(manifest)))
    plan = _saved(cli, manifest)
    _ok(cli("secrets", "delete", "db-creds", "--public"))
    reasons = _refused(cli, plan).stderr
    assert "db-creds (public): deleted from the store after the plan was made (was " in reasons


def test_a_changed_source_that_changes_an_action_makes_the_plan_stale(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ok(cli("secrets", "apply", "-f", str(manifest)))
    plan = _saved(cli, manifest)
    monkeypatch.setenv("DB_PASSWORD", CANARY_DB + "-rotated")
    reasons = _refused(cli, plan).stderr.splitlines()
    assert reasons[1:] == [
        "  db-creds (public): the plan said unchanged, a fresh plan says update",
        "  db-creds (public) key DB_PASSWORD: the plan said unchanged, a fresh plan says change",
    ]
    monkeypatch.setenv("DB_PASSWORD", CANARY_DB)  # back as planned: the plan applies again
    _ok(cli("secrets", "apply", "--plan", str(plan)))


def test_a_hand_edited_plan_or_another_version_is_refused(cli: Cli, manifest: Path) -> None:
    plan = _saved(cli, manifest)
    document = json.loads(plan.read_text())
    document["body"]["secrets"][0]["action"] = "unchanged"
    plan.write_text(json.dumps(document))
    edited = cli("secrets", "apply", "--plan", str(plan), "-o", "json")
    assert edited.exit_code == 1
    assert "does not match its body_sha256 (edited after it was written?)" in edited.stderr
    assert json.loads(edited.stdout)["errors"][0]["message"].startswith(f"plan file {plan}: ")
    document = json.loads(_saved(cli, manifest).read_text())
    document["format_version"] = 2
    plan.write_text(json.dumps(document))
    other = cli("secrets", "apply", "--plan", str(plan))
    assert other.exit_code == 1
    assert other.stderr.splitlines() == [
        f"Error: plan file {plan}: format_version 2 is not the one this kitaru reads (1); "
        "make a new one with `kitaru secrets plan --out`"
    ]
    plan.write_text("{not json")
    assert "not JSON" in cli("secrets", "apply", "--plan", str(plan)).stderr
    assert open_store().list_all() == []


def test_plan_flags_are_the_plan_files_to_decide(cli: Cli, manifest: Path) -> None:
    plan = _saved(cli, manifest, "--target", "db-creds")
    mixed = cli("secrets", "apply", "--plan", str(plan), "--prune", "-f", str(manifest))
    assert mixed.exit_code == 1 and "drop --prune" in mixed.stderr
    assert open_store().list_all() == []
    other = manifest.parent / "other.yaml"
    other.write_text(manifest.read_text())
    pinned = cli("secrets", "apply", "--plan", str(plan), "-f", str(other))
    assert pinned.exit_code == 1 and "not the one --file pins" in pinned.stderr
    assert open_store().list_all() == []
    _ok(cli("secrets", "apply", "--plan", str(plan), "-f", "secrets.yaml", "--dry-run"))
    _ok(cli("secrets", "apply", "--plan", str(plan)))  # its target is replayed
    assert set(stored_state()) == {("db-creds", False)}


def test_target_limits_plan_and_apply_and_rejects_an_undeclared_name(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")  # an untargeted secret needs no value
    plan = _ok(
        cli("secrets", "plan", "-f", str(manifest), "--target", "github-creds", "-o", "json")
    )
    payload = json.loads(plan.stdout)
    assert [s["name"] for s in payload["secrets"]] == ["github-creds"]
    assert payload["targets"] == ["github-creds"]
    text = _ok(cli("secrets", "plan", "-f", str(manifest), "--target", "github-creds"))
    assert "Targeted (--target): github-creds; the manifest's other secrets left out" in text.stdout
    args = ("--target", "github-creds", "--target", "db-creds")
    _ok(cli("secrets", "apply", "-f", str(manifest), *args))
    assert set(stored_state()) == {("github-creds", False), ("db-creds", False)}
    again = _ok(cli("secrets", "plan", "-f", str(manifest), "--target", "db-creds", "-o", "json"))
    assert json.loads(again.stdout)["unmanaged"] == []  # github-creds is declared, not unmanaged
    for command in ("plan", "apply"):
        wrong = cli("secrets", command, "-f", str(manifest), "--target", "nope-creds")
        assert wrong.exit_code == 1
        assert wrong.stderr.splitlines() == [
            "Error: --target 'nope-creds': the manifest declares no secret of that name"
        ]
    assert set(stored_state()) == {("github-creds", False), ("db-creds", False)}


def test_max_age_flags_an_old_secret_and_times_are_iso_utc(cli: Cli, manifest: Path) -> None:
    _ok(cli("secrets", "apply", "-f", str(manifest)))
    fresh = _ok(cli("secrets", "plan", "-f", str(manifest), "--max-age", "90d", "-o", "json"))
    payload = json.loads(fresh.stdout)
    assert payload["max_age"] == "90d" and payload["drift"] == []
    for secret in payload["secrets"]:
        assert secret["created"] is not None
        for field in ("created", "updated"):
            assert re.match(ISO_UTC, secret[field]), secret[field]
    text = _ok(cli("secrets", "plan", "-f", str(manifest)))
    assert "updated " in text.stdout and "s ago" in text.stdout
    # Python API with an injected clock: 91 days on, every managed secret is `age` drift.
    later = datetime.now(UTC) + timedelta(days=91)
    aged = sync_plan(str(manifest), max_age=timedelta(days=90), now=later)
    kinds = sorted((d.secret, d.kind) for d in aged.drift)
    assert kinds == [("db-creds", "age"), ("github-creds", "age"), ("openai-creds", "age")]
    assert aged.has_drift
    assert (
        "not updated for longer than --max-age 90d (last updated 91d ago" in aged.drift[0].message
    )
    bad = cli("secrets", "plan", "-f", str(manifest), "--max-age", "3 weeks")
    assert bad.exit_code == 1 and "--max-age takes a positive whole number" in bad.stderr


def test_max_age_counts_for_detailed_exitcode(cli: Cli, manifest: Path) -> None:
    _ok(cli("secrets", "apply", "-f", str(manifest)))
    # The store's clock and the runner's agree within a second; "1s" is older than that
    # only after a second, so use the Python API's clock to age them instead of sleeping.
    later = datetime.now(UTC) + timedelta(hours=2)
    done = run(str(manifest), max_age=timedelta(hours=1), now=later)
    assert done.exit_code(detailed=True) == 2 and done.exit_code(detailed=False) == 0
    plan = done.plan
    from kitaru.sync.report import render

    for fmt in ("text", "json", "markdown", "github"):
        shown = render(plan, fmt)
        assert "age" in shown and "--max-age 1h" in shown
        assert all(canary not in shown for canary in CANARIES)
    assert "::warning" in render(plan, "github")
    young = _ok(
        cli("secrets", "plan", "-f", str(manifest), "--max-age", "1h", "--detailed-exitcode")
    )
    assert "Drift:" not in young.stdout


def test_times_in_show_and_list_are_iso_utc(cli: Cli, manifest: Path) -> None:
    _ok(cli("secrets", "apply", "-f", str(manifest)))
    shown = json.loads(_ok(cli("secrets", "show", "db-creds", "-o", "json")).stdout)
    assert re.match(ISO_UTC, shown["created"]) and re.match(ISO_UTC, shown["updated"])
    listed = json.loads(_ok(cli("secrets", "list", "-o", "json")).stdout)
    assert all(re.match(ISO_UTC, s["created"]) and re.match(ISO_UTC, s["updated"]) for s in listed)
    text = _ok(cli("secrets", "show", "db-creds")).stdout
    assert re.search(r"^updated: +\S+Z \(\d+s ago\)$", text, re.M), text
    listing = _ok(cli("secrets", "list")).stdout.splitlines()
    assert "UPDATED" in listing[0] and all(" ago" in line for line in listing[1:])
    outputs = [cli("secrets", "show", "db-creds"), cli("secrets", "list", "-o", "json")]
    assert all(canary not in all_output(outputs) for canary in CANARIES)


def test_a_failed_plan_writes_no_plan_file(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = _saved(cli, manifest)
    first = plan.read_bytes()
    monkeypatch.delenv("GITHUB_TOKEN")
    failed = cli("secrets", "plan", "-f", str(manifest), "--out", str(plan))
    assert failed.exit_code == 1 and "github-creds/GITHUB_TOKEN" in failed.stderr
    assert plan.read_bytes() == first
    other = manifest.parent / "other.json"
    assert cli("secrets", "plan", "-f", str(manifest), "--out", str(other)).exit_code == 1
    assert not other.exists()


def test_python_api_saves_and_applies_a_plan(manifest: Path, kitaru_env: object) -> None:
    out = manifest.parent / "plan.json"
    sync_plan(str(manifest), out=out, target=["db-creds"])
    result = sync_apply(plan_file=out)
    assert result.writes == 1 and set(stored_state()) == {("db-creds", False)}
    with pytest.raises(StalePlanError) as stale:
        sync_apply(plan_file=out)
    assert stale.value.reasons == (
        f"db-creds (public): created in the store after the plan was made "
        f"({open_store().list_all()[0].id})",
    )


def test_a_resealed_plan_naming_files_outside_the_tree_is_refused_unread(
    cli: Cli, manifest: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A pull request's own plan.json, pointed at another manifest and .env file and sealed
    again, copies nothing: exit 1, one line, no store read or write (issue 24, class 2)."""
    import hashlib

    from kitaru.sync.saved_plan import _canonical

    outside = tmp_path_factory.mktemp("outside")
    canary = "apply-job-api-key-canary-0b7e21"
    (outside / "m.yaml").write_text(
        "version: 1\nsecrets:\n  - name: copied\n    keys: [ZENML_STORE_API_KEY]\n"
    )
    (outside / ".env").write_text(f"ZENML_STORE_API_KEY={canary}\n")
    (manifest.parent / "link").symlink_to(outside)
    results = []
    for field, path in (
        ("manifest", str(outside / "m.yaml")),
        ("manifest", "../" + outside.name + "/m.yaml"),
        ("manifest", "link/m.yaml"),
        ("env", str(outside / ".env")),
        ("env", "link/.env"),
    ):
        plan = _saved(cli, manifest)
        document = json.loads(plan.read_text())
        if field == "manifest":
            document["body"]["manifest"]["path"] = path
        else:
            document["body"]["env_files"] = [path]
        document["body_sha256"] = hashlib.sha256(_canonical(document["body"])).hexdigest()
        plan.write_text(json.dumps(document))
        refused = cli("secrets", "apply", "--plan", str(plan))
        results.append(refused)
        assert refused.exit_code == 1, refused.stdout + refused.stderr
        (line,) = refused.stderr.splitlines()
        assert line.startswith("Error: the plan file names the ") and "apply --plan" in line
        assert open_store().list_all() == []
    assert canary not in all_output(results)
