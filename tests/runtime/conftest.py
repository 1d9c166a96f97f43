"""Isolation that pipeline runs need on top of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import KitaruEnv


def clear_stack_cache() -> None:
    """ZenML caches Stack objects by (id, updated) in-process (test isolation only).

    Every test's store is a copy of one template, so without this the second test's
    run writes its artifacts and logs under the first test's directory.
    """
    from zenml.stack import stack

    stack._STACK_CACHE.clear()


@pytest.fixture
def kitaru_env(kitaru_env: KitaruEnv) -> Iterator[KitaruEnv]:
    clear_stack_cache()
    yield kitaru_env
    clear_stack_cache()


@pytest.fixture
def flow_env(embedded_store: KitaruEnv) -> Iterator[KitaruEnv]:
    """For pipeline runs, which cost seconds each: the embedded store only."""
    clear_stack_cache()
    yield embedded_store
    clear_stack_cache()
