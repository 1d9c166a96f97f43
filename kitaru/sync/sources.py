"""Desired state: the manifest's keys with values from the environment, then a .env file.

Where a value came from is recorded (``env:VAR`` / ``dotenv:FILE:VAR``), never the value.
An empty (or white-space-only) variable counts as unset: CI systems expand a missing
secret to "", and writing that over a real credential is never what was meant.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kitaru.checks.yaml_positions import START, Position
from kitaru.errors import KitaruError, MissingValuesError
from kitaru.naming import is_blank, is_utf8, named, shown_path, visibility_word

if TYPE_CHECKING:
    from kitaru.sync.manifest import Manifest


@dataclass(frozen=True)
class DesiredSecret:
    """One declared secret with its resolved values (``values`` is never printed)."""

    name: str
    private: bool
    prune: bool
    values: Mapping[str, str] = field(repr=False)
    sources: Mapping[str, str]  # key -> "env:VAR" | "dotenv:FILE:VAR"
    declared: tuple[str, ...]  # every declared key, resolved or skipped
    skipped: tuple[str, ...] = ()  # optional keys whose variable is unset
    position: Position = START
    key_positions: Mapping[str, Position] = field(default_factory=dict)
    absent: bool = False  # `state: absent`: the secret must not exist (no keys)
    create_only: frozenset[str] = frozenset()  # keys written only when missing
    # Required create-only keys whose variable is unset -> the missing-value line to
    # report, only if the store lacks the key too (known after observing it).
    unset: Mapping[str, str] = field(default_factory=dict)

    @property
    def visibility(self) -> str:
        return visibility_word(self.private)


@dataclass(frozen=True)
class Desired:
    """Everything the manifest asks for, ready to be compared with the store."""

    manifest_path: str
    secrets: tuple[DesiredSecret, ...]
    env_file: str | None = None
    declared_in: tuple[tuple[str, bool, str], ...] = ()  # several manifests: who declares

    def resolved_values(self) -> list[str]:
        """Every value read from a source, for masking (GitHub ``::add-mask::``)."""
        return [value for secret in self.secrets for value in secret.values.values()]


def env_file_for(manifest: Manifest, override: str | Path | None) -> Path | None:
    """``--env-file`` wins; a missing override is an error, a missing ``env_file`` is not."""
    if override is not None:
        path = Path(override)
        if not path.is_file():
            raise KitaruError(f"--env-file {shown_path(override)}: no such file")
        return path
    declared = manifest.env_file_path()
    if declared is not None and declared.is_file():
        return declared
    return None


def read_env_file(path: Path) -> dict[str, str]:
    """Entries of a .env file that have a value, read by the one reader ``set`` uses too.

    A line it cannot parse is an error at ``file:line`` (never a silently cut value);
    ``os.environ`` is never touched.
    """
    from kitaru.dotenv_reader import read_dotenv

    return {key: value for key, value in read_dotenv(path).items() if value}


def _present(value: str | None) -> bool:
    """Set and not blank: an empty or white-space-only variable counts as unset."""
    return value is not None and not is_blank(value)


def resolve(
    manifest: Manifest,
    *,
    env_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Desired:
    """Resolve every declared key; all missing required values are reported in one error."""
    environ = os.environ if environ is None else environ
    dotenv_path = env_file_for(manifest, env_file)
    dotenv = read_env_file(dotenv_path) if dotenv_path else {}
    secrets: list[DesiredSecret] = []
    missing: list[str] = []
    not_text: list[str] = []
    for spec in manifest.secrets:
        values: dict[str, str] = {}
        sources: dict[str, str] = {}
        skipped: list[str] = []
        unset: dict[str, str] = {}
        create_only = spec.create_only_keys()
        for key in () if spec.absent else spec.keys:  # a secret to delete reads no values
            variable = key.env_var
            if _present(environ.get(variable)):
                values[key.key] = environ[variable]
                sources[key.key] = f"env:{variable}"
            elif _present(dotenv.get(variable)):
                values[key.key] = dotenv[variable]
                sources[key.key] = f"dotenv:{dotenv_path}:{variable}"
            elif key.optional:
                skipped.append(key.key)
            else:
                line = key.position.line
                where = f"{manifest.path}:{line}"
                entry = f"{named(spec.name)}/{named(key.key)} (${named(variable)}, {where})"
                if key.key in create_only:
                    unset[key.key] = entry  # fine if the store holds the key already
                else:
                    missing.append(entry)
            if key.key in values and not is_utf8(values[key.key]):
                not_text.append(f"{named(spec.name)}/{named(key.key)} (${named(variable)})")
        secrets.append(
            DesiredSecret(
                name=spec.name,
                private=spec.private,
                prune=spec.prune,
                values=values,
                sources=sources,
                declared=() if spec.absent else tuple(key.key for key in spec.keys),
                skipped=tuple(skipped),
                position=spec.position,
                key_positions={key.key: key.position for key in spec.keys},
                absent=spec.absent,
                create_only=create_only,
                unset=unset,
            )
        )
    if not_text:
        raise KitaruError(
            f"{len(not_text)} value(s) are not UTF-8 text (bytes the terminal or file did not "
            f"encode as UTF-8); nothing was written: {', '.join(not_text)}"
        )
    if missing:
        raise missing_values(missing, dotenv_path)
    return Desired(
        manifest.path,
        tuple(secrets),
        str(dotenv_path) if dotenv_path else None,
        manifest.declared_in,
    )


def missing_values(missing: list[str], dotenv_path: str | Path | None) -> MissingValuesError:
    """The one error for required values without a source (``resolve``'s, and the
    pipeline's for create-only keys the store turned out to lack)."""
    where = "the environment" + (f" or {dotenv_path}" if dotenv_path else "")
    return MissingValuesError(
        f"{len(missing)} required value(s) not set (or empty) in {where}; "
        f"nothing was written: {', '.join(missing)}"
    )
