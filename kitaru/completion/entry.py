"""The typer-free entry for a Tab press (`kitaru __complete SHELL WORD...`) and for
printing a script (`kitaru completion SHELL`), served by kitaru.cli.main before typer loads.

A Tab press never breaks a prompt: stderr goes to /dev/null for the whole process (ZenML
or a thread may write there), the candidates are written to a duplicate of stdout kept
aside (so nothing else reaches it), any failure offers nothing, and the process ends with
``os._exit`` so an abandoned store lookup is not waited for. A watchdog ends the process
silently ``HARD_LIMIT_S`` after the Tab press whatever it is waiting for (a FIFO where a
file was expected, a large manifest from a pull request, a flood of names): a Tab press
that offers nothing beats one that hangs the prompt.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Sequence

from kitaru.completion import budget
from kitaru.completion.engine import Reply, Sources, complete
from kitaru.completion.scripts import SCRIPTS

HIDDEN = "__complete"
# After the store's own deadline (0.9 s), what remains is filtering and rendering; both
# scale with KITARU_COMPLETION_TIMEOUT (kitaru.completion.budget).
HARD_LIMIT_S = 1.5


def _bash_words(raw: Sequence[str]) -> list[str]:
    """bash splits ``--out=x`` into ``--out``, ``=``, ``x`` (COMP_WORDBREAKS): rejoin."""
    words: list[str] = []
    joining = False
    for word in raw:
        if word == "=" and words and words[-1].startswith("--") and "=" not in words[-1]:
            words[-1] += "="
            joining = True
        elif joining:
            words[-1] += word
            joining = False
        else:
            words.append(word)
    return words


def _whole(line: str) -> bool:
    """Three fields on one line. A typed word holding a tab or a line break (a multi-line
    paste) would otherwise reach the script as fields or lines of its own: candidates."""
    return line.count("\t") == 2 and "\n" not in line and "\r" not in line


def render(shell: str, reply: Reply, incomplete: str, raw_current: str) -> str:
    """The lines the shell's script reads. bash replaces only its own current word (the
    text after an ``=``), so its values are cut to what replaces ``raw_current``. A line
    whose text would break the format is left out."""
    lines = []
    cut = len(incomplete) - len(raw_current) if shell == "bash" else 0
    for value, help_text in reply.candidates:
        lines.append(f"v\t{value[cut:]}\t{help_text}")
    if reply.files:
        path = incomplete[len(reply.file_prefix) :]
        if shell == "bash":
            keep = raw_current[: len(raw_current) - len(path)] if raw_current.endswith(path) else ""
            lines.append(f"f\t:{keep}\t:{path}")
        else:
            lines.append(f"f\t{reply.file_prefix}\t{path}")
    return "".join(line + "\n" for line in lines if _whole(line))


def answer(shell: str, raw: Sequence[str], sources: Sources) -> str:
    """The script's input for one Tab press: ``raw`` is the words after the program name,
    the last one the word at the cursor."""
    if shell not in SCRIPTS or not raw:
        return ""
    words = _bash_words(raw) if shell == "bash" else list(raw)
    *before, incomplete = words
    reply = complete(before, incomplete, sources)
    return render(shell, reply, incomplete, raw[-1])


# Held by whoever ends the process: the candidates are written whole or not at all.
_ending = threading.Lock()


def _watchdog(started: float) -> None:
    """End the process, offering nothing, at ``started + HARD_LIMIT_S``."""

    def expire() -> None:
        limit = HARD_LIMIT_S * budget.scale()
        time.sleep(max(0.0, started + limit - time.monotonic()))
        _ending.acquire()
        os._exit(0)

    threading.Thread(target=expire, name="kitaru-complete-watchdog", daemon=True).start()


def _serve(args: Sequence[str], started: float) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    out = os.dup(1)
    os.dup2(devnull, 2)
    os.dup2(devnull, 1)  # only the candidates reach the shell, through ``out``
    _watchdog(started)
    text = ""
    try:
        from kitaru.completion.sources import LiveSources

        text = answer(args[0], args[1:], LiveSources(started)) if args else ""
    except BaseException:  # a completion never reports: it offers nothing
        text = ""
    data = text.encode("utf-8", "replace")
    _ending.acquire()
    with contextlib.suppress(OSError):
        while data:
            data = data[os.write(out, data) :]
    os._exit(0)


def fast_entry(args: Sequence[str], started: float | None = None) -> int | None:
    """Serve `__complete` (never returns) and a plain `completion SHELL`; None otherwise."""
    if args[:1] == [HIDDEN]:
        _serve(list(args[1:]), time.monotonic() if started is None else started)
    if len(args) == 2 and args[0] == "completion" and args[1] in SCRIPTS:
        return _print_script(SCRIPTS[args[1]])
    return None


def _print_script(script: str) -> int:
    """Write the script; a failed write (a full disk, `> /dev/full`) is one line and exit
    status 1, so ``kitaru completion bash > FILE && ...`` never goes on with half a script."""
    from kitaru.cli.pipes import stdout_to_devnull

    try:
        sys.stdout.write(script)
        sys.stdout.flush()
    except OSError as error:
        stdout_to_devnull()  # what is still buffered has nowhere to fail at exit
        if not isinstance(error, BrokenPipeError):
            reason = error.strerror or type(error).__name__
            with contextlib.suppress(OSError):
                sys.stderr.write(f"kitaru: the completion script was not written: {reason}\n")
        return 1
    return 0
