"""`set NAME --KEY=-` at a terminal: a prompt naming the key, and the typed value not echoed.

A real pseudo-terminal drives the real console script (issue 15, case 3).
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time

import kitaru
from tests.conftest import PYTHON, KitaruEnv

TYPED = "kc-typed-at-the-terminal-7f3a"
MAIN = "from kitaru.cli.main import main; main()"


def _read_until(fd: int, needle: bytes, seen: bytearray, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                return needle in seen
            if not chunk:
                break
            seen.extend(chunk)
    return needle in seen


def test_a_value_typed_at_a_terminal_is_not_echoed_and_is_stored(
    embedded_store: KitaruEnv,
) -> None:
    kitaru.list_secrets()  # the store exists before the child opens it
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [PYTHON, "-c", MAIN, "secrets", "set", "tty-app", "--TOKEN=-"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=embedded_store.env,
        cwd=embedded_store.root,
        start_new_session=True,  # no controlling terminal but this one's stdin
    )
    os.close(slave)
    seen = bytearray()
    try:
        assert _read_until(master, b"Value for TOKEN: ", seen, 60), bytes(seen)
        os.write(master, TYPED.encode() + b"\n")
        _read_until(master, b"Created", seen, 120)
        assert child.wait(timeout=120) == 0, bytes(seen)
        _read_until(master, b"\x00", seen, 1)  # whatever is left
    finally:
        if child.poll() is None:
            child.kill()
        os.close(master)
    output = bytes(seen).decode(errors="replace")
    assert TYPED not in output
    assert "Created public secret 'tty-app'" in output
    assert kitaru.get_secret("tty-app").values == {"TOKEN": TYPED}
