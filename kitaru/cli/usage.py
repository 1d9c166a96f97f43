"""Click's own usage errors, with anything typed that may be a value hidden.

Click quotes what it could not parse (``No such option: --API_KEY:hunter2``, ``Got
unexpected extra argument (hunter2)``, ``'hunter2' is not one of ...``). The root group
rewrites those messages with ``naming.scrub``: input that has the shape of a name or key
stays, anything else is described by its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from typer.core import TyperGroup

from kitaru.naming import scrub

_TYPED = "kitaru.typed_args"


def _hide_typed(err: Exception, typed: Sequence[str]) -> None:
    """Click's exceptions (typer vendors its own click) keep their text in ``message``."""
    message = getattr(err, "message", None)
    if isinstance(message, str) and hasattr(err, "format_message"):
        err.message = scrub(message, typed)  # type: ignore[attr-defined]


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
