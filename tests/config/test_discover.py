"""kitaru.config.discover: the closest configuration walking up applies; broken files are
one-line errors, never silently the defaults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kitaru.config.discover import MAX_BYTES, Finder, load
from kitaru.config.options import DEFAULT, ConfigError


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_closest_config_walking_up_applies(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.kitaru]\nignore = ["KS202"]\n')
    write(tmp_path / "teams/a/kitaru.toml", 'ignore = ["KS203"]\n')
    finder = Finder(stop_at=tmp_path)
    top = finder.for_file(tmp_path / "secrets.yaml")
    assert top.ignore == ("KS202",) and top.source == tmp_path / "pyproject.toml"
    assert top.table == "[tool.kitaru]"
    nested = finder.for_file(tmp_path / "teams/a/deeper/secrets.yaml")
    assert nested.ignore == ("KS203",) and nested.source == tmp_path / "teams/a/kitaru.toml"
    beside = finder.for_file(tmp_path / "teams/b/secrets.yaml")
    assert beside is top  # cached per folder


def test_order_in_one_folder_is_dot_kitaru_then_kitaru_then_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.kitaru]\nignore = ["KS202"]\n')
    assert Finder(tmp_path).for_folder(tmp_path).source == tmp_path / "pyproject.toml"
    write(tmp_path / "kitaru.toml", 'ignore = ["KS203"]\n')
    assert Finder(tmp_path).for_folder(tmp_path).source == tmp_path / "kitaru.toml"
    write(tmp_path / ".kitaru.toml", 'ignore = ["KS901"]\n')
    assert Finder(tmp_path).for_folder(tmp_path).source == tmp_path / ".kitaru.toml"


def test_pyproject_without_tool_kitaru_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "kitaru.toml", 'ignore = ["KS202"]\n')
    write(tmp_path / "app/pyproject.toml", '[project]\nname = "app"\n[tool.ruff]\n')
    found = Finder(tmp_path).for_file(tmp_path / "app/secrets.yaml")
    assert found.source == tmp_path / "kitaru.toml"


def test_no_config_up_to_the_stop_is_the_defaults(tmp_path: Path) -> None:
    write(tmp_path / "kitaru.toml", 'ignore = ["KS202"]\n')
    inner = tmp_path / "repo"
    assert Finder(stop_at=inner).for_file(inner / "secrets.yaml") is DEFAULT


def test_explicit_config_file_loads_either_kind(tmp_path: Path) -> None:
    assert load(write(tmp_path / "team.toml", 'ignore = ["KS202"]\n')).ignore == ("KS202",)
    pyproject = write(tmp_path / "pyproject.toml", '[tool.kitaru.rules]\nmust-be-private = ["*"]\n')
    assert load(pyproject).rules.must_be_private == ("*",)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kitaru.toml", "select = [", "not valid TOML ("),
        ("kitaru.toml", b"\xff\xfe = 1", "not UTF-8 text"),
        ("kitaru.toml", "# " + "x" * MAX_BYTES, "larger than 1024 KiB"),
        ("pyproject.toml", "[tool]\nkitaru = 1\n", "[tool.kitaru] must be a table"),
        ("kitaru.toml", 'selct = ["KS2"]\n', "unknown option 'selct'; did you mean 'select'?"),
    ],
)
def test_broken_config_is_one_line_naming_the_file(
    tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    path = write(tmp_path / name, content)
    for attempt in (lambda: load(path), lambda: Finder(tmp_path).for_folder(tmp_path)):
        with pytest.raises(ConfigError) as raised:
            attempt()
        assert str(raised.value).startswith(str(path) + ": ")
        assert message in str(raised.value)
        assert "\n" not in str(raised.value)


def test_explicit_pyproject_without_the_table_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"has no \[tool.kitaru\] table"):
        load(write(tmp_path / "pyproject.toml", "[project]\n"))
    with pytest.raises(ConfigError, match="cannot be read"):
        load(tmp_path / "nope.toml")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_config_is_an_error_not_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path / "kitaru.toml", 'ignore = ["KS202"]\n')
    path.chmod(0)
    try:
        with pytest.raises(ConfigError, match="cannot be read"):
            Finder(tmp_path).for_folder(tmp_path)
    finally:
        path.chmod(0o600)
