"""Lazy package attributes (PEP 562): a name's module loads on first use, not on import.

``import kitaru`` stays cheap because the SDK (and through it pydantic and zenml) only
loads when one of its names is first looked up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping
from importlib import import_module
from types import ModuleType
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: each name in ``exports`` is taken
    from its module when first asked for, then kept in the package's namespace."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        vars(sys.modules[package])[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted([*vars(sys.modules[package]), *exports])

    return __getattr__, __dir__


def keep_over_submodules(package: str, names: Collection[str]) -> None:
    """Let ``names`` stay the package's exports when submodules of the same names load.

    Importing ``package.plan`` sets the attribute ``plan`` on the package to that module;
    for a name that is also a lazy export (a function named like its module) the export
    must win, whichever is imported first.
    """
    guarded = frozenset(names)

    class _Package(ModuleType):
        def __setattr__(self, name: str, value: Any) -> None:
            if name in guarded and isinstance(value, ModuleType):
                return
            super().__setattr__(name, value)

    sys.modules[package].__class__ = _Package
