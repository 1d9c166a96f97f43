"""Adoption: manifest entries for secrets that already exist, and appending them to a manifest.

An entry is a stored secret's name, visibility and key names: never a value. Each key's
value comes from the environment variable named as the key (the manifest's default), so a
`plan` run with the current values in the environment shows the adopted secrets unchanged.

Names and keys come from the store, written by any user of it: one the manifest grammar
cannot hold safely is skipped with a note that quotes it only through ``naming.shown``, and
every scalar is written by the YAML emitter, then read back by the manifest's own YAML reader
(YAML 1.2 core scalars: ``1e3``, ``0x10`` and ``0o7`` are numbers there, ``yes`` is not a
boolean), quoted whenever a plain scalar would not read back as the same string. Each entry is
read back through the manifest reader before it is offered. A key whose stored value is empty
(or white space) is adopted as ``optional``: an empty variable counts as unset, and a required
key without a value would fail the whole plan. A public secret another user created is never
offered when one of its keys would read a variable that feeds a private secret (the manifest's,
or one adopted with it): applying it would copy the private value into their secret.
Appending keeps every byte of the manifest: the new text is the old text plus entries at the
end of the ``secrets:`` list, or nothing at all (``AdoptError``) when the file's shape makes
a pure append impossible.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kitaru.errors import KitaruError, SecretNotFoundError
from kitaru.naming import is_blank, key_problem, name_problem, named, shown, visibility_word

if TYPE_CHECKING:
    from kitaru.store.base import SecretStore, StoredSecret
    from kitaru.sync.manifest import Manifest


class AdoptError(KitaruError):
    """The manifest cannot take the entries by a pure append (nothing was written)."""


@dataclass(frozen=True)
class Entry:
    """One manifest entry for an existing secret: name, visibility, key names (``optional``:
    keys whose stored value is empty, so an empty variable leaves them as they are)."""

    name: str
    private: bool
    keys: tuple[str, ...]
    optional: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return f"{self.name} ({visibility_word(self.private)})"

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "name": self.name,
            "private": self.private,
            "keys": list(self.keys),
        }
        if self.optional:  # only then: the entry's shape is otherwise unchanged
            shown["optional_keys"] = [key for key in self.keys if key in self.optional]
        return shown


@dataclass(frozen=True)
class Adoption:
    """The entries to adopt, and one note per stored secret that was skipped."""

    entries: tuple[Entry, ...]
    notes: tuple[str, ...] = ()


# --- YAML text, emitted and read back -----------------------------------------------------


def _reads_back(inner: str, text: str) -> bool:
    """``inner`` is read as the string ``text`` by the manifest's reader (YAML 1.2 core
    scalars, ``checks.yaml_positions``) and by a YAML 1.1 reader (PyYAML's) alike."""
    import yaml

    from kitaru.checks.yaml_positions import PositionedYaml

    if "\n" in inner:
        return False
    reader = PositionedYaml("<adopt>")
    node = reader.compose(f"[{inner}]")
    if not isinstance(node, yaml.SequenceNode) or len(node.value) != 1:
        return False
    item = node.value[0]
    as_read = reader.convert(item) if isinstance(item, yaml.ScalarNode) else None
    try:
        elsewhere = yaml.safe_load(f"[{inner}]")
    except yaml.YAMLError:
        return False
    return not reader.findings and as_read == text and elsewhere == [text]


def scalar(text: str) -> str:
    """``text`` as one YAML scalar that the manifest's reader (and any YAML 1.1 reader)
    reads back as this very string: plain where that holds, quoted otherwise (`true`, `1e3`,
    `0x10`, `0o7`, `null`, `on`); raises ValueError when no form reads back."""
    import yaml

    for style in (None, "'", '"'):
        dumped: str = yaml.safe_dump(
            [text], default_flow_style=True, width=1 << 20, default_style=style
        )
        inner = dumped.strip()[1:-1]
        if _reads_back(inner, text):
            return inner
    raise ValueError("not representable as one YAML scalar")


def entry_text(entry: Entry, dash: int = 2, offset: int = 2, newline: str = "\n") -> str:
    """One list item: ``dash`` spaces before its ``-``, its fields ``offset`` further."""
    pad = " " * (dash + offset)
    lines = [
        f"{' ' * dash}-{' ' * (offset - 1)}name: {scalar(entry.name)}",
        f"{pad}private: {'true' if entry.private else 'false'}",
        f"{pad}keys:",
    ]
    for key in entry.keys:
        if key in entry.optional:
            lines += [f"{pad}  - key: {scalar(key)}", f"{pad}    optional: true"]
        else:
            lines.append(f"{pad}  - {scalar(key)}")
    return newline.join(lines) + newline


def entries_text(entries: Iterable[Entry], dash: int = 2, offset: int = 2) -> str:
    """The entries as items of a ``secrets:`` list (what `adopt` prints)."""
    return "".join(entry_text(entry, dash, offset) for entry in entries)


# --- which stored secrets become entries ----------------------------------------------------


def _problem(secret: StoredSecret) -> str | None:
    """Why this stored secret cannot become an entry, as a note's tail; None if it can."""
    if name_problem(secret.name) is not None:
        return "its name cannot be written in a manifest"
    if secret.incomplete:
        return "its values were never stored (an interrupted create)"
    if not secret.values:
        return "it has no keys, and a manifest secret needs at least one"
    bad = [key for key in secret.values if key_problem(key) is not None]
    if bad:
        return f"{len(bad)} of its key names cannot be written in a manifest"
    return _reads_back_as_entry(entry_of(secret))


def entry_of(secret: StoredSecret) -> Entry:
    """The entry for a stored secret: its keys sorted, those holding an empty (or
    white-space) value optional, as an empty variable counts as unset."""
    empty = frozenset(
        key for key, value in secret.values.items() if value is not None and is_blank(value)
    )
    return Entry(secret.name, secret.private, tuple(sorted(secret.values)), empty)


def _reads_back_as_entry(entry: Entry) -> str | None:
    """None when the entry's text passes `validate` and the manifest reader reads it back as
    exactly this entry (name, visibility, keys, optional keys); else why not."""
    try:
        text = "version: 1\nsecrets:\n" + entry_text(entry)
    except ValueError:
        return "its name or a key cannot be written as YAML"
    from kitaru.checks.validate import validate_manifest
    from kitaru.sync.manifest import parse_manifest

    if any(finding.is_error for finding in validate_manifest(text, "<adopt>")):
        return "its entry would not pass `kitaru secrets validate` (e.g. keys equal ignoring case)"
    manifest, _ = parse_manifest(text, "<adopt>")
    if manifest is None or len(manifest.secrets) != 1:
        return "it does not pass the manifest's rules"
    read = manifest.secrets[0]
    if (
        read.name != entry.name
        or read.private != entry.private
        or read.absent
        or [k.key for k in read.keys] != list(entry.keys)
        or {k.key for k in read.keys if k.optional} != set(entry.optional)
        or any(k.from_ is not None or k.create_only for k in read.keys)
    ):
        return "it does not read back as the same entry"
    return None


def note(secret: StoredSecret, reason: str) -> str:
    return f"skipped {visibility_word(secret.private)} secret {shown(secret.name)}: {reason}"


def entries_for(stored: Sequence[StoredSecret]) -> Adoption:
    """Entries (sorted by name, then public before private) for the stored secrets the
    manifest grammar can express; a note for each other one."""
    entries: list[Entry] = []
    notes: list[str] = []
    for secret in sorted(stored, key=lambda s: (s.name, s.private, s.id)):
        problem = _problem(secret)
        if problem is not None:
            notes.append(note(secret, problem))
            continue
        entries.append(entry_of(secret))
    return Adoption(tuple(entries), tuple(notes))


def crossing_private(
    found: Adoption,
    stored: Sequence[StoredSecret],
    private_variables: Mapping[str, str],
    me: str | None,
) -> Adoption:
    """``found`` without the public entries another user created (or that the store names
    no creator for) one of whose keys would read a variable that feeds a private secret
    (``private_variables``: variable -> that secret's name, from the manifest; the private
    entries adopted here are added): a note for each instead. `plan` would refuse them."""
    feeds = dict(private_variables)
    for entry in found.entries:
        if entry.private:
            for key in entry.keys:
                feeds.setdefault(key, entry.name)
    owners = {(s.name, s.private): s.user_id for s in stored}
    kept: list[Entry] = []
    notes = list(found.notes)
    for entry in found.entries:
        owner = owners.get((entry.name, entry.private))
        theirs = me is None or owner is None or owner != me
        shared = [key for key in entry.keys if key in feeds]
        if entry.private or not theirs or not shared:
            kept.append(entry)
            continue
        notes.append(
            f"skipped public secret {shown(entry.name)}: another user created it, and its key "
            f"{shown(shared[0])} would read ${named(shared[0])}, which feeds private secret "
            f"{shown(feeds[shared[0]])}; a value declared private never goes into another "
            "user's public secret (adopt it by hand with `from:` naming another variable)"
        )
    return Adoption(tuple(kept), tuple(notes))


def adopt(
    names: Sequence[str] = (),
    manifest: Manifest | str | Path | None = None,
    *,
    private: bool | None = None,
    store: SecretStore | None = None,
) -> Adoption:
    """Entries for the named secrets (both visibilities of each name, or only ``private``'s),
    or, with no names, for every secret in the store; either way minus those ``manifest``
    declares already (name and visibility, whatever their state). One list, then one get
    per candidate. The store is opened (and closed) here unless one is given."""
    from kitaru.files_read import one_run
    from kitaru.sync.pipeline import load, opened_store

    with one_run():
        loaded = load(manifest) if manifest else None
        declared = {(s.name, s.private) for s in loaded.secrets} if loaded else set()
        feeds = {
            key.env_var: spec.name
            for spec in (loaded.secrets if loaded else ())
            if spec.private and not spec.absent
            for key in spec.keys
        }
        with opened_store(store) as opened:
            return _collect(opened, names, declared, private, feeds)


def _collect(
    store: SecretStore,
    names: Sequence[str],
    declared: set[tuple[str, bool]],
    private: bool | None,
    feeds: Mapping[str, str],
) -> Adoption:
    from kitaru.store.fetch import fetch_existing

    refs = [ref for ref in store.list_all() if private is None or ref.private == private]
    if names:
        unknown = sorted(set(names) - {ref.name for ref in refs})
        if unknown:
            raise SecretNotFoundError(
                f"no {'' if private is None else visibility_word(private) + ' '}secret named "
                f"{', '.join(shown(n) for n in unknown)} that you can see"
            )
        refs = [ref for ref in refs if ref.name in set(names)]
    candidates = [ref for ref in refs if (ref.name, ref.private) not in declared]
    notes = [
        f"{named(ref.name)} ({visibility_word(ref.private)}) is in the manifest already"
        for ref in refs
        if names and (ref.name, ref.private) in declared
    ]
    fetched = fetch_existing(store, {ref.id: None for ref in candidates})
    found = entries_for(fetched.secrets)
    if any(not e.private for e in found.entries) and (
        feeds or any(e.private for e in found.entries)
    ):
        found = crossing_private(found, fetched.secrets, feeds, store.current_user_id())
    orphans = [
        f"{named(ref.name)} ({visibility_word(ref.private)}) skipped: the server holds no "
        "values for it (its creation was interrupted; see `kitaru secrets plan`)"
        for ref in candidates
        if ref.id in fetched.orphaned
    ]
    return Adoption(found.entries, (*notes, *found.notes, *orphans))


# --- appending to a manifest ----------------------------------------------------------------


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _layout(text: str) -> tuple[int, int]:
    """Where the ``secrets:`` list's items start (the ``-`` column, and the offset of an
    item's fields from it), when new items can go at the end of the file."""
    import yaml

    refuse = "cannot append to this manifest without rewriting it: "
    try:
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        raise AdoptError(refuse + "it is not one YAML document") from None
    if any(isinstance(token, yaml.DocumentEndToken) for token in tokens):
        raise AdoptError(refuse + "it has a document end marker ('...')")
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise AdoptError(refuse + "its top level is not a block mapping")
    last_key, secrets = root.value[-1]
    if not isinstance(last_key, yaml.ScalarNode) or last_key.value != "secrets":
        raise AdoptError(refuse + "`secrets:` is not its last top-level key")
    if not isinstance(secrets, yaml.SequenceNode) or secrets.flow_style or not secrets.value:
        raise AdoptError(refuse + "`secrets:` is not a block list ('- name: ...' lines)")
    dash = secrets.start_mark.column
    offset = secrets.value[0].start_mark.column - dash
    if offset < 2 or secrets.value[0].start_mark.line != secrets.start_mark.line:
        raise AdoptError(refuse + "its `secrets:` items are not laid out as '- name: ...'")
    return dash, offset


def append_entries(text: str, entries: Sequence[Entry]) -> str:
    """``text`` with ``entries`` appended to its ``secrets:`` list: the old text is a
    byte-exact prefix of the result, which is checked to read as the old manifest plus
    exactly these entries; ``AdoptError`` otherwise."""
    from kitaru.checks.manifest_rules import read_document

    before = read_document(text, "<manifest>")
    if before.data is None:
        raise AdoptError("the manifest has problems; run `kitaru secrets validate` first")
    dash, offset = _layout(text)
    newline = _newline(text)
    joined = "".join(entry_text(entry, dash, offset, newline) for entry in entries)
    result = text + ("" if not text or text.endswith("\n") else newline) + joined
    after = read_document(result, "<manifest>")
    expected = [*before.data["secrets"], *(_as_data(entry) for entry in entries)]
    if after.data is None or after.data["secrets"] != expected:
        raise AdoptError("cannot append to this manifest without changing what it already says")
    return result


def _as_data(entry: Entry) -> dict[str, Any]:
    keys = [{"key": k, "optional": True} if k in entry.optional else k for k in entry.keys]
    return {"name": entry.name, "private": entry.private, "keys": keys}
