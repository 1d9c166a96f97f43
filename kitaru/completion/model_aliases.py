"""Model alias names for `kitaru model ... ALIAS`, from the registry kitaru.llm reads.

The file's aliases and ``KITARU_MODEL_REGISTRY``'s are read apart, so a broken one still
offers the other's; a registry kitaru.llm would refuse (another user's file, one others
may write, bad YAML) offers nothing. Only names are returned, never a model or secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def alias_names(environ: Mapping[str, str] = os.environ) -> list[str]:
    from kitaru.llm.registry import environment_registry, file_registry

    names: set[str] = set()
    for read in (file_registry, environment_registry):
        try:
            registry = read(environ)
        except Exception:  # a completion never reports: `kitaru model list` explains it
            continue
        if registry is not None:
            names.update(registry.aliases)
    return sorted(names)
