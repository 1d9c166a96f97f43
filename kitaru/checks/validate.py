"""`kitaru secrets validate`: the loader's findings plus lint rules, offline and fast.

The manifest rules (``manifest_rules``) decide what is valid; this module adds what a
pre-commit hook should also say: lowercase keys (KS202, a warning), keys that change how
programs start (KS206, a warning: `run`/`export` refuse them unless let through), keys
that collide ignoring case (KS203), and credentials anywhere in the text, comments
included (KS301).
Allow comments apply last. Imports neither pydantic nor zenml.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kitaru.checks.credentials import Suspect, find_suspects, redact_findings
from kitaru.checks.findings import Finding, Severity
from kitaru.checks.manifest_rules import Document, read_document
from kitaru.checks.policy import Policy
from kitaru.checks.suppress import apply_allows
from kitaru.checks.team_rules import team_findings
from kitaru.checks.text import decode, read_file, split_lines
from kitaru.checks.yaml_positions import Position
from kitaru.config.options import DEFAULT, Config
from kitaru.naming import KEY_PATTERN, case_problem, collision_problem, steering_problem

INLINE_HINT = "manifests hold names, never values; keep the value in the environment or .env"


def _declared_keys(document: Document) -> Iterator[tuple[int, list[tuple[str, Position]]]]:
    """(secret index, [(key name, position)]) for every well-formed key of every secret."""
    tree: dict[str, Any] = document.tree or {}
    secrets = tree.get("secrets")
    for i, secret in enumerate(secrets if isinstance(secrets, list) else []):
        keys = secret.get("keys") if isinstance(secret, dict) else None
        if not isinstance(keys, list):
            continue
        named: list[tuple[str, Position]] = []
        for j, entry in enumerate(keys):
            if isinstance(entry, str):
                named.append((entry, document.position("secrets", i, "keys", j)))
            elif isinstance(entry, dict) and isinstance(entry.get("key"), str):
                named.append((entry["key"], document.position("secrets", i, "keys", j, "key")))
        yield i, [(key, where) for key, where in named if KEY_PATTERN.fullmatch(key)]


def _lint_keys(document: Document, path: str) -> list[Finding]:
    findings: list[Finding] = []
    for _, keys in _declared_keys(document):
        first_by_folded: dict[str, tuple[str, Position]] = {}
        for key, where in keys:
            for problem in (case_problem(key), steering_problem(key)):
                if problem is not None:
                    findings.append(Finding(path, *where, *problem, Severity.warning))
            first, first_at = first_by_folded.setdefault(key.upper(), (key, where))
            collision = collision_problem(key, first, first_at.line)
            if collision is not None:
                findings.append(Finding(path, *where, *collision))
    return findings


def _credential_findings(
    lines: list[str], findings: list[Finding], path: str
) -> tuple[list[Finding], list[str]]:
    """KS301 for credentials the loader's structural checks did not already report."""
    reported = {f.line for f in findings if f.code == "KS301"}
    found: list[Finding] = []
    texts: list[str] = []
    for number, line in enumerate(lines, start=1):
        suspects: list[Suspect] = find_suspects(line) if len(line) >= 16 else []
        for suspect in suspects:
            texts.append(line[suspect.start : suspect.end])
            if number not in reported:
                message = f"possible credential, {suspect.describe()}: {INLINE_HINT}"
                found.append(Finding(path, number, suspect.start + 1, "KS301", message))
    return found, texts


def checked_manifest(
    data: str | bytes, path: str, config: Config = DEFAULT
) -> tuple[list[Finding], Document]:
    """Every finding for one manifest under ``config`` (sorted, warnings included), and the
    document they were found in (the several-manifests check reads its secrets)."""
    policy = Policy(config, path)
    document = read_document(data, path)
    findings = list(document.findings)
    if document.tree is not None:
        findings += _lint_keys(document, path)
        findings += team_findings(document, config.rules, path, policy.enabled)
    text = decode(data)
    if text is None:
        return sorted(findings), document
    lines = split_lines(text)
    credentials, texts = _credential_findings(lines, findings, path)
    findings = policy.apply(findings + credentials)
    findings = apply_allows(findings, lines, path)
    return sorted(set(redact_findings(findings, texts))), document


def validate_manifest(data: str | bytes, path: str, config: Config = DEFAULT) -> list[Finding]:
    """Every finding for one manifest, sorted by position; warnings included."""
    return checked_manifest(data, path, config)[0]


def validate_manifest_file(path: str | Path, config: Config = DEFAULT) -> list[Finding]:
    """Findings for the manifest at ``path``; an unreadable file is a KS007 finding."""
    data = read_file(path, "manifest")
    return [data] if isinstance(data, Finding) else validate_manifest(data, str(path), config)
