"""Several manifests in one plan or apply (``-f a.yaml -f b.yaml``): one desired state.

Each manifest is loaded and checked on its own (its own team policy); then a secret (name
and visibility) that two of them declare is KS106 in each, pointing at the other (no
manifest may own what another owns), and the manifests become one ``Manifest`` whose
secrets remember the file that declares them (``declared_in``: reports point there).
Values come from one .env file: ``--env-file``, or the one file every manifest names.
Pure: no store, no clock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from kitaru.checks.findings import Finding
from kitaru.errors import KitaruError
from kitaru.naming import shown, shown_path, visibility_word
from kitaru.sync.manifest import Manifest

SEPARATOR = ", "


def duplicates(manifests: Sequence[Manifest]) -> list[Finding]:
    """KS106 for every secret two of ``manifests`` declare, in each, pointing at the other."""
    first: dict[tuple[str, bool], tuple[str, int, int]] = {}
    findings: list[Finding] = []
    for manifest in manifests:
        for secret in manifest.secrets:
            identity = (secret.name, secret.private)
            here = (manifest.path, *secret.position)
            there = first.setdefault(identity, here)
            if there[0] == manifest.path:
                continue  # within one manifest: KS104 already refused it
            word = visibility_word(secret.private)
            for (path, line, col), (other, o_line, o_col) in ((here, there), (there, here)):
                message = (
                    f"{word} secret {shown(secret.name)} is also declared in "
                    f"{shown_path(other)}:{o_line}:{o_col}; one manifest must own it"
                )
                findings.append(Finding(path, line, col, "KS106", message))
    return sorted(set(findings))


def _env_file(manifests: Sequence[Manifest]) -> str | None:
    """The one .env file the manifests name (absolute), None if none does."""
    named = {
        str(path.absolute())
        for manifest in manifests
        if (path := manifest.env_file_path()) is not None and path.is_file()
    }
    if len(named) > 1:
        raise KitaruError(
            "the manifests name different env_file: files; pass --env-file to read one for all"
        )
    return next(iter(named), None)


def combined(manifests: Sequence[Manifest], env_file_given: bool) -> Manifest:
    """One manifest of all of ``manifests`` (``duplicates`` must be empty)."""
    declared_in = tuple(
        (secret.name, secret.private, manifest.path)
        for manifest in manifests
        for secret in manifest.secrets
    )
    return Manifest(
        version=manifests[0].version,
        secrets=tuple(secret for manifest in manifests for secret in manifest.secrets),
        env_file=None if env_file_given else _env_file(manifests),
        path=SEPARATOR.join(manifest.path for manifest in manifests),
        declared_in=declared_in,
    )


def digest(paths: Sequence[str], digests: Sequence[str]) -> str:
    """One sha256 for several manifests (a saved plan compares it): sha256sum's lines."""
    lines = "".join(f"{sha}  {path}\n" for path, sha in zip(paths, digests, strict=True))
    return hashlib.sha256(lines.encode()).hexdigest()


def as_paths(manifest: object) -> list[str | Path] | None:
    """The paths of a several-manifest argument, None for anything else."""
    if isinstance(manifest, (list, tuple)) and all(isinstance(m, (str, Path)) for m in manifest):
        return list(manifest)
    return None
