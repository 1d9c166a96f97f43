"""Click's own usage errors, with anything typed that may be a value hidden.

Click quotes what it could not parse (``No such option: --API_KEY:hunter2``, ``Got
unexpected extra argument (hunter2)``, ``'hunter2' is not one of ...``). The root group
rewrites those messages with ``naming.scrub``: input that has the shape of a name or key
stays, anything else is described by its length. They are also shown on one line,
``Error: <message> (see 'kitaru secrets set --help')``, instead of click's usage block.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from kitaru.naming import scrub

# typer 0.29 vendors click and exports only BadParameter, a subclass of click's UsageError.
UsageError: type[Exception] = next(
    base for base in typer.BadParameter.__mro__ if base.__name__ == "UsageError"
)

_TYPED = "kitaru.typed_args"


def _hide_typed(err: Exception, typed: Sequence[str]) -> None:
    """Click's exceptions (typer vendors its own click) keep their text in ``message``."""
    message = getattr(err, "message", None)
    if isinstance(message, str) and hasattr(err, "format_message"):
        err.message = scrub(message, typed)  # type: ignore[attr-defined]
    if isinstance(err, UsageError) and type(err).show is UsageError.show:  # type: ignore[attr-defined]
        err.show = _one_line(err)  # type: ignore[attr-defined]


def _one_line(err: Any) -> Any:
    """``show`` for a usage error: its message and where help is, in one line."""

    def show(file: Any = None) -> None:
        hint = f" (see '{err.ctx.command_path} --help')" if err.ctx is not None else ""
        typer.echo(f"Error: {err.format_message()}{hint}", file=file, err=file is None)

    return show


class InputSafeGroup(TyperGroup):
    """The root command group: every usage error below it passes through ``scrub``."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: Any = None,
        **extra: Any,
    ) -> Any:
        typed = list(args)
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except Exception as err:
            _hide_typed(err, typed)
            raise
        ctx.meta[_TYPED] = typed
        return ctx

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as err:
            _hide_typed(err, ctx.meta.get(_TYPED, ()))
            raise
