"""The one definition of kitaru's configuration: every option, its kind and its help.

``parse`` (with its one-line errors and "did you mean"), ``json_schema`` (for editors) and
``to_toml`` (`validate --show-config`) all read the tables ``OPTIONS`` and ``RULE_OPTIONS``,
so they cannot disagree. Values are checked by kind; nothing is evaluated or executed.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from kitaru.checks.findings import FIXED, RULES
from kitaru.config.regexes import UnsafePattern, compile_safe
from kitaru.errors import KitaruError
from kitaru.naming import KEY_PATTERN, shown, shown_path
from kitaru.programs.steering_keys import STEERING_KEYS

CODE_SHAPE = re.compile(r"KS\d{0,3}")
KEY_GLOB = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\*?")
MAX_GLOB = 256
MAX_ITEMS = 1000
SEVERITIES = ("warn", "error")


class ConfigError(KitaruError):
    """One line naming the file (and the option) and what is wrong; `validate` exits 2,
    `plan`/`apply` exit 1 (their 2 means "changes")."""


class Kind(str, Enum):
    codes = 'a list of rule codes or code prefixes (e.g. ["KS202", "KS5"])'
    globs = "a list of relative glob patterns"
    name_globs = "a list of secret-name glob patterns"
    path_codes = "a table of glob = [rule codes]"
    severities = 'a table of rule code = "warn" or "error"'
    regex = "a regular expression (a string)"
    name_keys = "a table of secret-name glob = [key names]"
    key_globs = "a list of key names, or prefixes ending in *"


@dataclass(frozen=True)
class Option:
    name: str
    kind: Kind
    help: str

    @property
    def attribute(self) -> str:
        return self.name.replace("-", "_")


OPTIONS: tuple[Option, ...] = (
    Option("select", Kind.codes, "Rules to run (default: every rule)."),
    Option("extend-select", Kind.codes, "Rules to run besides `select`."),
    Option("ignore", Kind.codes, "Rules not to run."),
    Option("per-file-ignores", Kind.path_codes, "Rules not to run on matching files."),
    Option("severity", Kind.severities, "Per rule: report as a warning or as an error."),
    Option("manifests", Kind.globs, "The manifests `validate` checks when given no files."),
)
RULE_OPTIONS: tuple[Option, ...] = (
    Option("key-pattern", Kind.regex, "A regex every key name must fully match (KS501)."),
    Option(
        "secret-name-pattern", Kind.regex, "A regex every secret name must fully match (KS502)."
    ),
    Option(
        "must-be-private", Kind.name_globs, "Secrets (name globs) that must be private (KS503)."
    ),
    Option("required-keys", Kind.name_keys, "Keys every matching secret must declare (KS504)."),
    Option(
        "forbidden-keys",
        Kind.key_globs,
        "Keys no secret may declare (KS505), besides the ones that change how programs start "
        "(always flagged, KS206).",
    ),
)
RULES_TABLE = "rules"


@dataclass(frozen=True)
class Rules:
    """The team's own rules; an unset one does not run."""

    key_pattern: re.Pattern[str] | None = None
    secret_name_pattern: re.Pattern[str] | None = None
    must_be_private: tuple[str, ...] = ()
    required_keys: tuple[tuple[str, tuple[str, ...]], ...] = ()
    forbidden_keys: tuple[str, ...] = ()  # the team's; the steering keys are KS206's

    def forbidden(self) -> tuple[tuple[str, str], ...]:
        """(pattern, reason): the team's forbidden keys. The keys that steer programs
        (kitaru.programs.steering_keys) are KS206's, which runs without configuration."""
        return tuple((key, "the team's configuration forbids it") for key in self.forbidden_keys)


@dataclass(frozen=True)
class Config:
    """The effective configuration for some files, and the file it came from."""

    source: Path | None = None  # None: no file, the defaults
    table: str = ""  # "[tool.kitaru]" or "" (the file's own top level)
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    manifests: tuple[str, ...] = ()
    rules: Rules = field(default_factory=Rules)

    @property
    def root(self) -> Path:
        """The folder relative globs start from (the config file's own)."""
        return self.source.parent if self.source is not None else Path.cwd()

    @property
    def where(self) -> str:
        if self.source is None:
            return "(defaults: no kitaru.toml, .kitaru.toml or [tool.kitaru] found)"
        return shown_path(self.source) + (f" {self.table}" if self.table else "")


DEFAULT = Config()


