"""Run `validate` / `validate-env` and render findings, without typer.

Pre-commit runs these on every commit, and typer (0.29) builds pydantic adapters for every
non-flag option, which costs more than the whole check. So ``fast_main`` serves
well-formed invocations (files, ``-o/--output/--format X``, ``--strict``, ``--``) straight from
``kitaru.cli.main``; anything else (``--help``, typos, bad values) falls through to the
typer commands in ``validate_cmd``, which call the same ``run``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO

if TYPE_CHECKING:  # importing kitaru.sync waits until a command really runs
    from kitaru.checks.findings import Finding

Kind = Literal["manifest", "env"]
FORMATS = ("text", "json", "github")
FORMAT_FLAGS = ("-o", "--output", "--format")  # one option, every spelling typer accepts
COMMANDS: dict[str, Kind] = {"validate": "manifest", "validate-env": "env"}
DEFAULT_FILES: dict[Kind, tuple[str, ...]] = {
    "manifest": ("secrets.yaml", "secrets.yml"),
    "env": (".env.example",),
}
FORMAT_VERSION = 1
SCHEMA_FILE = "manifest.schema.json"  # beside kitaru/sync/manifest.py, shipped as package data


def _checker(kind: Kind) -> Callable[[str | Path], list[Finding]]:
    if kind == "manifest":
        from kitaru.checks.validate import validate_manifest_file

        return validate_manifest_file
    from kitaru.checks.envfile import validate_env_file

    return validate_env_file


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(findings: Sequence[Finding], files: Sequence[str], fmt: str) -> tuple[str, str]:
    """(stdout, stderr) for the findings of ``files`` in ``fmt``."""
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    summary = (
        f"{_plural(len(files), 'file')} checked: "
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    )
    if fmt == "json":
        import json

        payload = {
            "format_version": FORMAT_VERSION,
            "files": list(files),
            "findings": [f.as_json() for f in findings],
            "summary": {"files": len(files), "errors": errors, "warnings": warnings},
        }
        return json.dumps(payload, indent=2) + "\n", ""
    if fmt == "github":
        from kitaru.sync.report.github import finding_annotation

        return "".join(finding_annotation(f) + "\n" for f in findings), summary + "\n"
    return "".join(f.render() + "\n" for f in findings), summary + "\n"


def _files(kind: Kind, given: Sequence[str], err: TextIO) -> list[str] | None:
    """The files to check, or ``None`` after saying why a usage error stops the run."""
    if not given:
        for name in DEFAULT_FILES[kind]:
            if Path(name).is_file():
                return [name]
        wanted = DEFAULT_FILES[kind][0]
        err.write(f"Error: no {wanted} in the current folder; name the files to check\n")
        return None
    from kitaru.naming import shown_path

    problems = [
        f"Error: {shown_path(name)}: "
        + ("is a directory" if Path(name).is_dir() else "no such file")
        for name in given
        if not Path(name).is_file()
    ]
    for problem in problems:
        err.write(problem + "\n")
    return None if problems else list(given)


def run(
    kind: Kind,
    files: Sequence[str],
    fmt: str = "text",
    strict: bool = False,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Check ``files``; exit code 0 clean (or warnings only), 1 findings, 2 usage error."""
    out = out or sys.stdout
    err = err or sys.stderr
    paths = _files(kind, files, err)
    if paths is None:
        return 2
    check = _checker(kind)
    findings = [finding for path in paths for finding in check(path)]
    stdout, stderr = render(findings, paths, fmt)
    out.write(stdout)
    err.write(stderr)
    failing = [f for f in findings if strict or f.is_error]
    return 1 if failing else 0


def _parse(args: Sequence[str]) -> tuple[list[str], str, bool] | None:
    """(files, format, strict) for plain invocations; ``None`` means "let typer handle it"."""
    files: list[str] = []
    fmt, strict = "text", False
    items = iter(args)
    for arg in items:
        if arg == "--":
            files.extend(items)
            break
        if arg == "--strict":
            strict = True
        elif arg in FORMAT_FLAGS or arg.startswith(("--format=", "--output=")):
            value = arg.partition("=")[2] if "=" in arg else next(items, None)
            if value not in FORMATS:
                return None
            fmt = value
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            files.append(arg)
    return files, fmt, strict


def committed_schema() -> str:
    """The manifest JSON Schema as shipped (tests keep it equal to the generated one)."""
    from kitaru.files_read import noted

    shipped = Path(__file__).resolve().parent.parent / "sync" / SCHEMA_FILE
    noted(shipped, "the schema kitaru ships")
    return shipped.read_text("utf-8")


def fast_main(args: Sequence[str]) -> int | None:
    """Exit code of `kitaru secrets validate[-env] ...` or of a plain `kitaru secrets
    schema`, or ``None`` when typer must run."""
    if list(args) == ["secrets", "schema"]:
        sys.stdout.write(committed_schema())
        return 0
    if len(args) < 2 or args[0] != "secrets" or args[1] not in COMMANDS:
        return None
    parsed = _parse(args[2:])
    if parsed is None:
        return None
    files, fmt, strict = parsed
    return run(COMMANDS[args[1]], files, fmt, strict)
