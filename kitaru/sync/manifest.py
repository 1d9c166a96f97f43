"""The manifest (schema version 1) as frozen data with positions, for plan and apply.

The rules live in ``kitaru.checks.manifest_rules``; documents that pass them become these
models, whose fields and defaults come from the one schema (``checks.manifest_schema``),
the same tables the committed JSON Schema is generated from. No pydantic: a checked
document needs no second validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kitaru.checks.findings import Finding
from kitaru.checks.manifest_rules import Document, check_manifest, read_document
from kitaru.checks.manifest_schema import KEY, MANIFEST, SECRET, STATES, Shape, json_schema
from kitaru.checks.text import read_file
from kitaru.checks.yaml_positions import START, Position
from kitaru.errors import ManifestError
from kitaru.naming import visibility_word

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


@dataclass(frozen=True)
class KeySpec:
    """One key of a secret and the environment variable its value comes from."""

    key: str
    from_: str | None = None
    optional: bool = False
    create_only: bool = False  # see SecretSpec.create_only_keys
    position: Position = field(default=START, compare=False)

    @property
    def env_var(self) -> str:
        return self.from_ or self.key


@dataclass(frozen=True)
class SecretSpec:
    """A secret the manifest manages: its name, visibility and key names, never values."""

    name: str
    keys: tuple[KeySpec, ...] = ()
    private: bool = False
    prune: bool = False
    state: str = "present"  # "absent": apply deletes the secret of this name and visibility
    create_only: bool = False  # every key create-only
    position: Position = field(default=START, compare=False)

    @property
    def visibility(self) -> str:
        return visibility_word(self.private)

    def __post_init__(self) -> None:
        if self.state not in STATES:  # a model built by hand skipped the rules
            raise ValueError(f"state must be one of {', '.join(STATES)}")

    @property
    def absent(self) -> bool:
        return self.state == "absent"

    def create_only_keys(self) -> frozenset[str]:
        """Keys written only when missing: a stored value is kept, never compared."""
        return frozenset(k.key for k in self.keys if k.create_only or self.create_only)


@dataclass(frozen=True)
class Manifest:
    """A secrets manifest: which secrets exist, their visibility and key names, never values."""

    version: int
    secrets: tuple[SecretSpec, ...]
    env_file: str | None = None
    path: str = "<manifest>"
    # several manifests (-f a -f b): (name, private, the file declaring it) per secret
    declared_in: tuple[tuple[str, bool, str], ...] = ()

    def env_file_path(self) -> Path | None:
        """``env_file`` resolved against the manifest's directory."""
        if self.env_file is None:
            return None
        return Path(self.path).parent / self.env_file


def manifest_json_schema() -> dict[str, Any]:
    """JSON Schema of manifest version 1, for editors (`yaml-language-server`)."""
    return json_schema()


def _fields(shape: Shape, raw: dict[str, Any]) -> dict[str, Any]:
    """Model arguments for a checked mapping: the schema's defaults, then what was written."""
    written = {spec.attribute: raw[spec.name] for spec in shape.fields if spec.name in raw}
    return {**shape.defaults(), **written}


def from_document(document: Document, path: str) -> Manifest:
    """Models from data that passed every check (so no validation is needed)."""
    data = document.data or {}
    secrets = []
    for i, raw in enumerate(data["secrets"]):
        keys = tuple(
            KeySpec(
                **_fields(KEY, {"key": entry} if isinstance(entry, str) else entry),
                position=document.position("secrets", i, "keys", j),
            )
            for j, entry in enumerate(raw.get("keys", ()))
        )
        fields = {**_fields(SECRET, raw), "keys": keys}
        secrets.append(SecretSpec(**fields, position=document.position("secrets", i)))
    return Manifest(**{**_fields(MANIFEST, data), "secrets": tuple(secrets)}, path=path)


# --- public API -----------------------------------------------------------------------------


def parse_manifest(text: str | bytes, path: str) -> tuple[Manifest | None, list[Finding]]:
    """Parse manifest text; returns the manifest (or ``None``) and every problem found."""
    document = read_document(text, path)
    if document.data is None:
        return None, document.findings
    return from_document(document, path), []


def read_manifest(path: str | Path) -> tuple[Manifest | None, list[Finding]]:
    """Read and parse a manifest file; an unreadable file is a finding, not an exception."""
    data = read_file(path, "manifest")
    if isinstance(data, Finding):
        return None, [data]
    return parse_manifest(data, str(path))


def load_manifest(path: str | Path) -> Manifest:
    """The manifest at ``path``; raises ``ManifestError`` with one line per problem."""
    manifest, findings = read_manifest(path)
    if manifest is None:
        raise ManifestError([finding.render() for finding in findings])
    return manifest
