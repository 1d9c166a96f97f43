"""`kitaru secrets run` and `export` in-process against a real store (the child is real)."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

import kitaru
from tests.conftest import Cli, KitaruEnv, all_output

PY = sys.executable
CANARY = "canary+value 5150/x"
OTHER = "canary+other 6160/y"


def child_checks(expected: dict[str, str], absent: tuple[str, ...] = ()) -> list[str]:
    """A child that exits 0 only if its environment holds ``expected`` and not ``absent``."""
    code = (
        "import os, sys; "
        f"ok = all(os.environ.get(k) == v for k, v in {expected!r}.items()); "
        f"ok = ok and not any(k in os.environ for k in {absent!r}); "
        "sys.exit(0 if ok else 3)"
    )
    return [PY, "-c", code]


@pytest.fixture
def two(cli: Cli) -> None:
    kitaru.create_secret("openai-creds", {"OPENAI_API_KEY": CANARY})
    kitaru.create_secret("github-creds", {"GITHUB_TOKEN": OTHER, "SHARED": "g"})


def test_the_child_gets_every_key_and_no_output_is_added(cli: Cli, two: None) -> None:
    argv = child_checks({"OPENAI_API_KEY": CANARY, "GITHUB_TOKEN": OTHER, "SHARED": "g"})
    result = cli("secrets", "run", "openai-creds", "github-creds", "--", *argv)
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


def test_exit_codes_pass_through(cli: Cli, two: None) -> None:
    assert cli("secrets", "run", "openai-creds", "--", "sh", "-c", "exit 9").exit_code == 9
    assert cli("secrets", "run", "openai-creds", "--", "sh", "-c", "kill $$").exit_code == 143
    missing = cli("secrets", "run", "openai-creds", "--", "no-such-program-xyz")
    assert missing.exit_code == 127 and "'no-such-program-xyz' not found" in missing.stderr


def test_the_child_keeps_its_own_options(cli: Cli, two: None) -> None:
    """Everything after -- is the child's, even flags kitaru also has."""
    result = cli(
        "secrets", "run", "openai-creds", "--", "sh", "-c", 'test "$1" = --redact', "x", "--redact"
    )
    assert result.exit_code == 0, result.stderr


def test_collisions_are_errors_naming_both(cli: Cli, two: None) -> None:
    kitaru.create_secret("more", {"SHARED": "m"})
    clash = cli("secrets", "run", "github-creds", "more", "--", "true")
    assert clash.exit_code == 1
    assert "'SHARED'" in clash.stderr and "'github-creds'" in clash.stderr
    assert "'more'" in clash.stderr
    later = cli(
        "secrets", "run", "github-creds", "more", "--override", "--", *child_checks({"SHARED": "m"})
    )
    assert later.exit_code == 0


def test_no_inherit_keeps_only_path_and_home(
    cli: Cli, two: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITARU_TEST_PARENT_ONLY", "1")
    argv = child_checks({"OPENAI_API_KEY": CANARY}, absent=("KITARU_TEST_PARENT_ONLY",))
    assert cli("secrets", "run", "openai-creds", "--no-inherit", "--", *argv).exit_code == 0
    inherited = child_checks({"OPENAI_API_KEY": CANARY, "KITARU_TEST_PARENT_ONLY": "1"})
    assert cli("secrets", "run", "openai-creds", "--", *inherited).exit_code == 0


def test_kitarus_own_settings_do_not_reach_the_child(cli: Cli, two: None) -> None:
    os.environ.pop("ZENML_ANALYTICS_OPT_IN", None)
    argv = child_checks({}, absent=("ZENML_ANALYTICS_OPT_IN",))
    assert cli("secrets", "run", "openai-creds", "--", *argv).exit_code == 0


def test_redact_masks_stdout_and_stderr(cli: Cli, two: None) -> None:
    script = (
        "import os, sys; v = os.environ['OPENAI_API_KEY']; "
        "print('key', v); print(v, file=sys.stderr); print(v[:6], end='', flush=True); "
        "print(v[6:])"
    )
    result = cli("secrets", "run", "openai-creds", "--redact", "--", PY, "-c", script)
    assert result.exit_code == 0
    assert result.stdout == "key ***\n***\n"
    assert result.stderr == "***\n"


def test_github_actions_masks_before_the_child_starts(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    kitaru.create_secret("pem", {"PEM": "line-one-aaaa\nline-two-bbbb"})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = cli("secrets", "run", "pem", "--", "true")
    assert result.stderr.splitlines() == ["::add-mask::line-one-aaaa", "::add-mask::line-two-bbbb"]
    assert result.stdout == ""


def test_a_manifest_and_its_targets(cli: Cli, two: None, tmp_path: Path) -> None:
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(
        "version: 1\nsecrets:\n  - name: openai-creds\n    keys: [OPENAI_API_KEY]\n"
        "  - name: github-creds\n    keys: [GITHUB_TOKEN]\n"
    )
    every = child_checks({"OPENAI_API_KEY": CANARY, "GITHUB_TOKEN": OTHER})
    assert cli("secrets", "run", "-f", str(manifest), "--", *every).exit_code == 0
    only = child_checks({"GITHUB_TOKEN": OTHER}, absent=("OPENAI_API_KEY",))
    targeted = cli("secrets", "run", "-f", str(manifest), "--target", "github-creds", "--", *only)
    assert targeted.exit_code == 0
    unknown = cli("secrets", "run", "-f", str(manifest), "--target", "nope", "--", "true")
    assert unknown.exit_code == 1 and "'nope': the manifest declares no secret" in unknown.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["openai-creds"], "give the command to run after --"),
        (["openai-creds", "--"], "give the command to run after --"),
        (["--", "true"], "at least one secret name"),
        (["openai-creds", "-f", "x.yaml", "--", "true"], "not both"),
        (["openai-creds", "--target", "a", "--", "true"], "--target needs -f"),
    ],
)
def test_usage_errors(cli: Cli, two: None, args: list[str], says: str) -> None:
    result = cli("secrets", "run", *args)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert says in line