# --- values, by kind -------------------------------------------------------------------------


class _Bad(ValueError):
    """A value of the wrong kind (the caller adds the file and option)."""


def _strings(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Bad(f"must be {what}")
    if len(value) > MAX_ITEMS:
        raise _Bad(f"has more than {MAX_ITEMS} entries")
    return list(value)


def _table(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(f"must be {what}")
    if len(value) > MAX_ITEMS:
        raise _Bad(f"has more than {MAX_ITEMS} entries")
    return value


def _known(code: str) -> bool:
    """A rule code, or the start of at least one."""
    return any(rule.startswith(code) for rule in RULES)


def _code_list(value: Any, what: str) -> tuple[str, ...]:
    codes = _strings(value, what)
    for code in codes:
        if not CODE_SHAPE.fullmatch(code) or not _known(code):
            raise _Bad(f"{shown(code)} is not a rule code or the start of one{_near(code)}")
    return tuple(codes)


def _near(code: str) -> str:
    match = difflib.get_close_matches(code, list(RULES), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _relative_glob(pattern: str) -> str:
    if not pattern or len(pattern) > MAX_GLOB:
        raise _Bad(f"globs must be 1 to {MAX_GLOB} characters")
    parts = pattern.replace("\\", "/").split("/")
    if pattern.startswith(("/", "~")) or ".." in parts or re.match(r"[A-Za-z]:", pattern):
        raise _Bad(
            f"{shown(pattern)} must stay inside the config's folder (relative, without '..')"
        )
    return pattern


def _regex(value: Any) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise _Bad(f"must be {Kind.regex.value}")
    try:
        return compile_safe(value)
    except UnsafePattern as err:
        raise _Bad(f"refused: {err}") from None
    except re.error as err:
        raise _Bad(f"is not a valid regular expression ({err.msg})") from None


def _key_glob(key: str) -> str:
    if not KEY_GLOB.fullmatch(key):
        raise _Bad(f"{shown(key)} is not a key name (or a prefix ending in *)")
    return key


# --- the file --------------------------------------------------------------------------------


def _unknown(name: str, options: tuple[Option, ...], extra: tuple[str, ...] = ()) -> str:
    names = [option.name for option in options] + list(extra)
    match = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"did you mean '{match[0]}'?" if match else f"options: {', '.join(names)}"
    return f"unknown option {shown(name)}; {hint}"


def _parse_top(option: Option, value: Any) -> Any:
    kind = option.kind
    if kind is Kind.codes:
        codes = _code_list(value, kind.value)
        return _not_fixed(codes, "ignored") if option.name == "ignore" else codes
    if kind is Kind.globs:
        return tuple(_relative_glob(p) for p in _strings(value, kind.value))
    if kind is Kind.path_codes:
        return tuple(
            (_relative_glob(glob), _not_fixed(_code_list(codes, kind.value), "ignored"))
            for glob, codes in _table(value, kind.value).items()
        )
    table = _table(value, kind.value)
    for code, level in table.items():
        if code not in RULES:
            raise _Bad(f"{shown(code)} is not a rule code{_near(code)}")
        if level not in SEVERITIES:
            raise _Bad(f'{code} must be "warn" or "error"')
        _not_fixed((code,), "re-graded")
    return tuple(table.items())


def _not_fixed(codes: tuple[str, ...], verb: str) -> tuple[str, ...]:
    for code in codes:
        if code in FIXED:
            raise _Bad(
                f"{code} cannot be {verb}: plan and apply refuse a manifest with it, and "
                "credentials are silenced only line by line (`# kitaru: allow CODE`)"
            )
    return codes


def _rule_value(kind: Kind, value: Any) -> Any:
    if kind is Kind.regex:
        return _regex(value)
    if kind is Kind.name_globs:
        return tuple(_strings(value, kind.value))
    if kind is Kind.key_globs:
        return tuple(_key_glob(key) for key in _strings(value, kind.value))
    required = []
    for glob, keys in _table(value, kind.value).items():
        names = _strings(keys, kind.value)
        for key in names:
            if not KEY_PATTERN.fullmatch(key):
                raise _Bad(f"{shown(key)} is not a key name")
        required.append((glob, tuple(names)))
    return tuple(required)


def _parse_rules(value: Any, where: str) -> Rules:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}must be a table")
    parsed: dict[str, Any] = {}
    for name, item in value.items():
        option = next((o for o in RULE_OPTIONS if o.name == name), None)
        if option is None:
            raise ConfigError(f"{where}{_unknown(name, RULE_OPTIONS)}")
        try:
            parsed[option.attribute] = _rule_value(option.kind, item)
        except _Bad as err:
            raise ConfigError(f"{where}{name} {err}") from None
    return Rules(**parsed)


def parse(table: Mapping[str, Any], source: Path, prefix: str = "") -> Config:
    """The ``Config`` in ``table`` (read from ``source``, under ``prefix`` such as
    ``tool.kitaru``), or ``ConfigError``: one line naming the file, the option, the problem."""
    path = shown_path(source)
    top = f"{path}: [{prefix}] " if prefix else f"{path}: "
    rules = f"{path}: [{prefix + '.' if prefix else ''}{RULES_TABLE}] "
    parsed: dict[str, Any] = {}
    for name, value in table.items():
        if name == RULES_TABLE:
            parsed["rules"] = _parse_rules(value, rules)
            continue
        option = next((o for o in OPTIONS if o.name == name), None)
        if option is None:
            raise ConfigError(f"{top}{_unknown(name, OPTIONS, (RULES_TABLE,))}")
        try:
            parsed[option.attribute] = _parse_top(option, value)
        except _Bad as err:
            raise ConfigError(f"{top}{name} {err}") from None
    return Config(source=source, table=f"[{prefix}]" if prefix else "", **parsed)


# --- JSON Schema and TOML, from the same tables ---------------------------------------------

_STRINGS = {"type": "array", "items": {"type": "string"}}
_SCHEMAS: dict[Kind, dict[str, Any]] = {
    Kind.codes: {"type": "array", "items": {"type": "string", "pattern": "^KS[0-9]{0,3}$"}},
    Kind.globs: _STRINGS,
    Kind.name_globs: _STRINGS,
    Kind.path_codes: {
        "type": "object",
        "additionalProperties": {
            "type": "array",
            "items": {"type": "string", "pattern": "^KS[0-9]{0,3}$"},
        },
    },
    Kind.severities: {
        "type": "object",
        "propertyNames": {"pattern": "^KS[0-9]{3}$"},
        "additionalProperties": {"enum": list(SEVERITIES)},
    },
    Kind.regex: {"type": "string", "maxLength": 256, "format": "regex"},
    Kind.name_keys: {
        "type": "object",
        "additionalProperties": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
        },
    },
    Kind.key_globs: {
        "type": "array",
        "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*\\*?$"},
    },
}


