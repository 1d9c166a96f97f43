"""Everything under tests/server runs against the real server only."""

from __future__ import annotations

import pytest

from tests.conftest import KitaruEnv


@pytest.fixture
def kitaru_env(server_store: KitaruEnv) -> KitaruEnv:
    """Overrides the parametrized root fixture: these tests are about the server."""
    return server_store
