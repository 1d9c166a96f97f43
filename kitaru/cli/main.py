"""Console entry point: run the app, flush, and skip the slow interpreter teardown."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from kitaru.cli.pipes import stdout_to_devnull


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> NoReturn:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["__complete"], ["completion"]):  # a Tab press, or a shell's start-up
        from kitaru.completion.entry import fast_entry

        served = fast_entry(args)
        if served is not None:
            sys.stdout.flush()
            sys.exit(served)
    from kitaru import startup

    startup.pause()  # no collections while modules load; the store resumes them
    startup.zenml_console_to_stderr = True
    from kitaru.cli.validate_run import fast_main

    try:
        # pre-commit runs `secrets validate` on every commit: plain calls skip typer
        fast = fast_main(sys.argv[1:] if argv is None else argv)
        if fast is None:
            from kitaru.cli.app import app
            from kitaru.cli.not_dumpable import forbid_core_dumps

            forbid_core_dumps()  # before any command reads a value

            app(args=argv, prog_name="kitaru")
        code = fast or 0
    except SystemExit as exit_:
        code = _exit_code(exit_.code)
    except BrokenPipeError:  # the reader left (`kitaru secrets schema | head -1`)
        stdout_to_devnull()
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        code = code or 1
    store = sys.modules.get("kitaru.store")
    if store is not None:
        store.close_open_stores()  # the REST store's connection pool, closed politely
    if "zenml" in sys.modules or "httpx" in sys.modules:
        # Every store write is committed when its call returns; what remains is
        # module teardown (seconds with zenml) that no user waits for.
        import logging

        logging.shutdown()
        os._exit(code)
    startup.resume()
    sys.exit(code)
