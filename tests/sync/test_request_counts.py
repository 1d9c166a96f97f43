"""Requests per command, counted (never timed): `list` is one request per page, a plan
of k declared secrets among N reads only those k, and a no-op apply writes nothing.

Counted twice: at the SecretStore seam (``CountingStore``, every store kind), and as
HTTP requests the REST store sends to the real server (its transport's ``round_trips``),
with a small page size so N secrets span several pages.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import kitaru
from kitaru.store import SecretStore, open_store, rest
from kitaru.sync.pipeline import run
from tests.conftest import Cli, KitaruEnv
from tests.server.fixtures import ServerSession
from tests.sync.stores import WRITES, CountingStore

N = 10  # secrets in the store
K = 3  # of which the manifest declares these
PAGE = 4


def fill(store: SecretStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """N secrets, the first K declared with the values they hold (a plan is a no-op)."""
    lines = ["version: 1", "secrets:"]
    for index in range(N):
        store.create(f"count-{index:02d}", {f"K{index}": f"v{index}"}, False)
        if index < K:
            lines += [f"  - name: count-{index:02d}", f"    keys: [K{index}]"]
            monkeypatch.setenv(f"K{index}", f"v{index}")
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


def test_store_calls_of_list_plan_and_apply(
    kitaru_env: KitaruEnv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    counting = CountingStore(open_store())
    manifest = fill(counting, monkeypatch, tmp_path)
    counting.take()
    assert len(kitaru.list_secrets(store=counting)) == N
    assert counting.take() == {"list_all": 1}
    assert len(kitaru.list_secrets(keys=True, store=counting)) == N
    assert counting.take() == {"list_all": 1, "get": N}
    planned = run(manifest, store=counting).plan
    assert not planned.has_changes and len(planned.unmanaged) == N - K
    assert counting.take() == {"list_all": 1, "get": K}
    applied = run(manifest, apply=True, store=counting).result
    assert applied is not None and applied.writes == 0
    assert counting.take() == {"list_all": 1, "get": K}
    monkeypatch.setenv("K1", "changed")
    changed = run(manifest, apply=True, store=counting).result
    assert changed is not None and changed.writes == 1
    calls = counting.take()
    assert sum(calls.get(name, 0) for name in WRITES) == calls["update"] == 1


@pytest.mark.server
@pytest.mark.parametrize("server_client", ["rest"], indirect=True)
def test_http_requests_of_list_plan_and_apply(
    server_session: ServerSession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cli = Cli()
    store = open_store()
    manifest = fill(store, monkeypatch, tmp_path)
    connection = store.rest.connection  # type: ignore[attr-defined]
    monkeypatch.setattr(rest, "PAGE_SIZE", PAGE)
    pages = math.ceil(N / PAGE)

    def requests(*args: str) -> int:
        before = connection.round_trips
        result = cli(*args)
        assert result.exit_code == 0, result.stdout + result.stderr
        return int(connection.round_trips - before)

    assert requests("secrets", "list") == pages
    assert requests("secrets", "list", "-o", "json") == pages
    assert requests("secrets", "list", "--keys", "-o", "json") == pages + N
    assert requests("secrets", "plan", "-f", str(manifest)) == pages + K
    assert requests("secrets", "apply", "-f", str(manifest)) == pages + K  # + 0 writes
    monkeypatch.setattr(rest, "PAGE_SIZE", rest.LIST_PAGE_SIZE)
    assert requests("secrets", "list") == 1  # ZenML's largest page holds 10,000
    listed = json.loads(cli("secrets", "list", "-o", "json").stdout)
    assert len(listed) == N
