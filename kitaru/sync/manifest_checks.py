"""Manifest checks that need no pydantic: YAML with positions, structure and naming rules.

``check_manifest`` is what `validate` and pre-commit hooks run on every commit, so it
imports only yaml; ``kitaru.sync.manifest`` builds the pydantic models from its output.
Parsing never raises: every problem is a positioned ``Finding`` with a stable code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml

from kitaru.naming import (
    KEY_PATTERN,
    KEY_RULE,
    described,
    is_quotable,
    key_problem,
    name_problem,
    shown,
)
from kitaru.sync.findings import Finding

SCHEMA_VERSION = 1
MAX_NODES = 100_000  # anchors/aliases could otherwise expand without bound
MAX_DEPTH = 64


class Position(NamedTuple):
    """1-based line and column in the manifest file."""

    line: int
    col: int


START = Position(1, 1)


# --- YAML with positions ----------------------------------------------------------------

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"


class _Loader(_BaseLoader):  # type: ignore[misc]
    """YAML 1.2 core scalars: `yes`, `no`, `on`, `off` and dates stay strings."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's class-level table


_Loader.add_implicit_resolver(
    _TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    _TAG + "int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    _TAG + "float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_Loader.add_implicit_resolver(
    _TAG + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Loader.add_implicit_resolver(_TAG + "merge", re.compile(r"^(?:<<)$"), ["<"])

Loc = tuple[str | int, ...]


class _TooLarge(Exception):
    """The document expands beyond what a manifest can reasonably be."""


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


_CREDENTIAL_PREFIXES = (
    "sk-",
    "sk_",
    "pk_",
    "rk_",
    "ghp_",
    "gho_",
    "ghs_",
    "ghu_",
    "github_pat_",
    "glpat-",
    "xox",
    "AKIA",
    "ASIA",
    "AIza",
    "hf_",
    "eyJ",
    "-----BEGIN",
)


def looks_like_credential(text: str) -> bool:
    """A string that is more likely a pasted secret value than a name."""
    if text.startswith(_CREDENTIAL_PREFIXES):
        return True
    if len(text) >= 24 and " " not in text:
        has_digit = any(c.isdigit() for c in text)
        has_upper = any(c.isupper() for c in text)
        has_lower = any(c.islower() for c in text)
        return has_digit and has_upper and has_lower
    return False


class _Reader:
    """Turns a YAML node tree into plain data and remembers where each part came from."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.values: dict[Loc, Position] = {}
        self.keys: dict[Loc, Position] = {}
        self.suppressed: set[Loc] = set()
        self._budget = MAX_NODES

    def add(self, where: Position, code: str, message: str) -> None:
        self.findings.append(Finding(self.path, where.line, where.col, code, message))

    def at(self, loc: Loc) -> Position:
        """The closest known position to ``loc`` (a field that is missing has none)."""
        while loc:
            if loc in self.values:
                return self.values[loc]
            loc = loc[:-1]
        return self.values.get((), START)

    def convert(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self._budget -= 1
        if self._budget < 0 or depth > MAX_DEPTH:
            raise _TooLarge
        self.values.setdefault(loc, _mark(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        return None  # pragma: no cover - compose only yields the three node kinds

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            where = _mark(key_node)
            if key_node.tag == _TAG + "merge":
                self.add(where, "KS004", "YAML merge keys (<<) are not supported; write it out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.add(where, "KS004", "field names must be plain words, not lists or mappings")
                continue
            key = str(key_node.value)
            if key in out:
                first = self.keys[(*loc, key)]
                self.add(
                    where,
                    "KS002",
                    f"duplicate field {shown(key)} (first at line {first.line}); "
                    "YAML would silently keep only the last one",
                )
                continue
            self.keys[(*loc, key)] = where
            out[key] = self.convert(value_node, (*loc, key), depth + 1)
        return out

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        text: str = node.value
        tag = node.tag
        if tag == _TAG + "str":
            return text
        if tag == _TAG + "bool":
            return text.lower() == "true"
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "int":
            try:
                return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)
            except ValueError:
                return text
        if tag == _TAG + "float":
            lowered = text.lower().replace(".inf", "inf").replace(".nan", "nan")
            try:
                return float(lowered)
            except ValueError:
                return text
        self.add(_mark(node), "KS004", f"unsupported YAML tag {shown(str(tag))}")
        return text


def _compose(text: str, reader: _Reader) -> yaml.Node | None:
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
        return node
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Position(mark.line + 1, mark.column + 1) if mark else START
        problem = err.problem or err.context or "invalid YAML"
        reader.add(where, "KS001", f"YAML syntax error: {problem}")
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        col = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        reader.add(Position(line, col), "KS001", "YAML syntax error: unprintable character")
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as err:
        reader.add(START, "KS001", f"YAML syntax error ({type(err).__name__})")
    return None


# --- checks pydantic cannot express ---------------------------------------------------------

_VALUE_FIELDS = {"value", "values", "default", "secret", "data", "env", "content"}
_INLINE = "manifests hold key names only; values come from the environment or the .env file"


def _iter_secrets(data: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    secrets = data.get("secrets")
    if isinstance(secrets, list):
        for i, secret in enumerate(secrets):
            if isinstance(secret, dict):
                yield i, secret


def _check_name(reader: _Reader, loc: Loc, name: str) -> None:
    """The SDK's rule for new secret names (``naming.name_problem``), with its code."""
    problem = name_problem(name)
    if problem is not None:
        reader.add(reader.at(loc), problem.code, problem.message)


def _as_key(field: str) -> str:
    return field if is_quotable(field) else described(field)


def _check_key_entry(reader: _Reader, loc: Loc, entry: Any) -> str | None:
    """Check one entry of ``keys``; returns its key name when it has a usable one."""
    if isinstance(entry, dict) and "key" not in entry and len(entry) == 1:
        ((field, value),) = entry.items()
        if KEY_PATTERN.match(field) and not isinstance(value, (dict, list)):
            reader.add(
                reader.keys.get((*loc, field), reader.at(loc)),
                "KS301",
                f"{_as_key(field)} looks like an inline value: {_INLINE}; "
                f"write `- {_as_key(field)}`",
            )
            reader.suppressed.add(loc)
            return None
    key = entry if isinstance(entry, str) else entry.get("key") if isinstance(entry, dict) else None
    key_loc = loc if isinstance(entry, str) else (*loc, "key")
    if isinstance(entry, dict):
        source = entry.get("from")
        source_problem = key_problem(source) if isinstance(source, str) else None
        if isinstance(source, str) and source_problem is not None:
            if source_problem.code == "KS301" or looks_like_credential(source):
                where = reader.at((*loc, "from"))
                reader.add(where, "KS301", f"`from:` looks like a value: {_INLINE}")
            else:
                reader.add(
                    reader.at((*loc, "from")),
                    "KS205",
                    f"`from:` {shown(source)} is not an environment variable name ({KEY_RULE})",
                )
    if not isinstance(key, str):
        return None
    problem = key_problem(key)
    if problem is None:
        return key
    head, sep, _ = key.partition("=")
    if sep or problem.code == "KS301" or looks_like_credential(key):
        label = f"{head} " if sep and key_problem(head) is None and is_quotable(head) else ""
        reader.add(reader.at(key_loc), "KS301", f"key {label}looks like an inline value: {_INLINE}")
    else:
        reader.add(reader.at(key_loc), problem.code, problem.message)
    return None


def _check_semantics(reader: _Reader, data: dict[str, Any]) -> None:
    seen: dict[tuple[str, bool], Position] = {}
    for i, secret in _iter_secrets(data):
        name = secret.get("name")
        if isinstance(name, str):
            _check_name(reader, ("secrets", i, "name"), name)
            private = secret.get("private") is True
            where = reader.at(("secrets", i, "name"))
            first = seen.setdefault((name, private), where)
            if first is not where:
                visibility = "private" if private else "public"
                reader.add(
                    where,
                    "KS104",
                    f"duplicate {visibility} secret {shown(name)} (first at line {first.line})",
                )
        keys = secret.get("keys")
        if isinstance(keys, dict):
            reader.add(
                reader.at(("secrets", i, "keys")),
                "KS301" if any(isinstance(v, str) for v in keys.values()) else "KS004",
                f"`keys` must be a list of key names, not a mapping; {_INLINE}",
            )
            reader.suppressed.add(("secrets", i, "keys"))
            continue
        if not isinstance(keys, list):
            continue
        declared: dict[str, Position] = {}
        for j, entry in enumerate(keys):
            loc: Loc = ("secrets", i, "keys", j)
            key = _check_key_entry(reader, loc, entry)
            if key is None:
                continue
            where = reader.at((*loc, "key") if isinstance(entry, dict) else loc)
            first = declared.setdefault(key, where)
            if first is not where:
                reader.add(
                    where,
                    "KS204",
                    f"duplicate key {key} in secret {shown(str(name))} "
                    f"(first at line {first.line})",
                )


# --- structure: the models' rules, checked without building pydantic validators ----------
#
# Building pydantic's validators (and its plugin scan) costs more than the rest of
# `validate`, so the loader checks the same rules itself and then uses ``model_construct``.
# tests/sync/test_manifest.py proves both agree on generated documents.

_STR, _OPT_STR, _BOOL = "a string", "a string or nothing", "true or false"
_FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "manifest": {
        "version": ("version", True),
        "env_file": (_OPT_STR, False),
        "secrets": ("secrets", True),
    },
    "secret": {
        "name": (_STR, True),
        "private": (_BOOL, False),
        "prune": (_BOOL, False),
        "keys": ("keys", True),
    },
    "key": {"key": (_STR, True), "from": (_OPT_STR, False), "optional": (_BOOL, False)},
}


def _closest(field: str, choices: list[str]) -> str:
    import difflib

    match = difflib.get_close_matches(field, choices, n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else f"; allowed: {', '.join(choices)}"


def _type_ok(expected: str, value: Any) -> bool:
    if expected == _STR:
        return isinstance(value, str)
    if expected == _OPT_STR:
        return value is None or isinstance(value, str)
    if expected == _BOOL:
        return isinstance(value, bool)
    return True


def _check_fields(reader: _Reader, data: dict[str, Any], loc: Loc, kind: str) -> None:
    fields = _FIELDS[kind]
    for field in data:
        if field in fields:
            continue
        where = reader.keys.get((*loc, field), reader.at(loc))
        if field.lower() in _VALUE_FIELDS:
            message = f"field {shown(field)} looks like an inline value: {_INLINE}"
            reader.add(where, "KS301", message)
        else:
            reader.add(where, "KS003", f"unknown field {shown(field)}{_closest(field, [*fields])}")
    for field, (expected, required) in fields.items():
        if field not in data:
            if required:
                reader.add(reader.at(loc), "KS005", f"missing required field '{field}'")
            continue
        value = data[field]
        if not _type_ok(expected, value):
            reader.add(reader.at((*loc, field)), "KS004", f"'{field}' must be {expected}")


def _check_version(reader: _Reader, data: dict[str, Any]) -> None:
    version = data.get("version", SCHEMA_VERSION)
    if type(version) is int and version == SCHEMA_VERSION:
        return
    if type(version) is int:
        message = f"unsupported manifest version; this kitaru reads `version: {SCHEMA_VERSION}`"
        reader.add(reader.at(("version",)), "KS006", message)
    else:
        message = f"'version' must be the number {SCHEMA_VERSION} (unquoted)"
        reader.add(reader.at(("version",)), "KS004", message)


def _check_structure(reader: _Reader, data: dict[str, Any]) -> None:
    _check_fields(reader, data, (), "manifest")
    _check_version(reader, data)
    secrets = data.get("secrets")
    if "secrets" in data and not isinstance(secrets, list):
        reader.add(reader.at(("secrets",)), "KS004", "'secrets' must be a list of secrets")
        return
    for i, secret in enumerate(secrets or []):
        loc: Loc = ("secrets", i)
        if not isinstance(secret, dict):
            reader.add(reader.at(loc), "KS004", "each secret must be a mapping {name, keys, ...}")
            continue
        _check_fields(reader, secret, loc, "secret")
        keys = secret.get("keys")
        keys_loc: Loc = (*loc, "keys")
        if keys_loc in reader.suppressed or "keys" not in secret:
            continue
        if not isinstance(keys, list):
            reader.add(reader.at(keys_loc), "KS004", "'keys' must be a list of key names")
            continue
        if not keys:
            reader.add(reader.at(keys_loc), "KS004", "a secret needs at least one key")
        for j, entry in enumerate(keys):
            entry_loc: Loc = (*keys_loc, j)
            if isinstance(entry, str) or entry_loc in reader.suppressed:
                continue
            if isinstance(entry, dict):
                _check_fields(reader, entry, entry_loc, "key")
            else:
                reader.add(
                    reader.at(entry_loc),
                    "KS004",
                    "each key must be a key name (e.g. OPENAI_API_KEY) "
                    "or a mapping {key, from, optional}",
                )


def _as_text(data: str | bytes, reader: _Reader) -> str | None:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        reader.add(Position(line, col), "KS007", "the manifest is not UTF-8 text")
        return None


@dataclass(repr=False)
class Document:
    """A checked manifest: plain data (``None`` if unusable), findings, positions."""

    data: dict[str, Any] | None
    findings: list[Finding]
    reader: _Reader
    # the mapping as read, even when it has findings: `validate` lints it alongside them
    tree: dict[str, Any] | None = None

    def position(self, *loc: str | int) -> Position:
        return self.reader.at(loc)


def read_document(text: str | bytes, path: str) -> Document:
    """Parse and check manifest text; ``data`` is set only when there are no findings."""
    reader = _Reader(path)
    source = _as_text(text, reader)
    if source is None:
        return Document(None, reader.findings, reader)
    node = _compose(source, reader)
    if node is None:
        if not reader.findings:
            reader.add(START, "KS007", "the manifest is empty; it needs `version: 1` and `secrets`")
        return Document(None, sorted(reader.findings), reader)
    try:
        data = reader.convert(node, (), 0)
    except _TooLarge:
        reader.add(_mark(node), "KS004", "the document is too large or nested too deeply")
        return Document(None, sorted(reader.findings), reader)
    if not isinstance(data, dict):
        message = "the manifest must be a mapping with `version` and `secrets`"
        reader.add(_mark(node), "KS007", message)
        return Document(None, sorted(reader.findings), reader)
    _check_semantics(reader, data)
    _check_structure(reader, data)
    if reader.findings:
        return Document(None, sorted(set(reader.findings)), reader, tree=data)
    return Document(data, [], reader, tree=data)


def check_manifest(text: str | bytes, path: str) -> list[Finding]:
    """Every problem in a manifest, sorted by position (empty when it is valid)."""
    return read_document(text, path).findings
