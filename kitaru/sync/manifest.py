"""The manifest (schema version 1) as strict pydantic models, with positions.

The checks live in ``manifest_checks`` (no pydantic, fast for `validate`); documents that
pass them are turned into models with ``model_construct``. tests/sync/test_manifest.py
proves that ``Manifest.model_validate`` accepts exactly the documents the checks accept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, field_validator

from kitaru.errors import ManifestError
from kitaru.naming import (
    KEY_PATTERN,
    MAX_NAME_LENGTH,
    SAFE_NAME_PATTERN,
    Problem,
    key_problem,
    name_problem,
)
from kitaru.naming import shown_path as safe_path
from kitaru.sync.findings import Finding
from kitaru.sync.manifest_checks import (
    START,
    Document,
    Position,
    check_manifest,
    read_document,
)

__all__ = [
    "KeySpec",
    "Manifest",
    "Position",
    "SecretSpec",
    "check_manifest",
    "load_manifest",
    "manifest_json_schema",
    "parse_manifest",
    "read_manifest",
]

# --- models -------------------------------------------------------------------------------

_STRICT = ConfigDict(extra="forbid", strict=True, defer_build=True)


def _passes(problem: Problem | None, value: str) -> str:
    """The naming rules the checks apply (``kitaru.naming``), for ``model_validate`` too."""
    if problem is not None:
        raise ValueError(problem.message)
    return value


class KeySpec(BaseModel):
    """One key of a secret and the environment variable its value comes from."""

    model_config = ConfigDict(**_STRICT, title="Key")

    key: str = Field(
        description="Key name in the secret (environment-variable style).",
        json_schema_extra={"pattern": KEY_PATTERN.pattern},
    )
    from_: str | None = Field(
        default=None,
        alias="from",
        description="Environment variable (or .env entry) to read; defaults to the key name.",
        json_schema_extra={"pattern": KEY_PATTERN.pattern},
    )
    optional: bool = Field(
        default=False, description="When the variable is unset, skip the key instead of failing."
    )
    _position: Position = PrivateAttr(default=START)

    @field_validator("key", "from_")
    @classmethod
    def _key_rule(cls, value: str | None) -> str | None:
        return value if value is None else _passes(key_problem(value), value)

    @property
    def env_var(self) -> str:
        return self.from_ or self.key

    @property
    def position(self) -> Position:
        return self._position


def _bare_key(value: Any) -> Any:
    """``- OPENAI_API_KEY`` is shorthand for ``- key: OPENAI_API_KEY``."""
    return {"key": value} if isinstance(value, str) else value


KeyEntry = Annotated[KeySpec, BeforeValidator(_bare_key, json_schema_input_type=str | KeySpec)]


class SecretSpec(BaseModel):
    """A secret the manifest manages: its name, visibility and key names, never values."""

    model_config = ConfigDict(**_STRICT, title="Secret")

    name: str = Field(
        description="Secret name: letters, digits, '.', '_' and '-'.",
        json_schema_extra={"pattern": SAFE_NAME_PATTERN.pattern, "maxLength": MAX_NAME_LENGTH},
    )
    private: bool = Field(
        default=False,
        description="Create the secret private (default public). Never changes an existing one.",
    )
    prune: bool = Field(
        default=False, description="Let `apply --prune` remove stored keys not declared here."
    )
    keys: list[KeyEntry] = Field(min_length=1, description="Key names, or {key, from, optional}.")
    _position: Position = PrivateAttr(default=START)

    @field_validator("name")
    @classmethod
    def _name_rule(cls, value: str) -> str:
        return _passes(name_problem(value), value)

    @property
    def position(self) -> Position:
        return self._position

    @property
    def visibility(self) -> str:
        return "private" if self.private else "public"


class Manifest(BaseModel):
    """A secrets manifest: which secrets exist, their visibility and key names, never values."""

    model_config = ConfigDict(**_STRICT, title="kitaru secrets manifest")

    version: Literal[1] = Field(description="Manifest schema version; must be 1.")
    env_file: str | None = Field(
        default=None,
        description="A .env file to read values from, relative to the manifest; "
        "--env-file overrides it. The process environment wins over it.",
    )
    secrets: list[SecretSpec] = Field(description="The secrets this manifest manages.")
    _path: str = PrivateAttr(default="<manifest>")

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_a_number(cls, value: Any) -> Any:
        if type(value) is not int:  # True and 1.0 equal 1 in Python; neither is a version
            raise ValueError("version must be the number 1")
        return value

    @property
    def path(self) -> str:
        return self._path

    def env_file_path(self) -> Path | None:
        """``env_file`` resolved against the manifest's directory."""
        if self.env_file is None:
            return None
        return Path(self._path).parent / self.env_file


def manifest_json_schema() -> dict[str, Any]:
    """JSON schema of manifest version 1, for editors (`yaml-language-server`)."""
    schema = Manifest.model_json_schema(mode="validation")
    keys = schema["$defs"]["SecretSpec"]["properties"]["keys"]["items"]["anyOf"]
    for option in keys:
        if option.get("type") == "string":
            option["pattern"] = KEY_PATTERN.pattern
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kitaru.dev/schemas/secrets-manifest-v1.json",
        **schema,
    }


def _build(document: Document, path: str) -> Manifest:
    """Models from data that passed every check (so no validation is needed)."""
    data = document.data or {}
    secrets = []
    for i, raw in enumerate(data["secrets"]):
        keys = []
        for j, entry in enumerate(raw["keys"]):
            spec = KeySpec.model_construct(**_bare_key(entry))
            spec._position = document.position("secrets", i, "keys", j)
            keys.append(spec)
        secret = SecretSpec.model_construct(**{**raw, "keys": keys})
        secret._position = document.position("secrets", i)
        secrets.append(secret)
    manifest = Manifest.model_construct(**{**data, "secrets": secrets})
    manifest._path = path
    return manifest


# --- public API -----------------------------------------------------------------------------


def parse_manifest(text: str | bytes, path: str) -> tuple[Manifest | None, list[Finding]]:
    """Parse manifest text; returns the manifest (or ``None``) and every problem found."""
    document = read_document(text, path)
    if document.data is None:
        return None, document.findings
    return _build(document, path), []


def read_manifest(path: str | Path) -> tuple[Manifest | None, list[Finding]]:
    """Read and parse a manifest file; an unreadable file is a finding, not an exception."""
    shown_path = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        where = safe_path(shown_path)  # a path that does not exist may be a mistyped value
        return None, [Finding(where, 1, 1, "KS007", f"cannot read the manifest: {reason}")]
    return parse_manifest(data, shown_path)


def load_manifest(path: str | Path) -> Manifest:
    """The manifest at ``path``; raises ``ManifestError`` with one line per problem."""
    manifest, findings = read_manifest(path)
    if manifest is None:
        raise ManifestError([finding.render() for finding in findings])
    return manifest
