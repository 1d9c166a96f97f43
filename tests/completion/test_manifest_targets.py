"""`--target` values come from the manifest file alone."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from kitaru.completion.manifest_targets import MAX_BYTES, declared_names

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "secrets.yaml"


def test_names_of_the_example_manifest() -> None:
    names = declared_names(str(EXAMPLE))
    assert names and all(isinstance(name, str) for name in names)


def test_declared_names_in_order(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "version: 1\nsecrets:\n  - name: db-creds\n    keys: [A]\n"
        "  - name: old\n    state: absent\n  - keys: [B]\n  - name: 7\n  - plain\n"
    )
    assert declared_names(str(manifest)) == ["db-creds", "old"]


def test_nothing_from_what_is_not_a_small_regular_manifest(tmp_path: Path) -> None:
    assert declared_names(str(tmp_path / "missing.yaml")) == []
    assert declared_names(str(tmp_path)) == []  # a directory
    (tmp_path / "bad.yaml").write_text("secrets: [\n  - name: x\n")
    assert declared_names(str(tmp_path / "bad.yaml")) == []
    (tmp_path / "list.yaml").write_text("- name: x\n")
    assert declared_names(str(tmp_path / "list.yaml")) == []
    big = tmp_path / "big.yaml"
    big.write_text("secrets:\n" + "  - name: n\n" * (MAX_BYTES // 10))
    assert declared_names(str(big)) == []
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert declared_names(str(fifo)) == []  # returns at once: nobody writes it
    assert declared_names("/dev/zero") == []


def test_links_to_devices_and_fifos_and_yaml_bombs_offer_nothing_at_once(tmp_path: Path) -> None:
    """What a pull request can put where secrets.yaml is read: a symlink to /dev/zero or to
    a FIFO is never read; aliases (billion laughs) are shared, never expanded."""
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "fifo.yaml").symlink_to(tmp_path / "fifo")
    assert declared_names(str(tmp_path / "zero.yaml")) == []
    assert declared_names(str(tmp_path / "fifo.yaml")) == []
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 40)]
    lines.append("secrets: [*a39, {name: kept}, *a39]")
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    assert declared_names(str(tmp_path / "bomb.yaml")) == ["kept"]


def test_what_is_not_a_regular_file_is_never_opened(tmp_path: Path) -> None:
    """Opening can act by itself: here a FIFO's writer, waiting for a reader, would be
    released (a device may do worse). The manifest is a committed symlink to it."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "secrets.yaml").symlink_to(fifo)
    released = threading.Event()

    def writer() -> None:
        os.close(os.open(fifo, os.O_WRONLY))  # blocks until a reader opens the FIFO
        released.set()

    waiting = threading.Thread(target=writer, daemon=True)
    waiting.start()
    time.sleep(0.1)  # the writer is in its open by then
    assert declared_names(str(tmp_path / "secrets.yaml")) == []
    opened = released.wait(0.2)
    os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # release the writer ourselves
    waiting.join(5)
    assert not opened
