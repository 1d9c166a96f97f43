"""The team's own rules ([tool.kitaru.rules]), one registry entry per rule code.

A rule reads the manifest as declared (``Declared``: each secret's name, visibility and
key names with their positions) and the configured ``Rules``; a new rule is one function
and one ``TeamRule`` line here, one option in ``kitaru.config.options`` and one code in
``findings.RULES``. Messages quote names and keys only when ``naming.shown`` allows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from kitaru.checks.findings import Finding
from kitaru.checks.manifest_rules import Document
from kitaru.checks.yaml_positions import Position
from kitaru.config.globs import name_matches
from kitaru.config.options import Rules
from kitaru.config.regexes import full_match
from kitaru.naming import KEY_PATTERN, described, is_quotable, named, shown
from kitaru.programs.steering_keys import steering_reason


@dataclass(frozen=True)
class Declared:
    """One secret as the manifest declares it (``name`` None when it is not a string)."""

    name: str | None
    private: bool
    absent: bool
    at: Position
    keys: tuple[tuple[str, Position], ...]


def declared(document: Document) -> Iterator[Declared]:
    tree: dict[str, Any] = document.tree or {}
    secrets = tree.get("secrets")
    for i, secret in enumerate(secrets if isinstance(secrets, list) else []):
        if not isinstance(secret, dict):
            continue
        name = secret.get("name")
        at = (
            document.position("secrets", i, "name")
            if "name" in secret
            else document.position("secrets", i)
        )
        keys: list[tuple[str, Position]] = []
        entries = secret.get("keys")
        for j, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, str):
                keys.append((entry, document.position("secrets", i, "keys", j)))
            elif isinstance(entry, dict) and isinstance(entry.get("key"), str):
                keys.append((entry["key"], document.position("secrets", i, "keys", j, "key")))
        yield Declared(
            name if isinstance(name, str) else None,
            secret.get("private") is True,
            secret.get("state") == "absent",
            at,
            tuple((key, where) for key, where in keys if KEY_PATTERN.fullmatch(key)),
        )


def _glob(pattern: str) -> str:
    """A name glob quoted when it has the shape of a name once its wildcards are letters."""
    plain = pattern.replace("*", "x").replace("?", "x").replace("[", "x").replace("]", "x")
    return repr(pattern) if is_quotable(plain) else described(pattern)


Check = Callable[[Declared, Rules, str], Iterator[Finding]]


def _key_pattern(secret: Declared, rules: Rules, path: str) -> Iterator[Finding]:
    assert rules.key_pattern is not None
    for key, where in secret.keys:
        if not full_match(rules.key_pattern, key):
            yield Finding(path, *where, "KS501", f"key {named(key)} does not match the key-pattern")


def _name_pattern(secret: Declared, rules: Rules, path: str) -> Iterator[Finding]:
    assert rules.secret_name_pattern is not None
    if secret.name is not None and not full_match(rules.secret_name_pattern, secret.name):
        message = f"secret name {shown(secret.name)} does not match the secret-name-pattern"
        yield Finding(path, *secret.at, "KS502", message)


def _must_be_private(secret: Declared, rules: Rules, path: str) -> Iterator[Finding]:
    if secret.name is None or secret.private or secret.absent:
        return
    glob = next((g for g in rules.must_be_private if name_matches(g, secret.name)), None)
    if glob is not None:
        message = (
            f"secret {shown(secret.name)} must be declared `private: true` "
            f"(must-be-private {_glob(glob)})"
        )
        yield Finding(path, *secret.at, "KS503", message)


def _required_keys(secret: Declared, rules: Rules, path: str) -> Iterator[Finding]:
    if secret.name is None or secret.absent:
        return
    have = {key for key, _ in secret.keys}
    for glob, keys in rules.required_keys:
        if name_matches(glob, secret.name):
            for key in keys:
                if key not in have:
                    message = (
                        f"secret {shown(secret.name)} must declare key {named(key)} "
                        f"(required-keys {_glob(glob)})"
                    )
                    yield Finding(path, *secret.at, "KS504", message)
                    have.add(key)


def _forbidden_keys(secret: Declared, rules: Rules, path: str) -> Iterator[Finding]:
    forbidden = rules.forbidden()
    for key, where in secret.keys:
        if steering_reason(key) is not None:
            continue  # KS206 flags it already (a team raises it with `severity`)
        reason = next((why for pattern, why in forbidden if fnmatchcase(key, pattern)), None)
        if reason is not None:
            yield Finding(path, *where, "KS505", f"key {named(key)} is forbidden: {reason}")


@dataclass(frozen=True)
class TeamRule:
    code: str
    option: str  # under [rules]; the rule runs when it is set
    check: Check
    configured: Callable[[Rules], bool]


REGISTRY: tuple[TeamRule, ...] = (
    TeamRule("KS501", "key-pattern", _key_pattern, lambda r: r.key_pattern is not None),
    TeamRule(
        "KS502", "secret-name-pattern", _name_pattern, lambda r: r.secret_name_pattern is not None
    ),
    TeamRule("KS503", "must-be-private", _must_be_private, lambda r: bool(r.must_be_private)),
    TeamRule("KS504", "required-keys", _required_keys, lambda r: bool(r.required_keys)),
    TeamRule("KS505", "forbidden-keys", _forbidden_keys, lambda r: bool(r.forbidden_keys)),
)


def team_findings(
    document: Document, rules: Rules, path: str, enabled: Callable[[str], bool]
) -> list[Finding]:
    """Findings of every configured, enabled team rule."""
    active = [rule for rule in REGISTRY if rule.configured(rules) and enabled(rule.code)]
    if not active:
        return []
    return [
        finding
        for secret in declared(document)
        for rule in active
        for finding in rule.check(secret, rules, path)
    ]
