"""`validate` with a team configuration: found from each file, --config, --show-config, the
manifests list, and a bad configuration as one line with exit 2 (fast path and typer alike)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from kitaru.cli.validate_run import fast_main
from tests.conftest import Cli

TEAM = """\
version: 1
secrets:
  - name: payments-db
    keys: [DB_PASSWORD, api_key]
"""
OTHER = "version: 1\nsecrets:\n  - name: payments-db\n    keys: [DB_URL]\n"
CONFIG = """\
manifests = ["teams/*/secrets.yaml"]
ignore = ["KS202"]

[rules]
key-pattern = "[A-Z][A-Z0-9]*(_[A-Z0-9]+)*"
required-keys = { "*-db" = ["DB_URL"] }
"""


@pytest.fixture(scope="module")
def cli() -> Cli:
    return Cli()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "teams" / "a").mkdir(parents=True)
    (tmp_path / "teams" / "b").mkdir(parents=True)
    (tmp_path / "teams" / "a" / "secrets.yaml").write_text(TEAM)
    (tmp_path / "teams" / "b" / "secrets.yaml").write_text(OTHER)
    (tmp_path / "kitaru.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def fast(*args: str) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = fast_main(["secrets", *args])
    return code, out.getvalue(), err.getvalue()


def both(cli: Cli, *args: str) -> tuple[int, str, str]:
    """The same invocation through the fast path and typer: one result."""
    result = cli("secrets", *args)
    assert fast(*args) == (result.exit_code, result.stdout, result.stderr)
    return result.exit_code, result.stdout, result.stderr


def test_a_listed_manifest_named_with_controls_is_shown_escaped(repo: Path, cli: Cli) -> None:
    """A pull request names the folder; the glob finds it; the terminal must not obey it."""
    hostile = repo / "teams" / "x\x1b]0;owned\x07\n::error::forged"
    hostile.mkdir()
    (hostile / "secrets.yaml").write_text(OTHER)
    code, out, err = both(cli, "validate")
    assert code == 1
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "teams/x\\x1b]0;owned\\x07\\x0a:\\x3aerror:\\x3aforged/secrets.yaml:3:11: KS106" in out


def test_no_files_checks_every_listed_manifest_with_the_team_rules(repo: Path, cli: Cli) -> None:
    code, out, err = both(cli, "validate")
    assert code == 1
    assert out.splitlines() == [
        "teams/a/secrets.yaml:3:11: KS106 public secret 'payments-db' is also declared in "
        "teams/b/secrets.yaml:3:11; one manifest must own it",
        "teams/a/secrets.yaml:3:11: KS504 secret 'payments-db' must declare key DB_URL "
        "(required-keys '*-db')",
        "teams/a/secrets.yaml:4:25: KS501 key api_key does not match the key-pattern",
        "teams/b/secrets.yaml:3:11: KS106 public secret 'payments-db' is also declared in "
        "teams/a/secrets.yaml:3:11; one manifest must own it",
    ]
    assert err == "2 files checked: 4 errors, 0 warnings\n"  # KS202 is ignored


def test_a_file_given_alone_still_sees_the_other_listed_manifests(repo: Path, cli: Cli) -> None:
    code, out, _ = both(cli, "validate", "teams/b/secrets.yaml")
    assert code == 1
    assert out.startswith("teams/b/secrets.yaml:3:11: KS106 ")


def test_json_and_github_outputs_carry_the_team_codes(repo: Path, cli: Cli) -> None:
    _, out, _ = both(cli, "validate", "-o", "json", "teams/a/secrets.yaml")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["KS106", "KS504", "KS501"]
    _, out, _ = both(cli, "validate", "-o", "github", "teams/a/secrets.yaml")
    assert out.splitlines()[2] == (
        "::error file=teams/a/secrets.yaml,line=4,col=25,title=kitaru KS501::"
        "KS501 key api_key does not match the key-pattern"
    )


def test_the_closest_config_applies_to_each_file(repo: Path, cli: Cli) -> None:
    (repo / "teams" / "a" / "kitaru.toml").write_text('select = ["KS2"]\n')
    code, out, _ = both(cli, "validate", "teams/a/secrets.yaml")
    assert (code, out) == (
        0,
        "teams/a/secrets.yaml:4:25: KS202 warning: key api_key is not "
        "UPPER_CASE; environment variables are conventionally written API_KEY\n",
    )


def test_config_flag_overrides_discovery(repo: Path, cli: Cli) -> None:
    (repo / "strict.toml").write_text('[rules]\nkey-pattern = "[A-Z]+"\n')
    code, out, _ = both(cli, "validate", "--config", "strict.toml", "teams/b/secrets.yaml")
    assert code == 1
    assert out == "teams/b/secrets.yaml:4:12: KS501 key DB_URL does not match the key-pattern\n"
    assert both(cli, "validate", "--config=strict.toml", "teams/b/secrets.yaml")[1] == out


def test_show_config_prints_the_effective_config_and_its_source(repo: Path, cli: Cli) -> None:
    code, out, err = both(cli, "validate", "--show-config")
    assert (code, err) == (0, "")
    assert out.startswith(f"# from {repo / 'kitaru.toml'}\n")
    assert 'ignore = ["KS202"]\n' in out and '[rules]\nkey-pattern = "[A-Z][A-Z0-9]*' in out
    (repo / "kitaru.toml").unlink()
    assert "(defaults: no kitaru.toml" in both(cli, "validate", "--show-config")[1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('selct = ["KS2"]\n', "kitaru.toml: unknown option 'selct'; did you mean 'select'?"),
        ("ignore = 3\n", "kitaru.toml: ignore must be a list of rule codes"),
        ('[rules]\nkey-pattern = "(A"\n', "kitaru.toml: [rules] key-pattern is not a valid"),
        ('[rules]\nkey-pattern = "(A+)+"\n', "kitaru.toml: [rules] key-pattern refused: "),
        ("ignore = [", "kitaru.toml: not valid TOML ("),
        ('manifests = ["../*.yaml"]\n', "must stay inside the config's folder"),
    ],
)
def test_a_bad_config_is_one_line_and_exit_2(
    repo: Path, cli: Cli, content: str, message: str
) -> None:
    (repo / "kitaru.toml").write_text(content)
    for args in (("validate",), ("validate", "teams/a/secrets.yaml"), ("validate-env", "x")):
        if args[0] == "validate-env":
            (repo / "x").write_text("A=1\n")
        code, out, err = both(cli, *args)
        assert (code, out) == (2, "")
        (line,) = err.splitlines()
        assert line.startswith(f"Error: {repo / 'kitaru.toml'}: ") and message in line


def test_listed_manifests_matching_nothing_is_a_usage_error(repo: Path, cli: Cli) -> None:
    (repo / "kitaru.toml").write_text('manifests = ["nowhere/*.yaml"]\n')
    code, out, err = both(cli, "validate")
    assert (code, out) == (2, "")
    assert "manifests matches no file" in err


def test_validate_env_honours_the_selection(repo: Path, cli: Cli) -> None:
    (repo / "kitaru.toml").write_text('ignore = ["KS202"]\n')
    (repo / ".env.example").write_text("a=1\n")
    assert both(cli, "validate-env") == (0, "", "1 file checked: 0 errors, 0 warnings\n")
