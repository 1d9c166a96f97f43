"""The model alias registry: ``kitaru.yaml`` in kitaru's config directory, plus
``KITARU_MODEL_REGISTRY`` (the same registry as JSON) over it, alias by alias.

An alias holds a model string (``provider/model``), optionally the *reference* of a
secret (name or ID) and an endpoint; never a value. The file is the local user's: it is
used only when it is theirs and nobody else can write it (it decides where a key goes).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from kitaru.llm.errors import ModelAliasError, ModelRegistryError
from kitaru.llm.providers import split_model
from kitaru.naming import looks_like_value, shown

FILE_NAME = "kitaru.yaml"
VERSION = 1
ALIAS_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_ALIAS_LENGTH = 64
ENV_REGISTRY = "KITARU_MODEL_REGISTRY"
ENV_DEFAULT = "KITARU_DEFAULT_MODEL"


@dataclass(frozen=True)
class Alias:
    name: str
    model: str
    secret: str | None = None
    base_url: str | None = None
    source: str = "file"  # "file" or "environment" (KITARU_MODEL_REGISTRY)

    @property
    def provider(self) -> str:
        return split_model(self.model)[0].name

    def entry(self) -> dict[str, str]:
        """What the file keeps for it."""
        kept = {"model": self.model}
        if self.secret:
            kept["secret"] = self.secret
        if self.base_url:
            kept["base_url"] = self.base_url
        return kept


@dataclass(frozen=True)
class Registry:
    aliases: dict[str, Alias]
    default: str | None = None

    def get(self, name: str) -> Alias | None:
        return self.aliases.get(name.lower())


def alias_name(name: str) -> str:
    """The alias, lower-cased, when it follows ``^[a-z0-9][a-z0-9_-]*$``."""
    lowered = name.strip().lower()
    if (
        len(lowered) > MAX_ALIAS_LENGTH
        or not ALIAS_PATTERN.fullmatch(lowered)
        or looks_like_value(name)  # a key pasted where the alias goes is not saved
    ):
        raise ModelAliasError(
            f"alias {shown(name)} is not valid: lower-case letters, digits, '_' and '-', "
            "starting with a letter or digit"
        )
    return lowered


def check_base_url(url: str) -> str:
    """An http(s) URL without credentials: it is stored, listed and returned by the MCP
    tool, so a key or password pasted into it (``user:pass@``, ``?key=``) is refused."""
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
        raise ModelAliasError("--base-url must be an http:// or https:// URL")
    host = url.split("://", 1)[1].split("/", 1)[0]
    if "@" in host or looks_like_value(url):
        raise ModelAliasError(
            f"--base-url (a URL of {len(url)} characters, not shown) holds credentials or "
            "what looks like a key; the key goes in the linked secret (--secret)"
        )
    return url


def check_model(model: str) -> str:
    """``provider/model`` that is not a pasted key (it is stored and listed)."""
    split_model(model)
    if looks_like_value(model):
        raise ModelAliasError(
            f"model (a {len(model)}-character string, not shown) looks like a key, not "
            "PROVIDER/MODEL; the key goes in the linked secret (--secret)"
        )
    return model


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``KITARU_CONFIG_PATH``, else ``ZENML_CONFIG_PATH``, else the platform's app dir."""
    environ = os.environ if environ is None else environ
    for variable in ("KITARU_CONFIG_PATH", "ZENML_CONFIG_PATH"):
        if environ.get(variable):
            return Path(environ[variable]).expanduser()
    import click

    return Path(click.get_app_dir("kitaru"))


def registry_path(environ: Mapping[str, str] | None = None) -> Path:
    return config_dir(environ) / FILE_NAME


def _unsafe(path: Path, info: os.stat_result) -> str | None:
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:  # no POSIX ownership (Windows)
        return None
    if info.st_uid != geteuid():
        return f"{path} is owned by another user"
    if stat.S_IMODE(info.st_mode) & 0o022:
        return f"{path} is writable by group or others"
    return None


