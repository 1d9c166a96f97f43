"""`kitaru secrets validate`, `validate-env`, `schema`: output formats, exit codes, speed path.

No store is needed, so the typer app runs in-process without the ``kitaru_env`` fixture.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.cli.validate_run import fast_main
from tests.conftest import REPO, Cli, all_output

EXAMPLE = REPO / "examples" / "secrets.yaml"
CORPUS = Path(__file__).parents[1] / "checks" / "corpus"
BAD = CORPUS / "manifests" / "bad" / "ks20x_keys.yaml"
BAD_ENV = CORPUS / "env" / "bad" / "problems.env.example"
GOOD_ENV = CORPUS / "env" / "good" / "app.env.example"
WARN_ONLY = "version: 1\nsecrets:\n  - name: app\n    keys: [api_key]\n"


@pytest.fixture(scope="module")
def cli() -> Cli:
    return Cli()


def test_clean_manifest_exits_0_and_prints_no_findings(cli: Cli) -> None:
    result = cli("secrets", "validate", str(EXAMPLE))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "1 file checked: 0 errors, 0 warnings\n"


def test_findings_are_one_line_each_and_exit_1(cli: Cli) -> None:
    result = cli("secrets", "validate", str(BAD), str(EXAMPLE))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{BAD}:12:9: KS201 invalid key name '1PASSWORD': keys must look like environment "
        "variables (letters, digits and _, not starting with a digit), e.g. OPENAI_API_KEY"
    )
    assert [line.split(" ")[0:2] for line in lines] == [
        [f"{BAD}:12:9:", "KS201"],
        [f"{BAD}:13:9:", "KS202"],
        [f"{BAD}:14:9:", "KS202"],
        [f"{BAD}:14:9:", "KS203"],
        [f"{BAD}:16:9:", "KS204"],
        [f"{BAD}:18:15:", "KS205"],
        [f"{BAD}:20:12:", "KS202"],
    ]
    assert result.stderr == "2 files checked: 4 errors, 3 warnings\n"


def test_warnings_alone_pass_unless_strict(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "secrets.yaml"
    path.write_text(WARN_ONLY)
    relaxed = cli("secrets", "validate", str(path))
    assert relaxed.exit_code == 0
    assert "KS202 warning: key api_key" in relaxed.stdout
    assert cli("secrets", "validate", "--strict", str(path)).exit_code == 1


def test_missing_file_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("secrets", "validate", str(EXAMPLE), str(tmp_path / "nope.yaml"), str(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'nope.yaml'}: no such file",
        f"Error: {tmp_path}: is a directory",
    ]


def test_default_file_is_secrets_yaml_here(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    missing = cli("secrets", "validate")
    assert missing.exit_code == 2
    assert "no secrets.yaml in the current folder" in missing.stderr
    (tmp_path / "secrets.yml").write_text(WARN_ONLY)
    found = cli("secrets", "validate")
    assert found.exit_code == 0
    assert found.stdout.startswith("secrets.yml:4:12: KS202")
    (tmp_path / ".env.example").write_text("a=1\n")
    assert cli("secrets", "validate-env").stdout.startswith(".env.example:1:1: KS202")


def test_json_format(cli: Cli) -> None:
    result = cli("secrets", "validate", "--format", "json", str(BAD), str(EXAMPLE))
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["format_version"] == 1
    assert payload["files"] == [str(BAD), str(EXAMPLE)]
    assert payload["summary"] == {"files": 2, "errors": 4, "warnings": 3}
    first = payload["findings"][0]
    assert first == {
        "file": str(BAD),
        "line": 12,
        "col": 9,
        "code": "KS201",
        "severity": "error",
        "message": first["message"],
    }
    assert payload["findings"][1]["severity"] == "warning"
    assert result.stderr == ""


def test_github_format(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "a,b:secrets.yaml"
    path.write_text(WARN_ONLY + "    extra: 100%\n")
    result = cli("secrets", "validate", "--format=github", str(path))
    assert result.exit_code == 1
    escaped = str(path).replace(":", "%3A").replace(",", "%2C")
    assert result.stdout.splitlines() == [
        f"::warning file={escaped},line=4,col=12,title=kitaru KS202::KS202 key api_key is not "
        "UPPER_CASE; environment variables are conventionally written API_KEY",
        f"::error file={escaped},line=5,col=5,title=kitaru KS003::KS003 unknown field 'extra'; "
        "allowed: name, private, prune, keys, state, create_only",
    ]


def test_keys_that_steer_programs_are_a_warning_in_every_format(cli: Cli, tmp_path: Path) -> None:
    """KS206: fails on the old code, which said nothing about BASH_ENV in a manifest."""
    path = tmp_path / "secrets.yaml"
    path.write_text("version: 1\nsecrets:\n  - name: team\n    keys: [TOKEN, BASH_ENV]\n")
    text = cli("secrets", "validate", str(path))
    assert text.exit_code == 0  # a warning: the key may be intended
    assert text.stdout.startswith(f"{path}:4:19: KS206 warning: key BASH_ENV changes how")
    assert "--allow-key BASH_ENV" in text.stdout
    assert cli("secrets", "validate", "--strict", str(path)).exit_code == 1
    payload = json.loads(cli("secrets", "validate", "-o", "json", str(path)).stdout)
    assert [(f["code"], f["severity"], f["line"]) for f in payload["findings"]] == [
        ("KS206", "warning", 4)
    ]
    github = cli("secrets", "validate", "--format=github", str(path)).stdout
    assert github.startswith(f"::warning file={path},line=4,col=19,title=kitaru KS206::KS206 ")
    path.write_text(
        "version: 1\nsecrets:\n  - name: team\n    keys: [TOKEN, BASH_ENV]  # kitaru: allow KS206\n"
    )
    assert cli("secrets", "validate", "--strict", str(path)).stdout == ""


def test_bad_format_is_a_usage_error(cli: Cli) -> None:
    result = cli("secrets", "validate", "--format", "yaml", str(EXAMPLE))
    assert result.exit_code == 2
    assert "yaml" in result.stderr


def test_validate_env(cli: Cli) -> None:
    good = cli("secrets", "validate-env", str(GOOD_ENV))
    assert (good.exit_code, good.stdout) == (0, "")
    bad = cli("secrets", "validate-env", "--format", "json", str(BAD_ENV))
    assert bad.exit_code == 1
    assert json.loads(bad.stdout)["summary"] == {"files": 1, "errors": 12, "warnings": 5}


def test_validate_env_credential_warning_fails_only_with_strict(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / ".env.example"
    path.write_text("AWS_ACCESS_KEY_ID=AK" + "IAQ7W9E2R4T6Y8U1I3\n")
    assert cli("secrets", "validate-env", str(path)).exit_code == 0
    strict = cli("secrets", "validate-env", "--strict", str(path))
    assert strict.exit_code == 1
    assert "KS404 warning" in strict.stdout


def test_schema_prints_the_committed_schema(cli: Cli) -> None:
    result = cli("secrets", "schema")
    assert result.exit_code == 0
    assert result.stdout == (REPO / "kitaru" / "sync" / "manifest.schema.json").read_text()


def test_help_lists_the_commands(cli: Cli) -> None:
    result = cli("secrets", "--help")
    for command in ("validate", "validate-env", "schema"):
        assert command in result.stdout
    help_text = cli("secrets", "validate", "--help").stdout
    assert "--format" in help_text and "--strict" in help_text


# --- canaries: no suspected credential reaches any output -------------------------------------


def test_canary_tokens_never_reach_any_output(cli: Cli, tmp_path: Path) -> None:
    tokens = [
        "gh" + "p_" + "Canary0Q7w9E2r4T6y8U1i3O5p7A9s2D4f6",
        "sk-" + "proj-" + "Canary1Zx8Wm7Rt3Yb5Nc9Dq2Fh4Jk6Lp",
        "Canary2" + "Xk9Qw2Er7Ty4Ui1Op8As3Df6Gh",
        "AK" + "IA" + "CANARY3Q7W9E2R4T",
    ]
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(
        "version: 1\n"
        f"# {tokens[0]}\n"
        "secrets:\n"
        f"  - name: {tokens[2]}\n"
        f"    keys: [{tokens[3]}, A]\n"
        f"  - name: {tokens[2]}\n"
        "    keys:\n"
        f"      - OPENAI_API_KEY: {tokens[1]}\n"
        f"      - key: B\n        from: {tokens[1]}\n"
    )
    env = tmp_path / ".env.example"
    env.write_text("".join(f"K{i}={token}\n" for i, token in enumerate(tokens)) + tokens[0] + "\n")
    results = []
    for fmt in ("text", "json", "github"):
        results.append(cli("secrets", "validate", "--format", fmt, str(manifest)))
        results.append(cli("secrets", "validate-env", "--format", fmt, str(env)))
    assert all(r.exit_code == 1 for r in results[::2])
    output = all_output(results).lower()
    assert "ks301" in output and "ks404" in output
    for token in tokens:
        assert token.lower()[4:] not in output
        assert token.lower()[:-4] not in output


# --- the typer-free path gives exactly what typer gives ----------------------------------------

_ARGS = st.lists(
    st.sampled_from(
        [
            str(EXAMPLE),
            str(BAD),
            str(BAD_ENV),
            "missing.yaml",
            "--strict",
            "--format",
            "json",
            "github",
            "text",
            "--format=json",
            "--format=github",
            "--",
            "-",
        ]
    ),
    max_size=5,
)


def _fast(args: list[str]) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = fast_main(args)
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["validate", "validate-env"]), _ARGS)
def test_fast_path_matches_typer(command: str, args: list[str]) -> None:
    code, out, err = _fast(["secrets", command, *args])
    if code is None:
        return  # typer handles it (e.g. `--format` without a value)
    result = Cli()("secrets", command, *args)
    assert (code, out, err) == (result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["secrets", "validate", "--help"],
        ["secrets", "validate", "--format", "yaml"],
        ["secrets", "validate", "--format"],
        ["secrets", "validate", "--strict=yes"],
        ["secrets", "validate", "-x"],
        ["secrets", "list"],
        ["secrets"],
        [],
    ],
)
def test_fast_path_leaves_everything_else_to_typer(args: list[str]) -> None:
    assert _fast(args)[0] is None


# --- whole processes ------------------------------------------------------------------------

SCRIPT = Path(sys.executable).parent / "kitaru"


def imported(*args: str) -> tuple[int, set[str], str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", str(SCRIPT), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return result.returncode, names, result.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["secrets", "validate", "examples/secrets.yaml"], 0),
        (["secrets", "validate", "--format", "json", str(BAD)], 1),
        (["secrets", "validate-env", str(BAD_ENV)], 1),
        (["secrets", "validate", "missing.yaml"], 2),
    ],
)
def test_validate_imports_neither_zenml_nor_typer(args: list[str], code: int) -> None:
    returncode, modules, _ = imported(*args)
    assert returncode == code
    assert "kitaru" in modules
    assert not modules & {"zenml", "pydantic", "typer", "httpx", "rich"}
    # validate-env checks each line with the .env reader plan/apply/set use (dotenv's parser)
    assert "dotenv" not in modules or args[1] == "validate-env"


def test_typer_path_imports_no_zenml() -> None:
    returncode, modules, _ = imported("secrets", "validate", "--format", "tex", str(EXAMPLE))
    assert returncode == 2
    assert "typer" in modules
    assert "zenml" not in modules


def test_schema_imports_no_zenml() -> None:
    returncode, modules, stdout = imported("secrets", "schema")
    assert returncode == 0
    assert json.loads(stdout)["properties"]["version"]["const"] == 1
    assert "zenml" not in modules
