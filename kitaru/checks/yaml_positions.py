"""YAML to plain data that remembers where each part came from, and never raises.

The manifest rules report ``path:line:col`` for every problem, so the loader keeps the
position of every value and every mapping key. It reads YAML 1.2 core scalars (``yes``,
``no``, ``on`` and dates stay strings), refuses what a manifest never needs (merge keys,
custom tags, non-scalar keys) and bounds alias expansion. Problems of the YAML itself are
findings (KS001 syntax, KS002 duplicate key, KS004 unsupported construct). Imports only yaml.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import yaml

from kitaru.checks.findings import Finding
from kitaru.naming import shown

MAX_NODES = 100_000  # anchors/aliases could otherwise expand without bound
MAX_DEPTH = 64


class Position(NamedTuple):
    """1-based line and column in the file."""

    line: int
    col: int


START = Position(1, 1)
Loc = tuple[str | int, ...]

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


class TooLarge(Exception):
    """The document expands beyond what a manifest can reasonably be."""


def mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class PositionedYaml:
    """Turns a YAML node tree into plain data and remembers where each part came from.

    ``values`` maps a location (the path of keys and indexes) to where its value starts,
    ``keys`` to where its mapping key is written; findings collect as the tree is read.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.values: dict[Loc, Position] = {}
        self.keys: dict[Loc, Position] = {}
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

    def key_at(self, loc: Loc) -> Position:
        """Where the mapping key of ``loc`` is written (else the closest value)."""
        return self.keys.get(loc) or self.at(loc[:-1])

    def compose(self, text: str) -> yaml.Node | None:
        """The node tree of ``text``, or ``None`` after a KS001 finding."""
        try:
            node: yaml.Node | None = yaml.compose(text, Loader=_Loader)
            return node
        except yaml.MarkedYAMLError as err:
            problem_mark = err.problem_mark or err.context_mark
            where = (
                Position(problem_mark.line + 1, problem_mark.column + 1) if problem_mark else START
            )
            problem = err.problem or err.context or "invalid YAML"
            self.add(where, "KS001", f"YAML syntax error: {problem}")
        except yaml.reader.ReaderError as err:
            line = text.count("\n", 0, err.position) + 1
            col = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
            self.add(Position(line, col), "KS001", "YAML syntax error: unprintable character")
        except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as err:
            self.add(START, "KS001", f"YAML syntax error ({type(err).__name__})")
        return None

    def convert(self, node: yaml.Node, loc: Loc = (), depth: int = 0) -> Any:
        """Plain data for ``node``; raises ``TooLarge`` past the node or depth budget."""
        self._budget -= 1
        if self._budget < 0 or depth > MAX_DEPTH:
            raise TooLarge
        self.values.setdefault(loc, mark(node))
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
            where = mark(key_node)
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
        self.add(mark(node), "KS004", f"unsupported YAML tag {shown(str(tag))}")
        return text
