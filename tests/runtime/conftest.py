"""Pipeline runs cost seconds each: they use the embedded store only."""

from __future__ import annotations

import pytest

from tests.conftest import KitaruEnv


@pytest.fixture
def flow_env(embedded_store: KitaruEnv) -> KitaruEnv:
    return embedded_store
