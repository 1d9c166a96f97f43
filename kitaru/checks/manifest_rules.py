"""The manifest's rules: structure from the one schema, then names, keys and duplicates.

``read_document`` is what `validate`, the pre-commit hooks and manifest loading for
plan/apply run: the YAML with positions (``yaml_positions``), the structure the schema
(``manifest_schema``) describes, and the naming rules of ``kitaru.naming``, so a name the
SDK refuses is refused here with the same code and message. Parsing never raises: every
problem is a positioned ``Finding`` with a stable code. Imports neither pydantic nor zenml.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kitaru.checks.credentials import looks_like_credential
from kitaru.checks.findings import Finding
from kitaru.checks.manifest_schema import (
    ABSENT_FIELDS,
    KEY,
    MANIFEST,
    SCHEMA_VERSION,
    SECRET,
    Kind,
    Shape,
)
from kitaru.checks.text import decode, not_utf8
from kitaru.checks.yaml_positions import START, Loc, Position, PositionedYaml, TooLarge, mark
from kitaru.naming import (
    KEY_PATTERN,
    KEY_RULE,
    described,
    is_quotable,
    key_problem,
    name_problem,
    shown,
    visibility_word,
)

__all__ = ["START", "Document", "Position", "check_manifest", "read_document"]

_VALUE_FIELDS = {"value", "values", "default", "secret", "data", "env", "content"}
_INLINE = "manifests hold key names only; values come from the environment or the .env file"


class _Checker:
    """The positioned tree being checked, and the parts already reported as inline values."""

    def __init__(self, tree: PositionedYaml) -> None:
        self.tree = tree
        self.suppressed: set[Loc] = set()

    def add(self, where: Position, code: str, message: str) -> None:
        self.tree.add(where, code, message)

    def at(self, loc: Loc) -> Position:
        return self.tree.at(loc)


# --- names, keys and duplicates -------------------------------------------------------------


def _iter_secrets(data: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    secrets = data.get("secrets")
    if isinstance(secrets, list):
        for i, secret in enumerate(secrets):
            if isinstance(secret, dict):
                yield i, secret


def _as_key(text: str) -> str:
    return text if is_quotable(text) else described(text)


def _check_from(check: _Checker, loc: Loc, source: str) -> None:
    problem = key_problem(source)
    if problem is None:
        return
    where = check.at((*loc, "from"))
    if problem.code == "KS301" or looks_like_credential(source):
        check.add(where, "KS301", f"`from:` looks like a value: {_INLINE}")
    else:
        message = f"`from:` {shown(source)} is not an environment variable name ({KEY_RULE})"
        check.add(where, "KS205", message)


def _check_key_entry(check: _Checker, loc: Loc, entry: Any) -> str | None:
    """Check one entry of ``keys``; returns its key name when it has a usable one."""
    if isinstance(entry, dict) and "key" not in entry and len(entry) == 1:
        ((name, value),) = entry.items()
        if KEY_PATTERN.fullmatch(name) and not isinstance(value, (dict, list)):
            check.add(
                check.tree.key_at((*loc, name)),
                "KS301",
                f"{_as_key(name)} looks like an inline value: {_INLINE}; write `- {_as_key(name)}`",
            )
            check.suppressed.add(loc)
            return None
    key = entry if isinstance(entry, str) else entry.get("key") if isinstance(entry, dict) else None
    key_loc = loc if isinstance(entry, str) else (*loc, "key")
    if isinstance(entry, dict) and isinstance(entry.get("from"), str):
        _check_from(check, loc, entry["from"])
    if not isinstance(key, str):
        return None
    problem = key_problem(key)
    if problem is None:
        return key
    head, sep, _ = key.partition("=")
    if sep or problem.code == "KS301" or looks_like_credential(key):
        label = f"{head} " if sep and key_problem(head) is None and is_quotable(head) else ""
        check.add(check.at(key_loc), "KS301", f"key {label}looks like an inline value: {_INLINE}")
    else:
        check.add(check.at(key_loc), problem.code, problem.message)
    return None


def _check_keys(check: _Checker, i: int, name: object, keys: list[Any]) -> None:
    declared: dict[str, Position] = {}
    for j, entry in enumerate(keys):
        loc: Loc = ("secrets", i, "keys", j)
        key = _check_key_entry(check, loc, entry)
        if key is None:
            continue
        where = check.at((*loc, "key") if isinstance(entry, dict) else loc)
        first = declared.setdefault(key, where)
        if first is not where:
            check.add(
                where,
                "KS204",
                f"duplicate key {key} in secret {shown(str(name))} (first at line {first.line})",
            )


def _check_semantics(check: _Checker, data: dict[str, Any]) -> None:
    seen: dict[tuple[str, bool], Position] = {}
    for i, secret in _iter_secrets(data):
        name = secret.get("name")
        if isinstance(name, str):
            where = check.at(("secrets", i, "name"))
            problem = name_problem(name)
            if problem is not None:
                check.add(where, problem.code, problem.message)
            private = secret.get("private") is True
            first = seen.setdefault((name, private), where)
            if first is not where:
                check.add(
                    where,
                    "KS104",
                    f"duplicate {visibility_word(private)} secret {shown(name)} "
                    f"(first at line {first.line})",
                )
        keys = secret.get("keys")
        if isinstance(keys, dict):
            check.add(
                check.at(("secrets", i, "keys")),
                "KS301" if any(isinstance(v, str) for v in keys.values()) else "KS004",
                f"`keys` must be a list of key names, not a mapping; {_INLINE}",
            )
            check.suppressed.add(("secrets", i, "keys"))
        elif isinstance(keys, list):
            _check_keys(check, i, name, keys)


# --- structure, as the schema describes it -----------------------------------------------


def _closest(name: str, choices: list[str]) -> str:
    match = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else f"; allowed: {', '.join(choices)}"


def _check_fields(check: _Checker, data: dict[str, Any], loc: Loc, shape: Shape) -> None:
    for name in data:
        if name in shape.names:
            continue
        where = check.tree.key_at((*loc, name))
        if name.lower() in _VALUE_FIELDS:
            check.add(where, "KS301", f"field {shown(name)} looks like an inline value: {_INLINE}")
        else:
            check.add(where, "KS003", f"unknown field {shown(name)}{_closest(name, shape.names)}")
    for spec in shape.fields:
        if spec.name not in data:
            if spec.required:
                check.add(check.at(loc), "KS005", f"missing required field '{spec.name}'")
        elif not spec.kind.accepts(data[spec.name]):
            message = f"'{spec.name}' must be {spec.kind.value}"
            check.add(check.at((*loc, spec.name)), "KS004", message)


def _check_version(check: _Checker, data: dict[str, Any]) -> None:
    version = data.get("version", SCHEMA_VERSION)
    if type(version) is int and version == SCHEMA_VERSION:
        return
    if type(version) is int:
        message = f"unsupported manifest version; this kitaru reads `version: {SCHEMA_VERSION}`"
        check.add(check.at(("version",)), "KS006", message)
    else:
        message = f"'version' must be the number {SCHEMA_VERSION} (unquoted)"
        check.add(check.at(("version",)), "KS004", message)


def _check_key_entries(check: _Checker, keys: list[Any], keys_loc: Loc) -> None:
    if not keys:
        check.add(check.at(keys_loc), "KS004", "a secret needs at least one key")
    for j, entry in enumerate(keys):
        entry_loc: Loc = (*keys_loc, j)
        if isinstance(entry, str) or entry_loc in check.suppressed:
            continue
        if isinstance(entry, dict):
            _check_fields(check, entry, entry_loc, KEY)
        else:
            check.add(
                check.at(entry_loc),
                "KS004",
                "each key must be a key name (e.g. OPENAI_API_KEY) "
                "or a mapping {key, from, optional, create_only}",
            )


def _check_state(check: _Checker, secret: dict[str, Any], loc: Loc) -> bool:
    """``keys`` is required unless ``state: absent``, which says which secret and nothing
    about keys (a delete has none to read). False when the keys need no further checks."""
    if secret.get("state") != "absent":
        if "keys" not in secret:
            check.add(check.at(loc), "KS005", "missing required field 'keys'")
        return True
    for name in secret:
        if name in SECRET.names and name not in ABSENT_FIELDS:
            message = (
                f"'{name}' is not allowed with `state: absent`: the secret is deleted, so it "
                f"takes only {', '.join(ABSENT_FIELDS)}"
            )
            check.add(check.tree.key_at((*loc, name)), "KS004", message)
    return False


def _check_structure(check: _Checker, data: dict[str, Any]) -> None:
    _check_fields(check, data, (), MANIFEST)
    _check_version(check, data)
    secrets = data.get("secrets")
    if "secrets" in data and not isinstance(secrets, list):
        check.add(check.at(("secrets",)), "KS004", f"'secrets' must be {Kind.secrets.value}")
        return
    for i, secret in enumerate(secrets or []):
        loc: Loc = ("secrets", i)
        if not isinstance(secret, dict):
            check.add(check.at(loc), "KS004", "each secret must be a mapping {name, keys, ...}")
            continue
        _check_fields(check, secret, loc, SECRET)
        if not _check_state(check, secret, loc):
            continue
        keys_loc: Loc = (*loc, "keys")
        if keys_loc in check.suppressed or "keys" not in secret:
            continue
        keys = secret["keys"]
        if isinstance(keys, list):
            _check_key_entries(check, keys, keys_loc)
        else:
            check.add(check.at(keys_loc), "KS004", f"'keys' must be {Kind.keys.value}")


# --- the document ----------------------------------------------------------------------------


@dataclass(repr=False)
class Document:
    """A checked manifest: plain data (``None`` if unusable), findings, positions."""

    data: dict[str, Any] | None
    findings: list[Finding]
    positions: PositionedYaml
    # the mapping as read, even when it has findings: `validate` lints it alongside them
    tree: dict[str, Any] | None = field(default=None)

    def position(self, *loc: str | int) -> Position:
        return self.positions.at(loc)


def read_document(text: str | bytes, path: str) -> Document:
    """Parse and check manifest text; ``data`` is set only when there are no findings."""
    positions = PositionedYaml(path)
    source = decode(text)
    if source is None:
        assert isinstance(text, bytes)  # a str always decodes
        return Document(None, [not_utf8(text, path, "manifest")], positions)
    node = positions.compose(source)
    if node is None:
        if not positions.findings:
            message = "the manifest is empty; it needs `version: 1` and `secrets`"
            positions.add(START, "KS007", message)
        return Document(None, sorted(positions.findings), positions)
    try:
        data = positions.convert(node)
    except TooLarge:
        positions.add(mark(node), "KS004", "the document is too large or nested too deeply")
        return Document(None, sorted(positions.findings), positions)
    if not isinstance(data, dict):
        message = "the manifest must be a mapping with `version` and `secrets`"
        positions.add(mark(node), "KS007", message)
        return Document(None, sorted(positions.findings), positions)
    check = _Checker(positions)
    _check_semantics(check, data)
    _check_structure(check, data)
    if positions.findings:
        return Document(None, sorted(set(positions.findings)), positions, tree=data)
    return Document(data, [], positions, tree=data)


def check_manifest(text: str | bytes, path: str) -> list[Finding]:
    """Every problem in a manifest, sorted by position (empty when it is valid)."""
    return read_document(text, path).findings
