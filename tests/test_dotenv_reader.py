"""One .env reader for plan/apply, `set --from-dotenv` and validate-env: a line it cannot
parse is an error at file:line, never a silently cut value, and never quoted."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

import kitaru
from kitaru.checks.envfile import validate_env
from kitaru.dotenv_reader import EnvFileError, parse_dotenv, read_dotenv
from tests.conftest import Cli, KitaruEnv, all_output

CANARY = "kitaru-canary-dotenv-3f9a1c"

UNQUOTED_PEM = f"""\
# pasted as is
export NAME=app
PEM=-----BEGIN PRIVATE KEY-----
MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w{CANARY}
-----END PRIVATE KEY-----
"""

GOOD = f"""\
# a comment line

export EXPORTED=exported-{CANARY}
QUOTED="-----BEGIN PRIVATE KEY-----
MIIBVQ {CANARY}
-----END PRIVATE KEY-----"
SINGLE='single {CANARY}'
PLAIN=plain-{CANARY}   # a trailing comment
"""
GOOD_VALUES = {
    "EXPORTED": f"exported-{CANARY}",
    "QUOTED": f"-----BEGIN PRIVATE KEY-----\nMIIBVQ {CANARY}\n-----END PRIVATE KEY-----",
    "SINGLE": f"single {CANARY}",
    "PLAIN": f"plain-{CANARY}",
}


def test_reader_keeps_quoted_multi_line_export_comments_and_empties() -> None:
    before = dict(os.environ)
    assert parse_dotenv(GOOD, "x.env") == GOOD_VALUES
    assert parse_dotenv("A=\nB\nC=1\n", "x.env") == {"A": "", "B": None, "C": "1"}
    assert dict(os.environ) == before


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (UNQUOTED_PEM, 4),  # the first continuation line (a key no environment holds)
        (f'A=1\n\n\nJSON={{\n  "k": "{CANARY}"\n}}\n', 5),  # blank lines are counted
        (f"A='{CANARY}\nB=2\n", 1),  # a quote never closed
        (f"9LIVES={CANARY}\n", 1),
        (f"A=1\r\nwords {CANARY} here\r\n", 2),
    ],
)
def test_unparsable_line_is_an_error_at_its_line_without_content(text: str, line: int) -> None:
    with pytest.raises(EnvFileError) as caught:
        parse_dotenv(text, "app.env")
    message = str(caught.value)
    assert message.startswith(f"app.env:{line}: expected KEY=value")
    assert CANARY not in message and "\n" not in message
    # validate-env reports the same line (KS201 where the key is what is wrong)
    findings = validate_env(text, "app.env")
    assert line in {f.line for f in findings if f.code in ("KS401", "KS201")}


def test_not_utf8_and_unreadable_files_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.env"
    path.write_bytes(b"A=1\nB=\xff" + CANARY.encode() + b"\n")
    with pytest.raises(EnvFileError, match=r"bad\.env:2: not UTF-8 text") as caught:
        read_dotenv(path)
    assert CANARY not in str(caught.value)
    with pytest.raises(EnvFileError, match="cannot read env file"):
        read_dotenv(tmp_path)


_PIECES = st.sampled_from(
    [
        f"KEY={CANARY}",
        f"KEY='{CANARY}",
        f'KEY="{CANARY}',
        f"{CANARY}",
        f"{CANARY} {CANARY}",
        f"export {CANARY}=1",
        f"-----END {CANARY}-----",
        f"  # {CANARY}",
        "",
        f'Q="a\n{CANARY} b\n"',
        f"{CANARY[:7]}_X={CANARY}",
    ]
)


@settings(max_examples=80, deadline=None)
@given(lines=st.lists(_PIECES, max_size=6))
def test_errors_never_quote_the_file(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    try:
        parse_dotenv(text, "app.env")
    except EnvFileError as err:
        message = str(err)
        assert CANARY not in message and CANARY[:7] not in message
        match = re.match(r"app\.env:(\d+): ", message)
        assert match and 1 <= int(match.group(1)) <= text.count("\n")


# --- the same file through `set --from-dotenv` and through `apply` ---------------------

MANIFEST = """\
version: 1
secrets:
  - name: {name}
    keys: [{keys}]