def _properties(options: tuple[Option, ...]) -> dict[str, Any]:
    return {o.name: {**_SCHEMAS[o.kind], "description": o.help} for o in options}


def json_schema() -> dict[str, Any]:
    """JSON Schema of kitaru.toml (also the `[tool.kitaru]` table of pyproject.toml)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "kitaru configuration (kitaru.toml, or [tool.kitaru] in pyproject.toml)",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **_properties(OPTIONS),
            RULES_TABLE: {
                "type": "object",
                "description": "The team's own rules (KS501-KS505).",
                "additionalProperties": False,
                "properties": _properties(RULE_OPTIONS),
            },
        },
    }


_TABLES = (Kind.path_codes, Kind.severities, Kind.name_keys)


def _toml_value(value: Any) -> str:
    if isinstance(value, re.Pattern):
        return json.dumps(value.pattern)
    if isinstance(value, tuple):
        return "[" + ", ".join(map(_toml_value, value)) + "]"
    return json.dumps(value)


def _toml_line(option: Option, value: Any) -> str:
    if value is None:
        return f"# {option.name}: not set"
    if option.kind in _TABLES:
        items = ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value)
        return f"{option.name} = {{ {items} }}" if items else f"{option.name} = {{}}"
    return f"{option.name} = {_toml_value(value)}"


def to_toml(config: Config) -> str:
    """The effective configuration as kitaru.toml would write it (every option shown)."""
    lines = [f"# from {config.where}"]
    lines += [_toml_line(option, getattr(config, option.attribute)) for option in OPTIONS]
    lines += ["", f"[{RULES_TABLE}]"]
    lines += [
        _toml_line(option, getattr(config.rules, option.attribute)) for option in RULE_OPTIONS
    ]
    lines.append(
        f"# besides forbidden-keys, KS206 always flags the {len(STEERING_KEYS)} key patterns "
        "that change how programs start (kitaru/programs/steering_keys.py)"
    )
    return "\n".join(lines) + "\n"
