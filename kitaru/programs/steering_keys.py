"""Environment keys that change how programs start, in one place, each with its reason.

Whoever can write a secret decides its key names (every user of the server, for a public
secret). A key such as ``BASH_ENV`` or ``LD_PRELOAD`` injected into a program's environment
runs the writer's code in the reader's program, so `run`, `export` and
``secret_environment`` refuse these keys unless the user names them, and the offline checks
flag them. Pure data and one lookup; no imports beyond the standard library.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

# (pattern, reason): a pattern is an exact key or a prefix ending in ``*``. Matching is
# case-sensitive, as environment variables are on POSIX. The hardening work (issue 24)
# completes this list from the shells', loaders' and interpreters' own documentation.
STEERING_KEYS: tuple[tuple[str, str], ...] = (
    ("BASH_ENV", "bash runs this file before a non-interactive script"),
    ("ENV", "sh and bash in POSIX mode run this file at start-up"),
    ("LD_PRELOAD", "the dynamic loader loads this library into every program"),
    ("LD_*", "steers the dynamic loader"),
    ("PATH", "decides which program a command name runs"),
    ("PYTHONSTARTUP", "Python runs this file at an interactive start"),
    ("PYTHONPATH", "decides which modules Python imports"),
)


def steering_reason(key: str) -> str | None:
    """Why ``key`` changes how a program starts, or None when it does not."""
    for pattern, reason in STEERING_KEYS:
        if fnmatchcase(key, pattern):
            return reason
    return None
