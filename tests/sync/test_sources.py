"""Values come from the environment, then the .env file; sources are recorded, not values."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kitaru.dotenv_reader import EnvFileError
from kitaru.errors import KitaruError, MissingValuesError
from kitaru.sync.manifest import load_manifest
from kitaru.sync.sources import read_env_file, resolve

MANIFEST = """\
version: 1
env_file: app.env
secrets:
  - name: app
    keys:
      - A_KEY
      - key: B_KEY
        from: B_SOURCE
      - key: OPT_KEY
        optional: true
"""


@pytest.fixture
def manifest_path(tmp_path: Path) -> Path:
    path = tmp_path / "secrets.yaml"
    path.write_text(MANIFEST)
    return path


def test_environment_wins_over_the_env_file(manifest_path: Path) -> None:
    (manifest_path.parent / "app.env").write_text("A_KEY=from-file\nB_SOURCE=b-file\n")
    before = dict(os.environ)
    desired = resolve(load_manifest(manifest_path), environ={"A_KEY": "from-env"})
    assert dict(os.environ) == before  # the .env file never reaches os.environ
    (secret,) = desired.secrets
    assert dict(secret.values) == {"A_KEY": "from-env", "B_KEY": "b-file"}
    assert dict(secret.sources) == {
        "A_KEY": "env:A_KEY",
        "B_KEY": f"dotenv:{manifest_path.parent / 'app.env'}:B_SOURCE",
    }
    assert secret.skipped == ("OPT_KEY",)
    assert "from-env" not in repr(secret) and "b-file" not in repr(desired)


def test_env_file_flag_overrides_the_manifest(manifest_path: Path, tmp_path: Path) -> None:
    (manifest_path.parent / "app.env").write_text("A_KEY=manifest\nB_SOURCE=manifest\n")
    flag = tmp_path / "flag.env"
    flag.write_text("A_KEY=flag\nB_SOURCE=flag\n")
    desired = resolve(load_manifest(manifest_path), env_file=flag, environ={})
    assert set(desired.secrets[0].values.values()) == {"flag"}


def test_missing_env_file_flag_is_an_error(manifest_path: Path, tmp_path: Path) -> None:
    with pytest.raises(KitaruError, match="no such file"):
        resolve(load_manifest(manifest_path), env_file=tmp_path / "nope.env", environ={})


def test_every_missing_value_is_listed_once(manifest_path: Path) -> None:
    with pytest.raises(MissingValuesError) as caught:
        resolve(load_manifest(manifest_path), environ={"B_SOURCE": ""})
    message = str(caught.value)
    assert "2 required value(s)" in message and "nothing was written" in message
    assert "app/A_KEY ($A_KEY" in message and "app/B_KEY ($B_SOURCE" in message
    assert "OPT_KEY" not in message
    assert "\n" not in message


# Lines a .env file may hold: plain, quoted, `${VAR}` references (to earlier entries, later
# ones, the environment, with defaults), duplicates, comments, exports and invalid ones.
_ENV_LINES = st.lists(
    st.builds(
        lambda key, value: f"{key}={value}",
        st.sampled_from(["A", "B", "C", "export D", "HOME_X"]),
        st.sampled_from(
            ["x", "", "'q ${A}'", '"dq ${B}"', "${A}", "${C:-dflt}", "${BENCH_ENV}-${B}", "${}"]
        ),
    )
    | st.sampled_from(["# comment", "", "not a binding", "E='unterminated"]),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(lines=_ENV_LINES)
def test_env_file_reads_as_python_dotenv_does(lines: list[str]) -> None:
    """Expansion is skipped only where it could change nothing: same entries as dotenv;
    a line dotenv would skip (with only a warning) makes the file an error instead."""
    from dotenv import dotenv_values

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.env"
        path.write_text("\n".join(lines) + "\n")
        os.environ["BENCH_ENV"] = "from-environ"
        try:
            if any(line in ("not a binding", "E='unterminated") for line in lines):
                with pytest.raises(EnvFileError, match=rf"^{re.escape(str(path))}:\d+: "):
                    read_env_file(path)
                return
            expected = {key: value for key, value in dotenv_values(path).items() if value}
            assert read_env_file(path) == expected
        finally:
            del os.environ["BENCH_ENV"]


def test_a_white_space_only_variable_counts_as_unset(manifest_path: Path) -> None:
    """Like an empty one: the same rule `set` applies (refused unless --allow-empty)."""
    environ = {"A_KEY": "  ", "B_SOURCE": "\t\n", "OPT_KEY": " "}
    with pytest.raises(MissingValuesError) as caught:
        resolve(load_manifest(manifest_path), environ=environ)
    assert "2 required value(s)" in str(caught.value)
    desired = resolve(load_manifest(manifest_path), environ={"A_KEY": "a", "B_SOURCE": "b"})
    assert desired.secrets[0].skipped == ("OPT_KEY",)
