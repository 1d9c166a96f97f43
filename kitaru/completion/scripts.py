"""The completion scripts `kitaru completion bash|zsh|fish` prints.

Each is a thin shim: it hands the words before the cursor and the word at the cursor to
the hidden ``kitaru __complete SHELL WORD...`` (entry.py) with stderr discarded, and reads
back tab-separated lines: ``v<TAB>VALUE<TAB>HELP`` is a candidate, ``f<TAB>...`` asks for
file paths (bash's fields start with ``:``, as its ``read`` merges empty tab fields).
Values are used as data (never evaluated); they are only subcommands, option spellings,
fixed choices, and names that passed kitaru's name rule. The scripts call the
`kitaru` on PATH, never a path typed on the command line.
"""

from __future__ import annotations

BASH = r"""# kitaru completion for bash: source it from ~/.bashrc, or save it as
# ~/.local/share/bash-completion/completions/kitaru
_kitaru_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}" kind value extra line
    COMPREPLY=()
    while IFS=$'\t' read -r kind value extra; do
        case "$kind" in
            v) COMPREPLY+=("$value") ;;
            f)
                compopt -o filenames 2>/dev/null
                while IFS= read -r line; do
                    COMPREPLY+=("${value#:}$line")
                done < <(compgen -f -- "${extra#:}")
                ;;
        esac
    done < <(command kitaru __complete bash "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
}
complete -F _kitaru_complete kitaru
"""

ZSH = r"""#compdef kitaru
# kitaru completion for zsh: `source <(kitaru completion zsh)` after compinit in ~/.zshrc,
# or save it as _kitaru in a directory of $fpath
_kitaru_complete() {
    local -a lines pairs
    local line kind value help rest files=0 prefix=""
    lines=("${(@f)$(command kitaru __complete zsh "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    for line in "${lines[@]}"; do
        kind="${line%%$'\t'*}"
        rest="${line#*$'\t'}"
        value="${rest%%$'\t'*}"
        help="${rest#*$'\t'}"
        if [[ "$kind" == v ]]; then
            pairs+=("${value//:/\\:}:$help")
        elif [[ "$kind" == f ]]; then
            files=1
            prefix="$value"
        fi
    done
    if (( ${#pairs} )); then
        _describe -t kitaru kitaru pairs
    fi
    if (( files )); then
        [[ -n "$prefix" ]] && compset -P '*='
        _files
    fi
}
# Later Tabs call _kitaru_complete directly; autoloaded from $fpath, this first one too.
compdef _kitaru_complete kitaru
if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then
    _kitaru_complete "$@"
fi
"""

FISH = r"""# kitaru completion for fish: `kitaru completion fish | source`, or save it as
# ~/.config/fish/completions/kitaru.fish
function __kitaru_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    for line in (command kitaru __complete fish $words[2..-1] "$current" 2>/dev/null)
        set -l fields (string split \t -- $line)
        if test "$fields[1]" = v
            printf '%s\t%s\n' $fields[2] $fields[3]
        else if test "$fields[1]" = f
            for path in (__fish_complete_path $fields[3])
                printf '%s%s\n' $fields[2] $path
            end
        end
    end
end
complete -c kitaru -f -a '(__kitaru_complete)'
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}