def test_a_missing_secret_is_one_line(cli: Cli) -> None:
    result = cli("secrets", "run", "nope", "--", "true")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: no secret 'nope' found"


# --- export ------------------------------------------------------------------------------

TRICKY = 'it\'s "q" #h $HOME ${X} `x`\nline two é\r'


def test_export_formats_read_back(cli: Cli) -> None:
    kitaru.create_secret("tricky", {"T": TRICKY, "PLAIN": CANARY})
    dotenv = cli("secrets", "export", "tricky")
    assert dotenv.exit_code == 0
    assert dotenv_values(stream=io.StringIO(dotenv.stdout), interpolate=False) == {
        "T": TRICKY,
        "PLAIN": CANARY,
    }
    assert "'T' hold '${'" in dotenv.stderr or "T hold '${'" in dotenv.stderr
    as_json = cli("secrets", "export", "tricky", "--format", "json")
    assert json.loads(as_json.stdout) == {"T": TRICKY, "PLAIN": CANARY}
    assert as_json.stderr == ""
    shell = cli("secrets", "export", "tricky", "--format", "shell")
    assert shell.stdout.startswith("export PLAIN='")
    github = cli("secrets", "export", "tricky", "--format", "github-env")
    assert github.stdout.startswith("PLAIN<<ghadelimiter_")


def test_export_out_is_0600_and_never_overwritten_without_force(cli: Cli, tmp_path: Path) -> None:
    kitaru.create_secret("s", {"A": CANARY})
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "exported.env"
    first = cli("secrets", "export", "s", "--out", str(out))
    assert first.exit_code == 0 and first.stdout == ""
    assert CANARY not in first.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert dotenv_values(out) == {"A": CANARY}
    out.write_text("keep me")
    again = cli("secrets", "export", "s", "--out", str(out))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert out.read_text() == "keep me"
    forced = cli("secrets", "export", "s", "--out", str(out), "--force", "--format", "json")
    assert forced.exit_code == 0 and json.loads(out.read_text()) == {"A": CANARY}
    assert [p.name for p in folder.iterdir()] == ["exported.env"]  # no temporary left


def test_export_collisions_as_for_run(cli: Cli, two: None) -> None:
    kitaru.create_secret("more", {"SHARED": "m"})
    assert cli("secrets", "export", "github-creds", "more").exit_code == 1
    merged = cli("secrets", "export", "github-creds", "more", "--override", "--format", "json")
    assert json.loads(merged.stdout)["SHARED"] == "m"


# --- canaries ----------------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_no_value_reaches_any_output_or_file_but_export(
    cli: Cli, kitaru_env: KitaruEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kitaru.create_secret("openai-creds", {"OPENAI_API_KEY": CANARY})
    kitaru.create_secret("clash", {"OPENAI_API_KEY": OTHER, "N": "x\0y"})
    work, home, tmp = tmp_path / "work", tmp_path / "home", tmp_path / "tmp"
    for folder in (work, home, tmp):
        folder.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr("tempfile.tempdir", None)
    before = [tree(folder) for folder in (work, home, tmp)]
    results = [
        cli("secrets", "run", "openai-creds", "--", "true"),
        cli("secrets", "run", "openai-creds", "--", "sh", "-c", "exit 3"),
        cli(
            "secrets", "run", "openai-creds", "--redact", "--", "sh", "-c", 'echo "$OPENAI_API_KEY"'
        ),
        cli("secrets", "run", "openai-creds", "clash", "--", "true"),
        cli("secrets", "run", "clash", "--override", "--", "true"),
        cli("secrets", "run", "openai-creds", "--", "no-such-program-xyz", CANARY),
        cli("secrets", "run", "openai-creds", CANARY, "--", "true"),
        cli("secrets", "run", "--bogus", CANARY, "--", "true"),
        cli("secrets", "export", "openai-creds", "clash"),
        cli("secrets", "export", "openai-creds", "--format", CANARY),
        cli("secrets", "export", "openai-creds", "--out", str(tmp_path / "nodir" / "x")),
    ]
    assert [r.exit_code for r in results] == [0, 3, 0, 1, 1, 127, 1, 2, 1, 2, 1]
    assert CANARY not in all_output(results) and OTHER not in all_output(results)
    after = [tree(folder) for folder in (work, home, tmp)]
    assert after == before


def test_redact_refuses_values_too_big_to_mask_and_runs_nothing(
    embedded_store: KitaruEnv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A co-user's public value of thousands of lines: one line, exit 2, no program (the
    store does not matter: embedded only)."""
    from kitaru.programs import redact_stream

    cli = Cli()

    monkeypatch.setattr(redact_stream, "MAX_FORMS", 50)
    lines = "\n".join(f"hostile-line-{n:03d}" for n in range(30))
    kitaru.create_secret("big-creds", {"BIG": lines})
    marker = tmp_path / "ran"
    result = cli("secrets", "run", "big-creds", "--redact", "--", "touch", str(marker))
    assert result.exit_code == 2 and not marker.exists()
    assert "--redact masks at most 50 forms" in result.stderr
    assert "hostile" not in all_output([result]) and "Traceback" not in result.stderr
