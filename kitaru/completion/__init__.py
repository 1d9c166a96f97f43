"""Shell completion: the command tree (spec), the pure completer (engine), where dynamic
values come from (secret names, manifest targets, model aliases), the shell scripts, and
the typer-free entry that serves a Tab press (entry)."""
