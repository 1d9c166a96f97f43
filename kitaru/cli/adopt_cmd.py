"""`kitaru secrets adopt`: manifest entries for existing secrets (kitaru.sync.adopt), printed
or appended to the manifest. Exit codes: 0 ok, 1 error, 2 usage error."""

from __future__ import annotations

from pathlib import Path

import typer

from kitaru.cli.common import OUTPUT_OPTION, OutputFormat, echo_json, quiet_zenml, reported_errors
from kitaru.errors import KitaruError, UsageError


def adopt_command(
    names: list[str] | None = typer.Argument(
        None, metavar="NAME", help="Secrets to adopt, by exact name (both visibilities)."
    ),
    file: Path | None = typer.Option(
        None,
        "--file",
        "-f",
        help="The manifest: adopt what it does not declare yet (every such secret when no "
        "NAME is given).",
    ),
    write: bool = typer.Option(
        False, "--write", help="Append the entries to the -f manifest, keeping its text as is."
    ),
    private: bool | None = typer.Option(
        None,
        "--private/--public",
        help="Adopt only private (or only public) secrets [default: both].",
        show_default=False,
    ),
    output: OutputFormat = OUTPUT_OPTION,
) -> None:
    """Print manifest entries (name, visibility, key names; never values) for secrets that
    already exist, so a manifest can start managing them.

    Each key's value comes from the environment variable named as the key, so a `plan`
    with those values set shows the adopted secrets unchanged.

    \b
    Examples:
      kitaru secrets adopt openai-creds github-creds
      kitaru secrets adopt -f secrets.yaml            # every secret it does not declare
      kitaru secrets adopt -f secrets.yaml --write    # append them to secrets.yaml
      kitaru secrets adopt -f secrets.yaml -o json
      kitaru secrets adopt team-openai --private     # only the private one
    """
    with reported_errors():
        if not names and file is None:
            raise UsageError("give secret names, or -f MANIFEST to adopt what it lacks")
        if write and file is None:
            raise UsageError("--write needs -f MANIFEST: the file to append to")
        _adopt(names or [], file, write, private, output)


def _adopt(
    names: list[str], file: Path | None, write: bool, private: bool | None, output: OutputFormat
) -> None:
    from kitaru.naming import shown_path
    from kitaru.safe_text import for_terminal
    from kitaru.sync.adopt import append_entries, entries_text
    from kitaru.sync.pipeline import load

    manifest = load(file) if file is not None else None
    text = file.read_bytes().decode("utf-8") if write and file is not None else None
    if text is not None:
        append_entries(text, [])  # refuse an unappendable file before opening the store
    quiet_zenml()
    from kitaru.sync.adopt import adopt

    found = adopt(names, manifest, private=private)
    for line in found.notes:
        typer.echo(f"note: {for_terminal(line)}", err=True)
    written = None
    if text is not None and file is not None and found.entries:
        if file.read_bytes().decode("utf-8") != text:
            raise KitaruError(f"{shown_path(file)} changed while adopting; nothing was written")
        _replace(file, append_entries(text, found.entries))
        written = str(file)
    if output is OutputFormat.json:
        echo_json(
            {
                "format_version": 1,
                "secrets": [entry.as_json() for entry in found.entries],
                "notes": list(found.notes),
                "written": written,
            }
        )
        return
    if not found.entries:
        typer.echo("Nothing to adopt.", err=True)
    elif written is not None:
        from kitaru.sync.report.words import MAX_LISTED_UNMANAGED as MAX_LISTED

        labels = ", ".join(for_terminal(entry.label) for entry in found.entries[:MAX_LISTED])
        more = (
            f" and {len(found.entries) - MAX_LISTED} more"
            if len(found.entries) > MAX_LISTED
            else ""
        )
        typer.echo(f"Appended {len(found.entries)} secret(s) to {shown_path(file)}: {labels}{more}")
    else:
        typer.echo(entries_text(found.entries), nl=False)


def _replace(path: Path, text: str) -> None:
    """The new text in place of the old in one rename: never a half-written manifest (a
    symlinked manifest keeps its link; the file it points at is replaced, mode kept)."""
    from kitaru.private_file import write_whole

    target = path.resolve()
    # The one write that replaces a file the command read: its own manifest, appended to.
    write_whole(target, text, mode=target.stat().st_mode & 0o7777, rewrites_input=True)
