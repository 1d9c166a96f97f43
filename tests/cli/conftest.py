"""Fixtures the CLI tests share."""

from __future__ import annotations

import pytest

from kitaru.store import open_store
from tests.conftest import Cli


@pytest.fixture
def store_cli(kitaru_env: object, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The in-process CLI on ``kitaru_env``'s store, opened once outside the CliRunner
    (ZenML binds its log stream to the stdout current at its first import, and its
    first-run notice is not kitaru's output), outside a GitHub runner."""
    open_store().list_all()
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return Cli()
