"""Drive the real shells' completion: bash's function entry point, fish's `complete -C`,
and zsh at a pseudo-terminal (its completion system only runs in the line editor)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path

from kitaru.completion.scripts import SCRIPTS

ZSH = "/usr/bin/zsh"
FISH = "/usr/bin/fish"
BASH = "/bin/bash"
_ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


def bash_complete(words: list[str], env: Mapping[str, str], cwd: Path) -> list[str]:
    """COMPREPLY after the script's function runs for ``words`` (the last one at the cursor)."""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    program = (
        f"source /dev/stdin <<'KITARU'\n{SCRIPTS['bash']}KITARU\n"
        f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}\n"
        "_kitaru_complete\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", program],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line for line in done.stdout.splitlines() if line]


def fish_complete(line: str, env: Mapping[str, str], cwd: Path) -> tuple[list[str], str]:
    """fish's candidates for the command line ``line`` (values, without descriptions),
    and everything fish wrote to stderr."""
    program = f"source {cwd / 'kitaru.fish'}; complete -C {_fish_quote(line)}"
    (cwd / "kitaru.fish").write_text(SCRIPTS["fish"])
    done = subprocess.run(
        [FISH, "--no-config", "-c", program],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [row.split("\t", 1)[0] for row in done.stdout.splitlines() if row], done.stderr


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def zsh_screens(
    steps: list[tuple[str, str]], env: Mapping[str, str], cwd: Path, fpath: bool = False
) -> list[str]:
    """What an interactive zsh shows after each ``typed`` (ending in a Tab) is typed at
    its prompt, with the script sourced after compinit (or, ``fpath``, saved as _kitaru
    in a directory of $fpath before it): each step reads until its ``wait_for`` appears,
    then clears the line (one shell, one compinit, for all steps)."""
    functions = cwd / "zfunc"
    functions.mkdir(exist_ok=True)
    (functions / "_kitaru").write_text(SCRIPTS["zsh"])
    install = f"fpath=({functions} $fpath); " if fpath else ""
    load = "" if fpath else f"source {functions / '_kitaru'}; "
    setup = (
        f"PS1='> '; {install}autoload -U compinit; compinit -u -D; {load}"
        "print RE''ADY\n"  # the echo differs from the output
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: the shell, in the test's environment
        os.chdir(cwd)
        os.execve(ZSH, [ZSH, "-f", "-i"], {**env, "TERM": "dumb"})
    screens = []
    try:
        os.write(fd, setup.encode())
        _read_until(fd, b"READY\n", 60)
        for typed, wait_for in steps:
            # the line first, then the Tabs once the line editor has it (no type-ahead)
            text, tabs = typed.rstrip("\t"), typed[len(typed.rstrip("\t")) :]
            time.sleep(0.5)
            os.write(fd, text.encode())
            echo = _read_until(fd, text[-8:].encode(), 3)  # a pause; its redraw may differ
            os.write(fd, tabs.encode())
            # zsh draws only what the Tab adds: look for ``wait_for`` across both reads
            shown = echo + _read_until(fd, wait_for.encode(), 60, after=echo)
            screens.append(shown.decode("utf-8", "replace"))
            os.write(fd, b"\x15")  # kill the whole line (emacs keys)
        return screens
    finally:
        os.write(fd, b"\x03exit\n")
        _reap(pid)
        os.close(fd)


def _read_until(fd: int, wanted: bytes, timeout: float, after: bytes = b"") -> bytes:
    """What the terminal shows until ``wanted`` appears in ``after`` + it, or ``timeout``."""
    seen = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if wanted in after + _ESCAPES.sub(b"", seen):
                break
    return _ESCAPES.sub(b"", seen)


def _reap(pid: int) -> None:
    end = time.monotonic() + 10
    while time.monotonic() < end:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
