"""The registry of files a run read, and the atomic writer that consults it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kitaru.files_read import OwnInputError, noted, one_run, read_by_this_run
from kitaru.private_file import write_whole


def test_outside_a_run_nothing_is_recorded_or_refused(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    noted(target, "the manifest")
    assert write_whole(target, "new") and target.read_text() == "new"


def test_a_file_read_in_this_run_is_refused_by_path_link_or_inode(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    (tmp_path / "link").symlink_to(target)
    os.link(target, tmp_path / "hard")
    with one_run():
        noted(tmp_path / "link", "the .env file")
        for path in (target, tmp_path / "link", tmp_path / "hard", tmp_path / "." / "f"):
            assert read_by_this_run(path) == "the .env file"
            with pytest.raises(OwnInputError, match="never overwrites its own input"):
                write_whole(path, "new")
        assert target.read_text() == "old"
        assert write_whole(target, "appended", rewrites_input=True)  # adopt's own manifest
        assert write_whole(tmp_path / "other", "fine")
    assert write_whole(target, "after the run")


def test_nested_runs_share_the_outer_one(tmp_path: Path) -> None:
    with one_run():
        with one_run():
            noted(tmp_path / "m", "the manifest")
        assert read_by_this_run(tmp_path / "m") == "the manifest"
    assert read_by_this_run(tmp_path / "m") is None
