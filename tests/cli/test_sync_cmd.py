"""`kitaru secrets plan/apply` against a real store: the issue's "Must show" list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import Result

from kitaru.errors import StoreError
from kitaru.store import open_store
from tests.conftest import REPO, Cli, all_output
from tests.sync.example import (
    CANARIES,
    CANARY_DB,
    CANARY_GITHUB,
    CANARY_OPENAI,
    stored_state,
    write_example,
)
from tests.sync.stores import CountingStore


@pytest.fixture
def cli(kitaru_env: object) -> Cli:
    """Open the store outside the CliRunner: ZenML binds its log stream to the stdout
    current at its first import, and its first-run notice is not kitaru's output."""
    open_store().list_all()
    return Cli()


def _no_store() -> object:
    raise AssertionError("this command must fail before it opens a store")


@pytest.fixture
def offline_cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    """For failures that come before any store: one run, not one per store backend, and
    opening a store fails the test."""
    import kitaru.store

    monkeypatch.setattr(kitaru.store, "open_store", _no_store)
    return Cli()


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return write_example(tmp_path, monkeypatch)


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


def test_bad_manifest_lists_every_problem_and_exits_1(offline_cli: Cli, tmp_path: Path) -> None:
    cli = offline_cli
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


def test_usage_errors_exit_1_not_2(offline_cli: Cli, manifest: Path) -> None:
    cli = offline_cli
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


ERROR_FIELDS = {"file", "line", "col", "code", "severity", "message"}


def assert_error_document(stdout: str) -> list[dict[str, object]]:
    """The one JSON error document of a plan/apply that failed before its report."""
    payload = json.loads(stdout)
    assert set(payload) == {"format_version", "errors"} and payload["format_version"] == 1
    assert payload["errors"] and all(set(e) == ERROR_FIELDS for e in payload["errors"])
    assert all(e["severity"] == "error" for e in payload["errors"])
    return payload["errors"]  # type: ignore[no-any-return]


def test_failures_before_any_store_answer_in_every_format(
    offline_cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A manifest error, missing values and a missing --env-file: under -o json the same
    error document on stdout, under -o github annotations, under text nothing; stderr has
    the one-line messages in every format."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("secrets: []\n")
    cases = {
        "manifest": ("-f", str(bad)),
        "missing values": ("-f", str(manifest)),
        "missing env file": ("-f", str(manifest), "--env-file", str(tmp_path / "nope.env")),
    }
    monkeypatch.delenv("GITHUB_TOKEN")
    for command in ("plan", "apply"):
        for case, args in cases.items():
            if case == "missing env file":
                monkeypatch.setenv("GITHUB_TOKEN", CANARY_GITHUB)
            text = offline_cli("secrets", command, *args)
            as_json = offline_cli("secrets", command, *args, "-o", "json")
            github = offline_cli("secrets", command, *args, "-o", "github")
            for result in (text, as_json, github):
                assert result.exit_code == 1, (case, result.stderr)
                assert result.stderr.strip() and "Traceback" not in result.stderr
            assert text.stdout == ""
            errors = assert_error_document(as_json.stdout)
            if case == "manifest":
                assert errors[0]["code"] == "KS005" and errors[0]["file"] == str(bad)
            else:
                assert [e["message"] for e in errors] == [
                    line.removeprefix("Error: ") for line in as_json.stderr.splitlines()
                ]
            lines = github.stdout.splitlines()
            assert lines and all(line.startswith("::error ") for line in lines), case
            assert_no_canary([text, as_json, github])
        monkeypatch.delenv("GITHUB_TOKEN")


def test_an_oversized_secret_answers_with_the_error_document(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DB_PASSWORD", "x" * 70_000)
    failed = cli("secrets", "apply", "-f", str(manifest), "-o", "json")
    assert failed.exit_code == 1
    (error,) = assert_error_document(failed.stdout)
    assert "db-creds" in str(error["message"]) and "64 KiB" in str(error["message"])
    assert failed.stderr.startswith("Error: secret 'db-creds' would hold")
    github = cli("secrets", "apply", "-f", str(manifest), "-o", "github")
    assert github.exit_code == 1 and github.stdout.startswith("::error title=kitaru::")
    assert open_store().list_all() == []


def test_every_failed_write_also_goes_to_stderr_one_line_per_secret(
    cli: Cli, manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o markdown >> $GITHUB_STEP_SUMMARY` sends the report to a file: the CI log (stderr)
    still names every secret that failed, and why."""
    import kitaru.store

    monkeypatch.setattr(kitaru.store, "open_store", lambda: FailingStore("github-creds"))
    for fmt in ("text", "json", "markdown", "github"):
        failed = cli("secrets", "apply", "-f", str(manifest), "-o", fmt)
        assert failed.exit_code == 1
        assert failed.stderr.splitlines() == [
            "Error: github-creds (public): creating secret 'github-creds': "
            "the ZenML server stopped answering"
        ]
        assert_no_canary([failed])
