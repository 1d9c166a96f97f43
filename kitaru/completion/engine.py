"""The completer: the words typed so far in, the candidates for the word at the cursor out.

Pure: it walks ``spec`` and asks ``Sources`` only for the dynamic values the cursor's slot
needs (a secret name, a manifest target, a model alias), so an offline completion never
touches a store. Every dynamic value passes ``offered`` first: only a name kitaru itself
would accept as a secret name (or alias) is ever put on a command line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from kitaru.completion.spec import ROOT, Command, Kind, Option

ALIAS_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_ALIAS_LENGTH = 64
# A store or manifest may hold tens of thousands of names (a co-user's flood): the name
# rule runs only on names that match what is typed, and a reply holds at most this many.
MAX_OFFERED = 1000


class Sources(Protocol):
    """Where dynamic values come from (kitaru.completion.sources has the real ones)."""

    def secret_names(self, private: bool | None) -> list[str]:
        """Names of secrets the command's store shows (``private``: only that visibility)."""
        ...

    def manifest_targets(self, manifest: str) -> list[str]:
        """Names of the secrets ``manifest`` declares (offline)."""
        ...

    def model_aliases(self) -> list[str]: ...


class Reply:
    """Candidates (value, help), and whether the shell should offer file paths too
    (``file_prefix``: the part of the word before the path, such as ``--out=``).
    ``offered`` is the rule a dynamic value must pass before it is offered."""

    def __init__(
        self,
        candidates: list[tuple[str, str]] | None = None,
        files: bool = False,
        file_prefix: str = "",
        offered: Callable[[object], bool] | None = None,
    ) -> None:
        self.candidates = candidates or []
        self.files = files
        self.file_prefix = file_prefix
        self.offered = offered

    def __repr__(self) -> str:
        return f"Reply({self.candidates!r}, files={self.files!r}, {self.file_prefix!r})"


def secret_name_offered(name: object) -> bool:
    """A name kitaru would let you create: no shell syntax, no option, no ID, no token."""
    from kitaru.naming import name_problem

    return isinstance(name, str) and name_problem(name) is None


def alias_offered(name: object) -> bool:
    return (
        isinstance(name, str)
        and len(name) <= MAX_ALIAS_LENGTH
        and bool(ALIAS_PATTERN.fullmatch(name))
    )


class _State:
    """Where the typed words left the parser."""

    def __init__(self, command: Command) -> None:
        self.command = command
        self.positionals: list[str] = []
        self.given: dict[str, list[str]] = {}  # an option's first spelling -> its values
        self.pending: Option | None = None  # an option waiting for its value
        self.after_dashdash = False

    def give(self, option: Option, value: str | None) -> None:
        values = self.given.setdefault(option.names[0], [])
        if value is not None:
            values.append(value)


def _parse(root: Command, words: Sequence[str]) -> _State:
    state = _State(root)
    for word in words:
        if state.after_dashdash:
            state.positionals.append(word)
            continue
        if state.pending is not None:
            state.give(state.pending, word)
            state.pending = None
            continue
        if word == "--":
            state.after_dashdash = True
            continue
        if word.startswith("-") and word != "-":
            _parse_option(state, word)
            continue
        sub = state.command.command(word) if not state.positionals else None
        if sub is not None:
            state = _State(sub)
            continue
        state.positionals.append(word)
    return state


def _parse_option(state: _State, word: str) -> None:
    spelling, equals, value = word.partition("=")
    option = state.command.option(spelling if word.startswith("--") else word)
    if option is None and not word.startswith("--") and len(word) > 2:
        option = state.command.option(word[:2])  # -ojson: a short option with its value
        if option is not None and option.takes_value:
            state.give(option, word[2:])
        return
    if option is None:
        return  # `set --KEY=VALUE` and typos: nothing to learn
    if not option.takes_value:
        state.give(option, None)
    elif equals:
        state.give(option, value)
    else:
        state.pending = option


def _visibility(state: _State) -> bool | None:
    if "--private" in state.given:
        return True
    if "--public" in state.given:
        return False
    return None


def _values(kind: str, state: _State, sources: Sources, choices: Sequence[str]) -> Reply:
    if kind == Kind.choice:
        return Reply([(c, "") for c in choices])
    if kind == Kind.file:
        return Reply(files=True)
    if kind == Kind.secret:
        typed = set(state.positionals)
        names = sorted({n for n in sources.secret_names(_visibility(state)) if n not in typed})
        return Reply([(n, "") for n in names], offered=secret_name_offered)
    if kind == Kind.target:
        default = state.command.manifest_default
        manifests = state.given.get("-f") or ([default] if default else [])
        taken = set(state.given.get("--target") or [])
        declared = {name for manifest in manifests for name in sources.manifest_targets(manifest)}
        names = sorted(declared - taken)
        return Reply([(n, "") for n in names], offered=secret_name_offered)
    if kind == Kind.alias:
        aliases = sorted(set(sources.model_aliases()))
        return Reply([(a, "") for a in aliases], offered=alias_offered)
    return Reply()


def _options(state: _State) -> Reply:
    found = []
    for option in state.command.options:
        if option.names[0] in state.given and not option.repeat:
            continue
        found += [(name, option.help) for name in option.names if name.startswith("--")]
    return Reply(found)


def _positional(state: _State, sources: Sources) -> Reply:
    command = state.command
    if command.commands:  # after an unknown command word, nothing is known
        return Reply([] if state.positionals else [(c.name, c.help) for c in command.commands])
    if command.args is None or (state.positionals and not command.many):
        return _options(state)
    if command.args == Kind.secret and command.name in ("run", "export") and "-f" in state.given:
        return Reply()  # names or -f MANIFEST, not both
    return _values(command.args, state, sources, command.arg_choices)


def _matching(reply: Reply, incomplete: str, prefix: str = "") -> Reply:
    """The candidates that start with ``incomplete`` and pass the reply's rule (checked
    in that order: the rule is the costly part), at most ``MAX_OFFERED`` of them."""
    found: list[tuple[str, str]] = []
    for value, help_text in reply.candidates:
        if len(found) >= MAX_OFFERED:
            break
        if not (isinstance(value, str) and value.startswith(incomplete)):
            continue
        if reply.offered is None or reply.offered(value):
            found.append((prefix + value, help_text))
    return Reply(found, reply.files, prefix if reply.files else "")


def complete(
    words: Sequence[str], incomplete: str, sources: Sources, root: Command = ROOT
) -> Reply:
    """Candidates for ``incomplete``, the word at the cursor, after ``words`` (the words
    before it, without the program name)."""
    state = _parse(root, words)
    if state.after_dashdash:
        if state.command.child_after_dashdash:
            return Reply(files=True)  # another program's arguments
        return _matching(_values_for_positional(state, sources), incomplete)
    if state.pending is not None:
        pending = state.pending
        reply = _values(pending.kind or Kind.text, state, sources, pending.choices)
        return _matching(reply, incomplete)
    if incomplete.startswith("--") and "=" in incomplete:
        spelling, _, value = incomplete.partition("=")
        option = state.command.option(spelling)
        if option is None or option.kind is None:
            return Reply()
        reply = _values(option.kind, state, sources, option.choices)
        return _matching(reply, value, prefix=spelling + "=")
    if incomplete.startswith("-"):
        return _matching(_options(state), incomplete)
    return _matching(_positional(state, sources), incomplete)


def _values_for_positional(state: _State, sources: Sources) -> Reply:
    command = state.command
    if command.args is None or (state.positionals and not command.many):
        return Reply()
    return _values(command.args, state, sources, command.arg_choices)
