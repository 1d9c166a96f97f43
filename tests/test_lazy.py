"""Lazy package attributes: loaded on first use, and not replaced by same-named submodules."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from kitaru.lazy import keep_over_submodules, lazy_exports


@pytest.fixture
def package() -> Iterator[ModuleType]:
    module = ModuleType("lazy_probe_pkg")
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def test_exports_load_on_first_use_and_stay(package: ModuleType) -> None:
    getattr_, dir_ = lazy_exports(package.__name__, {"dedent": "textwrap"})
    package.__getattr__ = getattr_  # type: ignore[method-assign]
    package.__dir__ = dir_  # type: ignore[method-assign]
    assert "dedent" not in vars(package)
    assert "dedent" in dir(package)
    from textwrap import dedent

    assert package.dedent is dedent
    assert vars(package)["dedent"] is dedent
    with pytest.raises(AttributeError, match="module 'lazy_probe_pkg' has no attribute 'nope'"):
        _ = package.nope


def test_guarded_names_ignore_modules_only(package: ModuleType) -> None:
    keep_over_submodules(package.__name__, ["plan"])
    package.plan = sys  # what importing `lazy_probe_pkg.plan` does
    assert "plan" not in vars(package)
    package.plan = len
    assert vars(package)["plan"] is len
    package.other = sys
    assert vars(package)["other"] is sys


SYNC_PROBE = """
import sys, types
import kitaru.checks.validate
loaded = sorted(m for m in ("kitaru.sync.plan", "kitaru.sync.apply", "kitaru.sync.pipeline")
                if m in sys.modules)
assert not loaded, loaded
import kitaru.sync.plan, kitaru.sync.apply  # the submodules first, then the functions
from kitaru.sync import apply, plan
assert plan.__module__ == apply.__module__ == "kitaru.sync.pipeline", (plan, apply)
assert "pydantic" not in sys.modules and "zenml" not in sys.modules
print("ok")
"""


def test_sync_package_loads_plan_and_apply_lazily() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SYNC_PROBE], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "ok", result.stderr
