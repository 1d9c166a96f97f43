"""Run `validate` / `validate-env` and render findings, without typer.

Pre-commit runs these on every commit, and typer (0.29) builds pydantic adapters for every
non-flag option, which costs more than the whole check. So ``fast_main`` serves
well-formed invocations (files, ``-o/--output/--format X``, ``--strict``, ``--``) straight from
``kitaru.cli.main``; anything else (``--help``, typos, bad values) falls through to the
typer commands in ``validate_cmd``, which call the same ``run``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, TextIO

if TYPE_CHECKING:  # importing kitaru.sync waits until a command really runs
    from kitaru.checks.findings import Finding
    from kitaru.checks.manifest_rules import Document
    from kitaru.config.discover import Finder
    from kitaru.config.options import Config

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


def _files(kind: Kind, given: Sequence[str], err: TextIO, config: Config) -> list[str] | None:
    """The files to check, or ``None`` after saying why a usage error stops the run."""
    if not given and kind == "manifest" and config.manifests:
        from kitaru.checks.several import listed

        found = listed(config)
        if not found:
            err.write(f"Error: {config.where}: manifests matches no file\n")
        return found or None
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


class _Several:
    """The several-manifests check: each config's listed manifests, read once."""

    def __init__(self) -> None:
        from kitaru.checks.several import Documents

        self.documents = Documents()
        self._listed: dict[int, dict[Path, str]] = {}

    def findings(self, path: str, document: Document, config: Config) -> list[Finding]:
        self.documents.put(path, document)
        if not config.manifests:
            return []
        from kitaru.checks.several import cross_duplicates, listed

        if id(config) not in self._listed:
            self._listed[id(config)] = {Path(p).absolute(): p for p in listed(config)}
        members = self._listed[id(config)]
        me = Path(path).absolute()
        if me not in members:
            return []
        others = [shown for where, shown in members.items() if where != me]
        return cross_duplicates(path, document, others, self.documents.get)


def _check_all(
    kind: Kind, paths: list[str], explicit: Config | None, finder: Finder
) -> list[Finding]:
    from kitaru.checks.findings import Finding
    from kitaru.checks.policy import Policy

    findings: list[Finding] = []
    several = _Several()
    for path in paths:
        config = explicit or finder.for_file(path)
        if kind == "env":
            from kitaru.checks.envfile import validate_env_file

            findings += Policy(config, path).apply(validate_env_file(path))
            continue
        from kitaru.checks.text import read_file
        from kitaru.checks.validate import checked_manifest

        data = read_file(path, "manifest")
        if isinstance(data, Finding):
            findings.append(data)
            continue
        found, document = checked_manifest(data, path, config)
        findings += sorted(found + several.findings(path, document, config))
    return findings


def run(
    kind: Kind,
    files: Sequence[str],
    fmt: str = "text",
    strict: bool = False,
    *,
    config: str | None = None,
    show_config: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Check ``files``; exit code 0 clean (or warnings only), 1 findings, 2 usage error
    (a missing file, or a configuration that cannot be used)."""
    out = out or sys.stdout
    err = err or sys.stderr
    from kitaru.config.discover import Finder, load
    from kitaru.config.options import ConfigError

    finder = Finder()
    try:
        explicit = load(config) if config is not None else None
        if show_config:
            from kitaru.config.options import to_toml

            chosen = explicit or (finder.for_file(files[0]) if files else finder.for_folder(Path()))
            out.write(to_toml(chosen))
            return 0
        paths = _files(kind, files, err, explicit or finder.for_folder(Path()))
        if paths is None:
            return 2
        findings = _check_all(kind, paths, explicit, finder)
    except ConfigError as problem:
        err.write(f"Error: {problem}\n")
        return 2
    stdout, stderr = render(findings, paths, fmt)
    out.write(stdout)
    err.write(stderr)
    failing = [f for f in findings if strict or f.is_error]
    return 1 if failing else 0


class _Parsed(NamedTuple):
    files: list[str]
    fmt: str
    strict: bool
    config: str | None
    show_config: bool


def _parse(args: Sequence[str]) -> _Parsed | None:
    """The options of a plain invocation; ``None`` means "let typer handle it"."""
    files: list[str] = []
    fmt, strict, config, show_config = "text", False, None, False
    items = iter(args)
    for arg in items:
        if arg == "--":
            files.extend(items)
            break
        if arg == "--strict":
            strict = True
        elif arg == "--show-config":
            show_config = True
        elif arg == "--config" or arg.startswith("--config="):
            config = arg.partition("=")[2] if "=" in arg else next(items, None)
            if not config:
                return None
        elif arg in FORMAT_FLAGS or arg.startswith(("--format=", "--output=")):
            value = arg.partition("=")[2] if "=" in arg else next(items, None)
            if value not in FORMATS:
                return None
            fmt = value
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            files.append(arg)
    return _Parsed(files, fmt, strict, config, show_config)


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
    if COMMANDS[args[1]] == "env":
        from kitaru.cli.not_dumpable import forbid_core_dumps

        forbid_core_dumps()  # a .env file holds values; typer's path does this in main
    return run(
        COMMANDS[args[1]],
        parsed.files,
        parsed.fmt,
        parsed.strict,
        config=parsed.config,
        show_config=parsed.show_config,
    )
