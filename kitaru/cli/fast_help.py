"""`--help` without pydantic: typer 0.29 coerces even the help flag's value.

Typer builds a pydantic adapter for a parameter the first time it processes a value, and
the help option is processed first: importing pydantic and building that adapter cost
more than the rest of `kitaru secrets set --help`. The help flag's value is already a bool
(click parsed it), so its callback gets it directly.
"""

from __future__ import annotations

from types import MethodType
from typing import Any, TypeVar

from typer.core import TyperCommand, TyperGroup

Command = TypeVar("Command", bound=type[Any])


def _flag_value(option: Any, ctx: Any, value: Any) -> Any:
    if value is None or isinstance(value, bool):  # not given, or given: nothing to coerce
        return option.callback(ctx, option, value) if option.callback is not None else value
    return type(option).process_value(option, ctx, value)


def with_fast_help(base: Command) -> Command:
    """``base`` (a typer command or group class) whose help flag skips typer's coercion."""

    class Fast(base):  # type: ignore[misc,valid-type]
        def get_help_option(self, ctx: Any) -> Any:
            option = super().get_help_option(ctx)
            if option is not None and "process_value" not in vars(option):
                option.process_value = MethodType(_flag_value, option)
            return option

    Fast.__name__ = Fast.__qualname__ = f"FastHelp{base.__name__}"
    return Fast  # type: ignore[return-value]


FastHelpCommand = with_fast_help(TyperCommand)
FastHelpGroup = with_fast_help(TyperGroup)
