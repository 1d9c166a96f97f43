"""The manifest's schema (version 1), written once.

Three things are made from these tables: the structure checks in ``manifest_rules`` (which
fields exist, which are required, what type each holds), the models in
``kitaru.sync.manifest`` (field names and defaults), and the JSON Schema for editors that
`kitaru secrets schema` prints and ``kitaru/sync/manifest.schema.json`` commits. Plain data
and no pydantic, so `validate` and `schema` stay fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from kitaru.naming import KEY_PATTERN, MAX_NAME_LENGTH, SAFE_NAME_PATTERN

SCHEMA_VERSION = 1
STATES = ("present", "absent")
# What a `state: absent` secret may say besides its state: which secret (name, visibility).
# Anything about keys is a contradiction there (`manifest_rules` reports it as KS004).
ABSENT_FIELDS = ("name", "private", "state")


class Kind(str, Enum):
    """What a field holds; the value is the phrase structure messages use."""

    string = "a string"
    optional_string = "a string or nothing"
    boolean = "true or false"
    version = "the number 1"
    secrets = "a list of secrets"
    keys = "a list of key names"
    state = "present or absent"

    def accepts(self, value: Any) -> bool:
        """Type check for scalar kinds; lists and the version have rules of their own."""
        if self is Kind.string:
            return isinstance(value, str)
        if self is Kind.optional_string:
            return value is None or isinstance(value, str)
        if self is Kind.boolean:
            return isinstance(value, bool)
        if self is Kind.state:
            return value in STATES
        return True


@dataclass(frozen=True)
class Field:
    """One field as written in YAML."""

    name: str
    kind: Kind
    description: str
    required: bool = False
    default: Any = None
    pattern: str | None = None
    max_length: int | None = None

    @property
    def attribute(self) -> str:
        """The model attribute (``from`` is a Python keyword)."""
        return "from_" if self.name == "from" else self.name


@dataclass(frozen=True)
class Shape:
    """A mapping in the manifest: its fields, and how the JSON Schema names it."""

    definition: str
    title: str
    description: str
    fields: tuple[Field, ...]

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def defaults(self) -> dict[str, Any]:
        """Attribute -> default for every optional field."""
        return {f.attribute: f.default for f in self.fields if not f.required}


KEY = Shape(
    "KeySpec",
    "Key",
    "One key of a secret and the environment variable its value comes from.",
    (
        Field(
            "key",
            Kind.string,
            "Key name in the secret (environment-variable style).",
            required=True,
            pattern=KEY_PATTERN.pattern,
        ),
        Field(
            "from",
            Kind.optional_string,
            "Environment variable (or .env entry) to read; defaults to the key name.",
            pattern=KEY_PATTERN.pattern,
        ),
        Field(
            "optional",
            Kind.boolean,
            "When the variable is unset, skip the key instead of failing.",
            default=False,
        ),
        Field(
            "create_only",
            Kind.boolean,
            "Write the value only when the key is missing; a stored value is never "
            "overwritten (for credentials rotated outside git).",
            default=False,
        ),
    ),
)
SECRET = Shape(
    "SecretSpec",
    "Secret",
    "A secret the manifest manages: its name, visibility and key names, never values.",
    (
        Field(
            "name",
            Kind.string,
            "Secret name: letters, digits, '.', '_' and '-'.",
            required=True,
            pattern=SAFE_NAME_PATTERN.pattern,
            max_length=MAX_NAME_LENGTH,
        ),
        Field(
            "private",
            Kind.boolean,
            "Create the secret private (default public). Never changes an existing one.",
            default=False,
        ),
        Field(
            "prune",
            Kind.boolean,
            "Let `apply --prune` remove stored keys not declared here.",
            default=False,
        ),
        Field(
            "keys",
            Kind.keys,
            "Key names, or {key, from, optional, create_only}. Required unless `state: absent`.",
            default=(),
        ),
        Field(
            "state",
            Kind.state,
            "present (default): the secret must exist; absent: `apply` deletes the secret of "
            "this name and visibility (then give no keys).",
            default="present",
        ),
        Field(
            "create_only",
            Kind.boolean,
            "Every key is create-only: written when missing, never overwritten.",
            default=False,
        ),
    ),
)
MANIFEST = Shape(
    "Manifest",
    "kitaru secrets manifest",
    "A secrets manifest: which secrets exist, their visibility and key names, never values.",
    (
        Field(
            "version",
            Kind.version,
            f"Manifest schema version; must be {SCHEMA_VERSION}.",
            required=True,
        ),
        Field(
            "env_file",
            Kind.optional_string,
            "A .env file to read values from, relative to the manifest; "
            "--env-file overrides it. The process environment wins over it.",
        ),
        Field("secrets", Kind.secrets, "The secrets this manifest manages.", required=True),
    ),
)


# --- JSON Schema ---------------------------------------------------------------------------

_STRING = {"type": "string"}


def _ref(shape: Shape) -> dict[str, str]:
    return {"$ref": f"#/$defs/{shape.definition}"}


def _property(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": field.description,
        "title": field.name.replace("_", " ").title(),
    }
    if field.kind is Kind.string:
        out["type"] = "string"
    elif field.kind is Kind.optional_string:
        out["anyOf"] = [_STRING, {"type": "null"}]
    elif field.kind is Kind.boolean:
        out["type"] = "boolean"
    elif field.kind is Kind.state:
        out.update(enum=list(STATES), type="string")
    elif field.kind is Kind.version:
        out.update(const=SCHEMA_VERSION, type="integer")
    elif field.kind is Kind.secrets:
        out.update(items=_ref(SECRET), type="array")
    elif field.kind is Kind.keys:
        bare = {**_STRING, "pattern": KEY_PATTERN.pattern}
        out.update(items={"anyOf": [bare, _ref(KEY)]}, minItems=1, type="array")
    if not field.required:
        out["default"] = list(field.default) if isinstance(field.default, tuple) else field.default
    if field.pattern is not None:
        out["pattern"] = field.pattern
    if field.max_length is not None:
        out["maxLength"] = field.max_length
    return dict(sorted(out.items()))


def _object(shape: Shape) -> dict[str, Any]:
    out: dict[str, Any] = {
        "additionalProperties": False,
        "description": shape.description,
        "properties": {field.name: _property(field) for field in shape.fields},
        "required": [field.name for field in shape.fields if field.required],
        "title": shape.title,
        "type": "object",
    }
    if shape is SECRET:
        out.update(_state_rule())
    return out


def _state_rule() -> dict[str, Any]:
    """`keys` is required unless `state: absent`, which allows only ``ABSENT_FIELDS``."""
    others = [name for name in SECRET.names if name not in ABSENT_FIELDS]
    return {
        "if": {"properties": {"state": {"const": "absent"}}, "required": ["state"]},
        "then": {"properties": dict.fromkeys(others, False)},
        "else": {"required": ["keys"]},
    }


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of manifest version 1, for editors."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kitaru.dev/schemas/secrets-manifest-v1.json",
        "$defs": {shape.definition: _object(shape) for shape in (KEY, SECRET)},
        **_object(MANIFEST),
    }


def json_schema_text() -> str:
    """The generated schema as committed in kitaru/sync/manifest.schema.json (which
    `kitaru secrets schema` prints without generating it)."""
    import json

    return json.dumps(json_schema(), indent=2) + "\n"
