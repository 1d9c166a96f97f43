"""What every command shares: output formats, error reporting, ZenML's environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any

import typer

from kitaru.cli.pipes import stdout_to_devnull
from kitaru.errors import KitaruError
from kitaru.safe_text import for_terminal, to_json


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


OUTPUT_OPTION = typer.Option(
    OutputFormat.text,
    "--output",
    "-o",
    "--format",  # the same option under validate's old name: both spellings work everywhere
    help="text for people, json for machines.",
)
VISIBILITY_OPTION = typer.Option(
    None,
    "--private/--public",
    help="Pick the private or the public secret when both share the name "
    "(default: your private one).",
    show_default=False,
)


def echo_json(payload: Any) -> None:
    typer.echo(to_json(payload))


def echo_error(message: str) -> None:
    """Each line escaped: a message may quote a name that came from the store."""
    for line in message.split("\n"):
        line = for_terminal(line)
        typer.echo(f"Error: {line}" if not line.startswith(("  ", "\t")) else line, err=True)


@contextmanager
def reported_errors() -> Iterator[None]:
    """KitaruErrors become one line on stderr and their exit code; never a traceback."""
    try:
        yield
    except KitaruError as err:
        echo_error(str(err))
        raise typer.Exit(err.exit_code) from None
    except KeyboardInterrupt:
        echo_error("interrupted")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except BrokenPipeError:
        # The reader went away (`kitaru secrets list | head -1`): nothing to report.
        stdout_to_devnull()
        raise typer.Exit(1) from None
    except Exception as err:
        if os.environ.get("KITARU_DEBUG"):
            raise
        echo_error(f"unexpected {type(err).__name__}; set KITARU_DEBUG=1 to see the traceback")
        raise typer.Exit(1) from None


def quiet_zenml() -> None:
    """Before zenml loads: no log chatter, and no analytics unless the user opted in."""
    os.environ.setdefault("ZENML_LOGGING_VERBOSITY", "CRITICAL")
    os.environ.setdefault("ZENML_ENABLE_RICH_TRACEBACK", "false")
    from kitaru.store.server_config import zenml_config_dir

    if (
        "ZENML_ANALYTICS_OPT_IN" not in os.environ
        and not (zenml_config_dir() / "config.yaml").exists()
    ):
        os.environ["ZENML_ANALYTICS_OPT_IN"] = "false"
