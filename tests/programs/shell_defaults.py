"""Start a process under test with every signal at its default, as a shell's foreground
job starts: a CI runner may run the suite under ``nohup`` or as a background job, where
SIGHUP, or SIGINT and SIGQUIT, are ignored, and children inherit ignored dispositions
(``execve`` keeps them; ``subprocess`` restores only SIGPIPE, SIGXFZ and SIGXFSZ). kitaru
rightly keeps what its caller ignores, so a test of how it passes signals on would then
test the runner's settings, not kitaru."""

from __future__ import annotations

import signal

CATCHABLE = sorted(set(signal.valid_signals()) - {signal.SIGKILL, signal.SIGSTOP})


def shell_defaults() -> None:
    """A ``preexec_fn``: what the parent ignores, the child does not."""
    for signo in CATCHABLE:
        try:
            if signal.getsignal(signo) == signal.SIG_IGN:
                signal.signal(signo, signal.SIG_DFL)
        except (OSError, ValueError):
            continue
