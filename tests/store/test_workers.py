"""KITARU_WORKERS: one limit for both server clients, checked before any request."""

from __future__ import annotations

import pytest

from kitaru.errors import UsageError
from kitaru.store.rest_auth import ServerConnection
from kitaru.store.server_config import ServerConfig
from kitaru.store.workers import DEFAULT_WORKERS, MAX_WORKERS, WORKERS_ENV, remote_workers


@pytest.mark.parametrize(
    ("raw", "expected"), [("", 8), ("  ", 8), ("1", 1), ("32", 32), (" 4 ", 4)]
)
def test_accepted_values(raw: str, expected: int) -> None:
    assert remote_workers({WORKERS_ENV: raw}) == expected


def test_default_when_unset() -> None:
    assert remote_workers({}) == DEFAULT_WORKERS == 8


@pytest.mark.parametrize("raw", ["0", "33", "-1", "2.5", "eight", "1e3", "٣"])
def test_bad_values_are_one_line_usage_errors(raw: str) -> None:
    with pytest.raises(UsageError) as caught:
        remote_workers({WORKERS_ENV: raw})
    message = str(caught.value)
    assert "\n" not in message and WORKERS_ENV in message and str(MAX_WORKERS) in message
    assert caught.value.exit_code == 2


def test_rest_connection_takes_the_limit_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(WORKERS_ENV, "3")
    connection = ServerConnection(ServerConfig(url="http://127.0.0.1:9"))
    assert connection.workers == 3
    client = connection.transport._http()
    assert client._transport._pool._max_connections == 3  # type: ignore[attr-defined]
    connection.close()