def read_document(path: Path) -> dict[str, Any]:
    """The file's YAML document ({} when there is none), if the file can be trusted."""
    try:
        # O_NONBLOCK: a FIFO opens at once (and is refused below) instead of blocking
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ModelRegistryError(f"cannot read {path}: {error.strerror}") from None
    with os.fdopen(fd, encoding="utf-8") as handle:
        info = os.fstat(handle.fileno())
        problem = _unsafe(path, info) if stat.S_ISREG(info.st_mode) else f"{path} is not a file"
        if problem is None:
            problem = _unsafe(path.parent, os.stat(path.parent))
        if problem:
            raise ModelRegistryError(f"model registry not used: {problem}")
        try:
            document = yaml.safe_load(handle)
        except (yaml.YAMLError, UnicodeDecodeError):
            raise ModelRegistryError(f"{path} is not valid YAML") from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ModelRegistryError(f"{path} must hold a mapping")
    return document


def _section(data: Any, where: str) -> dict[str, Any]:
    """The ``model_registry`` mapping (or the registry itself, as the JSON may give it)."""
    if not isinstance(data, dict):
        raise ModelRegistryError(f"{where}: the model registry must be a mapping")
    inner = data.get("model_registry", data if "aliases" in data or "default" in data else {})
    if inner is None:
        return {}
    if not isinstance(inner, dict):
        raise ModelRegistryError(f"{where}: model_registry must be a mapping")
    return inner


def _optional_text(entry: dict[str, Any], field: str, where: str) -> str | None:
    value = entry.get(field)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ModelRegistryError(f"{where}: {field} must be a string")
    return value


def parse_registry(data: Any, where: str, source: str) -> Registry:
    """Aliases and default of one registry document; every problem is one line."""
    section = _section(data, where)
    entries = section.get("aliases") or {}
    if not isinstance(entries, dict):
        raise ModelRegistryError(f"{where}: aliases must be a mapping")
    aliases: dict[str, Alias] = {}
    for raw, entry in entries.items():
        try:
            name = alias_name(str(raw))
        except ModelAliasError as error:
            raise ModelRegistryError(f"{where}: {error}") from None
        if isinstance(entry, str):
            entry = {"model": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("model"), str):
            raise ModelRegistryError(f"{where}: alias '{name}' needs a model string")
        try:
            check_model(entry["model"])
            base_url = _optional_text(entry, "base_url", where)
            if base_url:
                check_base_url(base_url)
        except ModelAliasError as error:
            raise ModelRegistryError(f"{where}: alias '{name}': {error}") from None
        secret = _optional_text(entry, "secret", where)
        aliases[name] = Alias(name, entry["model"], secret, base_url, source)
    default = section.get("default")
    if default is not None and not isinstance(default, str):
        raise ModelRegistryError(f"{where}: default must be an alias name")
    return Registry(aliases, default.lower() if default else None)


def environment_registry(environ: Mapping[str, str]) -> Registry | None:
    text = environ.get(ENV_REGISTRY)
    if not text or not text.strip():
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ModelRegistryError(
            f"{ENV_REGISTRY} is not valid JSON (line {error.lineno}, column {error.colno})"
        ) from None
    return parse_registry(data, ENV_REGISTRY, "environment")


_parsed: dict[tuple[object, ...], Registry] = {}


def _identity(path: Path) -> tuple[object, ...] | None:
    """What changes whenever the file or its directory changes (content, owner, mode)."""
    try:
        file, folder = os.lstat(path), os.stat(path.parent)
    except OSError:
        return None
    stats = [
        (info.st_ino, info.st_dev, info.st_mtime_ns, info.st_ctime_ns, info.st_size)
        for info in (file, folder)
    ]
    owners = [(info.st_mode, info.st_uid) for info in (file, folder)]
    return (*stats, *owners, str(path))


