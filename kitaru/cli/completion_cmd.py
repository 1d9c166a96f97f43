"""`kitaru completion bash|zsh|fish`: print the shell's completion script.

A plain call is served without typer (kitaru.completion.entry, from kitaru.cli.main), as
shells may run it at every start; this command answers --help and wrong shells.
"""

from __future__ import annotations

from enum import Enum

import typer


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def completion_command(
    shell: Shell = typer.Argument(..., help="bash, zsh or fish.", show_default=False),
) -> None:
    """Print the completion script for SHELL (commands, flags, secret names, --target).

    \b
    Install:
      bash: kitaru completion bash > ~/.local/share/bash-completion/completions/kitaru
      zsh:  kitaru completion zsh > "${fpath[1]}/_kitaru"    # or: source <(kitaru completion zsh)
      fish: kitaru completion fish > ~/.config/fish/completions/kitaru.fish
    """
    from kitaru.completion.scripts import SCRIPTS

    typer.echo(SCRIPTS[shell.value], nl=False)
