"""The completion table says exactly what the typer application accepts."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import typer

from kitaru.cli.app import app
from kitaru.completion.spec import ROOT, Command, Kind


def _shape(click_command: Any) -> dict[str, Any]:
    options: dict[str, bool] = {}
    arguments: list[int] = []
    for param in click_command.params:
        if param.param_type_name == "argument":
            arguments.append(param.nargs)
            continue
        takes_value = not param.is_flag and not param.count
        for spelling in [*param.opts, *param.secondary_opts]:
            options[spelling] = takes_value
    help_option = click_command.get_help_option(typer.Context(click_command))
    if help_option is not None:
        options.update(dict.fromkeys(help_option.opts, False))
    commands = getattr(click_command, "commands", {})
    return {"options": options, "arguments": arguments, "commands": sorted(commands)}


def _spec_shape(command: Command) -> dict[str, Any]:
    options = {name: option.takes_value for option in command.options for name in option.names}
    arguments = [] if command.args is None else [-1 if command.many else 1]
    return {
        "options": options,
        "arguments": arguments,
        "commands": sorted(c.name for c in command.commands),
    }


def _pairs() -> list[tuple[str, Any, Command]]:
    found = []

    def walk(path: str, click_command: Any, spec: Command) -> None:
        found.append((path, click_command, spec))
        for name, sub in getattr(click_command, "commands", {}).items():
            child = spec.command(name)
            assert child is not None, f"{path} {name}: not in the completion table"
            walk(f"{path} {name}", sub, child)

    walk("kitaru", typer.main.get_command(app), ROOT)
    return found


@pytest.mark.parametrize(("path", "click_command", "spec"), _pairs(), ids=lambda v: str(v)[:40])
def test_table_matches_the_app(path: str, click_command: Any, spec: Command) -> None:
    table, accepted = _spec_shape(spec), _shape(click_command)
    assert table["commands"] == accepted["commands"], path
    assert table["arguments"] == accepted["arguments"], path
    assert sorted(table["options"].items()) == sorted(accepted["options"].items()), path
    for param in click_command.params:
        if param.param_type_name == "option":
            option = spec.option(param.opts[0])
            assert option is not None and option.repeat == param.multiple, (path, param.opts)


def test_choices_match_the_app() -> None:
    """Every fixed choice the table offers is one the app accepts, and all of them."""
    for path, click_command, spec in _pairs():
        for param in click_command.params:
            annotation = param.type_descriptor.annotation
            if not (isinstance(annotation, type) and issubclass(annotation, Enum)):
                continue
            wanted = sorted(str(member.value) for member in annotation)
            if param.param_type_name == "argument":
                assert sorted(spec.arg_choices) == wanted, path
                assert spec.args == Kind.choice, path
            else:
                option = spec.option(param.opts[0])
                assert option is not None and option.kind == Kind.choice, (path, param.opts)
                assert sorted(option.choices) == wanted, (path, param.opts)
