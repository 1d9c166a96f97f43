"""One atomic writer for plan files, adopted manifests, exports and the token cache."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kitaru.private_file import write_private, write_whole


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_given_mode_is_kept_exactly_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "secrets.yaml"
    old = os.umask(0o077)
    try:
        write_whole(target, "a\r\nb\n", mode=0o664)
    finally:
        os.umask(old)
    assert _mode(target) == 0o664 and target.read_bytes() == b"a\r\nb\n"
    write_private(target, "c", replace=True)
    assert _mode(target) == 0o600 and target.read_text() == "c"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secrets.yaml"]


def test_without_replace_an_existing_file_wins(tmp_path: Path) -> None:
    target = tmp_path / "out.env"
    assert write_private(target, "first", replace=False)
    assert not write_private(target, "second", replace=False)
    assert target.read_text() == "first"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.json"
    write_whole(target, "old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError):
        write_whole(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