def file_registry(environ: Mapping[str, str] | None = None) -> Registry:
    """The file's registry; parsed again only when the file or its directory changed."""
    path = registry_path(environ)
    identity = _identity(path)
    cached = _parsed.get(identity) if identity is not None else None
    if cached is not None:
        return cached
    registry = parse_registry(read_document(path), str(path), "file")
    if identity is not None:
        _parsed.clear()
        _parsed[identity] = registry
    return registry


def load_registry(environ: Mapping[str, str] | None = None) -> Registry:
    """The file's aliases with ``KITARU_MODEL_REGISTRY``'s added or replacing them by name."""
    environ = os.environ if environ is None else environ
    registry = file_registry(environ)
    overlay = environment_registry(environ)
    if overlay is None:
        return registry
    return Registry({**registry.aliases, **overlay.aliases}, overlay.default or registry.default)


@dataclass(frozen=True)
class Resolved:
    """What a ``model=`` argument names: an alias, or a ``provider/model`` string."""

    model: str
    alias: Alias | None


def resolve_model(
    model: str | None, registry: Registry, environ: Mapping[str, str] | None = None
) -> Resolved:
    """Explicit ``model`` > ``KITARU_DEFAULT_MODEL`` > the registry's default alias."""
    environ = os.environ if environ is None else environ
    wanted = model or environ.get(ENV_DEFAULT) or registry.default
    if not wanted:
        raise ModelAliasError(
            "no model given and no default: pass model=, set KITARU_DEFAULT_MODEL, or "
            "`kitaru model register ALIAS --model PROVIDER/MODEL --default`"
        )
    alias = registry.get(wanted)
    if alias is not None:
        return Resolved(alias.model, alias)
    if "/" in wanted:
        split_model(wanted)
        return Resolved(wanted, None)
    raise ModelAliasError(
        f"no model alias {shown(wanted)}; `kitaru model list` shows the registered ones"
    )


def _write(path: Path, document: dict[str, Any]) -> None:
    from kitaru.private_file import write_whole

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = yaml.safe_dump(document, sort_keys=False, default_flow_style=False)
    write_whole(path, text, mode=0o600)


def _with_registry(document: dict[str, Any], registry: Registry) -> dict[str, Any]:
    """The document with its registry replaced; every other top-level key kept."""
    updated = {key: value for key, value in document.items() if key != "model_registry"}
    updated.setdefault("version", VERSION)
    updated["model_registry"] = {
        "aliases": {name: alias.entry() for name, alias in sorted(registry.aliases.items())},
        "default": registry.default,
    }
    return updated


@dataclass(frozen=True)
class Registered:
    alias: Alias
    created: bool
    default: bool


def register(
    name: str,
    model: str,
    *,
    secret: str | None = None,
    base_url: str | None = None,
    make_default: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Registered:
    """Save or update an alias in the file; the first alias becomes the default."""
    name = alias_name(name)
    check_model(model)
    if base_url:
        check_base_url(base_url)
    path = registry_path(environ)
    document = read_document(path)
    registry = parse_registry(document, str(path), "file")
    alias = Alias(name, model, secret or None, base_url or None)
    created = name not in registry.aliases
    default = name if (make_default or not registry.aliases or not registry.default) else None
    updated = replace(
        registry,
        aliases={**registry.aliases, name: alias},
        default=default or registry.default,
    )
    _write(path, _with_registry(document, updated))
    return Registered(alias, created, updated.default == name)


def remove(name: str, environ: Mapping[str, str] | None = None) -> Alias:
    """Remove an alias from the file; if it was the default, there is none after."""
    name = alias_name(name)
    path = registry_path(environ)
    document = read_document(path)
    registry = parse_registry(document, str(path), "file")
    alias = registry.aliases.get(name)
    if alias is None:
        raise ModelAliasError(f"no model alias '{name}' in {path}")
    remaining = {key: value for key, value in registry.aliases.items() if key != name}
    default = None if registry.default == name else registry.default
    _write(path, _with_registry(document, Registry(remaining, default)))
    return alias
