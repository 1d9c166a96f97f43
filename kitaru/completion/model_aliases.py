"""Model alias names for `kitaru model ... ALIAS` (issue 27's registry), read offline.

The registry is ``kitaru.yaml`` in kitaru's config directory (``KITARU_CONFIG_PATH``, else
``ZENML_CONFIG_PATH``, else ZenML's per-user directory) -- ``{version: 1, model_registry:
{aliases: {NAME: {model, secret}}, default: NAME}}`` -- plus ``KITARU_MODEL_REGISTRY``, the
same registry as JSON. Only alias names are read; the file is used only when it is the
user's own and nobody else may write it (local files are trusted like ssh's). When
kitaru.llm's registry module lands, ``alias_names`` should call it instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kitaru.completion.manifest_targets import read_regular

REGISTRY_FILE = "kitaru.yaml"
REGISTRY_ENV = "KITARU_MODEL_REGISTRY"


def config_dir(environ: Mapping[str, str] = os.environ) -> Path:
    explicit = environ.get("KITARU_CONFIG_PATH")
    if explicit:
        return Path(explicit).expanduser()
    from kitaru.store.server_config import zenml_config_dir

    return zenml_config_dir(environ)


def _own_and_private(path: Path) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None and info.st_uid != geteuid():
        return False
    return not stat.S_IMODE(info.st_mode) & 0o022


def _aliases(registry: Any) -> list[str]:
    """Alias names of a registry, whole (``{model_registry: {...}}``) or its inner part."""
    if not isinstance(registry, dict):
        return []
    inner = registry.get("model_registry", registry)
    aliases = inner.get("aliases") if isinstance(inner, dict) else None
    return [name for name in aliases if isinstance(name, str)] if isinstance(aliases, dict) else []


def alias_names(environ: Mapping[str, str] = os.environ) -> list[str]:
    names: list[str] = []
    path = config_dir(environ) / REGISTRY_FILE
    if _own_and_private(path):
        data = read_regular(str(path))
        if data is not None:
            import yaml

            with contextlib.suppress(yaml.YAMLError):
                names += _aliases(yaml.safe_load(data))
    extra = environ.get(REGISTRY_ENV)
    if extra:
        with contextlib.suppress(ValueError):
            names += _aliases(json.loads(extra))
    return names
