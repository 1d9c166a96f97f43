"""`kitaru secrets validate`, `validate-env` and `schema`: offline, no store, no zenml.

The typer commands document the options and handle everything unusual; plain invocations
take the typer-free path in ``validate_run`` (see its docstring). Both call ``run``.
"""

from __future__ import annotations

from enum import Enum

import typer


class ValidateFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


FORMAT_OPTION = typer.Option(
    ValidateFormat.text,
    "--output",
    "-o",
    "--format",  # the name validate had first; -o/--output is every command's spelling
    help="text (path:line:col: CODE message), json, or github (workflow annotations).",
)
STRICT_OPTION = typer.Option(False, "--strict", help="Fail on warnings too.")
CONFIG_OPTION = typer.Option(
    None,
    "--config",
    metavar="PATH",
    help="Use this kitaru.toml or pyproject.toml [default: the closest one above each file].",
)


def validate_command(
    files: list[str] | None = typer.Argument(
        None,
        metavar="FILES",
        help="Manifests to check [default: secrets.yaml here].",
        show_default=False,
    ),
    fmt: ValidateFormat = FORMAT_OPTION,
    strict: bool = STRICT_OPTION,
    config: str | None = CONFIG_OPTION,
    show_config: bool = typer.Option(
        False, "--show-config", help="Print the configuration that applies, and its file."
    ),
) -> None:
    """Check secrets manifests offline: schema, key names, no inline values, team rules.

    Exit 0 when clean (warnings alone pass unless --strict), 1 on findings, 2 on a usage
    error such as a missing file or a bad configuration. `# kitaru: allow CODE` silences
    one finding on its line; [tool.kitaru] in pyproject.toml (or kitaru.toml) configures
    the rules and lists the manifests checked when no FILES are given.
    """
    from kitaru.cli.validate_run import run

    code = run("manifest", files or [], fmt.value, strict, config=config, show_config=show_config)
    raise typer.Exit(code)


def validate_env_command(
    files: list[str] | None = typer.Argument(
        None,
        metavar="FILES",
        help=".env-style files to check [default: .env.example here].",
        show_default=False,
    ),
    fmt: ValidateFormat = FORMAT_OPTION,
    strict: bool = STRICT_OPTION,
    config: str | None = CONFIG_OPTION,
) -> None:
    """Check committed .env-style files: key names, duplicates, spacing, real credentials.

    Exit codes as for `validate`; a value that looks like a real credential is a warning,
    so use --strict to fail on it. The configuration's rule selection applies here too.
    """
    from kitaru.cli.validate_run import run

    raise typer.Exit(run("env", files or [], fmt.value, strict, config=config))


def schema_command(
    write: str | None = typer.Option(
        None,
        "--write",
        metavar="PATH",
        help="Write the schema to PATH (folders are made) instead of printing it.",
    ),
    config: bool = typer.Option(
        False, "--config", help="The schema of kitaru.toml ([tool.kitaru]) instead."
    ),
) -> None:
    """Print the manifest JSON Schema, for editors that read a `$schema` modeline.

    \b
    In your own repository:
      kitaru secrets schema --write .kitaru/manifest.schema.json
      # then, as the first line of secrets.yaml (the path is relative to the manifest):
      # yaml-language-server: $schema=.kitaru/manifest.schema.json
    """
    from kitaru.cli.validate_run import committed_schema

    text = committed_schema()
    if config:
        import json

        from kitaru.config.options import json_schema

        text = json.dumps(json_schema(), indent=2) + "\n"
    if write is None:
        typer.echo(text, nl=False)
        return
    from pathlib import Path

    from kitaru.errors import KitaruError
    from kitaru.naming import shown_path
    from kitaru.private_file import write_whole

    target = Path(write)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_whole(target, text)  # never over the shipped schema it copies
    except KitaruError as err:
        typer.echo(f"Error: {err}", err=True)
        raise typer.Exit(1) from None
    except OSError as err:
        message = f"schema --write {shown_path(write)}: cannot write it ({type(err).__name__})"
        typer.echo(f"Error: {message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {shown_path(write)}", err=True)