"""


def _apply(cli: Cli, root: Path, name: str, keys: list[str], env_file: Path) -> Result:
    manifest = root / f"{name}.yaml"
    manifest.write_text(MANIFEST.format(name=name, keys=", ".join(keys)))
    return cli("secrets", "apply", "-f", str(manifest), "--env-file", str(env_file))


def test_set_and_apply_read_a_good_file_alike(
    cli: Cli, kitaru_env: KitaruEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in GOOD_VALUES:
        monkeypatch.delenv(key, raising=False)
    env_file = kitaru_env.root / "good.env"
    env_file.write_text(GOOD)
    by_set = cli("secrets", "set", "by-set", "--from-dotenv", str(env_file))
    by_apply = _apply(cli, kitaru_env.root, "by-apply", list(GOOD_VALUES), env_file)
    assert by_set.exit_code == 0, by_set.stderr
    assert by_apply.exit_code == 0, by_apply.stderr
    assert kitaru.get_secret("by-set").values == GOOD_VALUES
    assert kitaru.get_secret("by-apply").values == GOOD_VALUES
    assert CANARY not in all_output([by_set, by_apply])


def test_set_plan_and_apply_refuse_an_unquoted_pem_at_the_same_line(
    cli: Cli, kitaru_env: KitaruEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PEM", raising=False)
    monkeypatch.delenv("NAME", raising=False)
    env_file = kitaru_env.root / "pem.env"
    env_file.write_text(UNQUOTED_PEM)
    manifest = kitaru_env.root / "pem.yaml"
    manifest.write_text(MANIFEST.format(name="pem", keys="PEM, NAME"))
    results = [
        cli("secrets", "set", "pem", "--from-dotenv", str(env_file)),
        cli("secrets", "plan", "-f", str(manifest), "--env-file", str(env_file)),
        cli("secrets", "apply", "-f", str(manifest), "--env-file", str(env_file)),
    ]
    for result in results:
        assert result.exit_code == 1
        (line,) = result.stderr.strip().splitlines()
        assert f"{env_file}:4: expected KEY=value" in line
    assert CANARY not in all_output(results) and "MIIB" not in all_output(results)
    assert kitaru.list_secrets() == []
    (finding,) = [f for f in validate_env(UNQUOTED_PEM, str(env_file)) if f.line == 4]
    assert finding.code in ("KS401", "KS201")


def test_an_empty_value_is_written_by_neither_set_nor_apply(
    cli: Cli, kitaru_env: KitaruEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One rule for `A=`: the reader says "", and no path writes it unless asked
    (`set --allow-empty`); a manifest counts it as unset (required: an error; optional:
    skipped)."""
    for key in ("EMPTY", "FULL"):
        monkeypatch.delenv(key, raising=False)
    env_file = kitaru_env.root / "empty.env"
    env_file.write_text(f"EMPTY=\nFULL=full-{CANARY}\n")
    by_set = cli("secrets", "set", "by-set", "--from-dotenv", str(env_file))
    by_apply = _apply(cli, kitaru_env.root, "by-apply", ["FULL", "EMPTY"], env_file)
    assert (by_set.exit_code, by_apply.exit_code) == (2, 1)
    assert "EMPTY" in by_set.stderr and "EMPTY" in by_apply.stderr
    assert kitaru.list_secrets() == []  # nothing written by either
    optional = kitaru_env.root / "optional.yaml"
    optional.write_text(
        "version: 1\nsecrets:\n  - name: by-apply\n    keys: [FULL, {key: EMPTY, optional: true}]\n"
    )
    applied = cli("secrets", "apply", "-f", str(optional), "--env-file", str(env_file))
    allowed = cli("secrets", "set", "by-set", "--from-dotenv", str(env_file), "--allow-empty")
    assert (applied.exit_code, allowed.exit_code) == (0, 0)
    assert kitaru.get_secret("by-apply").values == {"FULL": f"full-{CANARY}"}
    assert kitaru.get_secret("by-set").values == {"EMPTY": "", "FULL": f"full-{CANARY}"}
    assert CANARY not in all_output([by_set, by_apply, applied, allowed])
