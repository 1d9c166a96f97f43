"""Pytest plugin: real ZenML servers per session, a clean view of one per test.

Registered from tests/conftest.py, so the parametrized ``kitaru_env`` can hand any test
the ``server`` store. Each test starts with no secret visible to any test identity
(deleted through the REST API, which takes milliseconds) and a fresh ZenML config
directory per identity, so tokens and settings never leak between tests.

Tests run on the SQLite server; those marked ``@pytest.mark.topologies("sqlite",
"mariadb")`` also on MariaDB behind two server replicas (tests/server/topology.py),
each topology started once per session on first use.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kitaru.store import close_open_stores
from tests.conftest import KitaruEnv, isolation_env, reset_zenml_singletons
from tests.server import mariadb
from tests.server.topology import Topology
from tests.server.topology import make as make_topology
from tests.server.zenml_server import Identities, Identity, ServerApi, ZenMLServer, provision

# kitaru's two ways to a server: ZenML's Python client, and kitaru's own REST store.
CLIENTS = ("zenml", "rest")
# For the tests worth doubling (each MariaDB run costs what the SQLite one does).
MARIADB_TOO = pytest.mark.topologies("sqlite", "mariadb")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "server: runs against the real ZenML server (deselect with -m 'not server')"
    )
    config.addinivalue_line(
        "markers",
        "topologies(*names): run against each named server topology "
        "(tests/server/topology.py; default: sqlite only)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that asks for the server itself runs through both clients (unless it
    names its client with ``@pytest.mark.parametrize("server_client", ..., indirect=True)``),
    and against each topology its ``topologies`` marker names."""
    pinned = any(
        "server_client" in str(marker.args[0])
        for marker in metafunc.definition.iter_markers("parametrize")
    )
    if "server_client" in metafunc.fixturenames and not pinned:
        metafunc.parametrize("server_client", CLIENTS, indirect=True)
    marker = metafunc.definition.get_closest_marker("topologies")
    if marker is not None and "server_topology" in metafunc.fixturenames:
        metafunc.parametrize("server_topology", marker.args, indirect=True, scope="function")


@pytest.fixture
def server_client(request: pytest.FixtureRequest) -> str:
    """Which client kitaru uses; ``kitaru_env[server-rest]`` picks the REST store."""
    if hasattr(request, "param"):
        return str(request.param)
    callspec = getattr(request.node, "callspec", None)
    chosen = callspec.params.get("kitaru_env") if callspec is not None else None
    return "rest" if chosen == "server-rest" else "zenml"


@dataclass
class RunningServer:
    """What the session fixtures hand out: the topology, its users and a REST helper."""

    topology: Topology
    users: Identities
    api: ServerApi

    @property
    def server(self) -> ZenMLServer:
        """The first (for sqlite, the only) server process."""
        return self.topology.replicas[0]

    @property
    def url(self) -> str:
        return self.topology.url

    @property
    def everyone(self) -> tuple[Identity, ...]:
        return (self.users.alice, self.users.bob, self.users.robot)

    def clean(self) -> None:
        """No secret left that any test identity can see."""
        for who in self.everyone:
            self.api.purge(who)
        if any(self.api.secret_ids(who) for who in self.everyone):
            self.topology.drop_secrets_without_values()
            for who in self.everyone:
                assert not self.api.secret_ids(who), f"{who.name} still sees secrets"

    def ensure_running(self) -> None:
        """Restart (same ports, database and keys) whatever a fault test left down."""
        if not self.topology.running:
            self.topology.ensure_running()
            self.api.reconnect()


def started(name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A topology started and provisioned; stopped by PID afterwards, also on failures."""
    root = tmp_path_factory.mktemp(f"zenml-{name}")
    topology = make_topology(name, root)
    atexit.register(topology.stop)  # also when pytest is interrupted mid-setup
    api: ServerApi | None = None
    try:
        topology.start()
        users = provision(topology.replicas[0], root)
        api = ServerApi(topology.url)
        yield RunningServer(topology=topology, users=users, api=api)
    finally:
        if api is not None:
            api.close()
        topology.stop()


@pytest.fixture(scope="session")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """One uvicorn process on SQLite, started once (10-15 s)."""
    yield from started("sqlite", tmp_path_factory)


@pytest.fixture(scope="session")
def mariadb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """MariaDB, two server replicas and a proxy, started once (~20 s); skipped, with the
    command that enables it, where MariaDB is not installed."""
    if not mariadb.available():
        pytest.skip(mariadb.SKIP_REASON)
    yield from started("mariadb", tmp_path_factory)


@pytest.fixture
def server_topology(request: pytest.FixtureRequest) -> str:
    """Which topology this test runs against (see the ``topologies`` marker)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def zenml_server(request: pytest.FixtureRequest, server_topology: str) -> RunningServer:
    """The session's running topology this test asked for."""
    running: RunningServer = request.getfixturevalue(f"{server_topology}_server")
    return running


@dataclass
class ServerSession:
    """One test's view of the server: switch identities in-process or hand out envs."""

    running: RunningServer
    root: Path
    monkeypatch: pytest.MonkeyPatch
    client: str = "zenml"  # one of CLIENTS
    kitaru_env: KitaruEnv = field(init=False)

    @property
    def users(self) -> Identities:
        return self.running.users

    @property
    def url(self) -> str:
        return self.running.url

    def env_for(self, who: Identity, url: str | None = None) -> dict[str, str]:
        """A full environment for a subprocess acting as ``who`` (own config dir)."""
        base = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("ZENML_STORE_", "KITARU_"))
        }
        return {
            **base,
            **isolation_env(self.root / who.name),
            **who.store_env(url or self.url),
            **({"KITARU_STORE_CLIENT": "zenml"} if self.client == "zenml" else {}),
        }

    def use(self, who: Identity, url: str | None = None, connect: bool = True) -> None:
        """Make this process's ZenML client (and so kitaru's SDK and CLI) act as ``who``."""
        env = self.env_for(who, url)
        for name in list(os.environ):
            if name.startswith(("ZENML_STORE_", "KITARU_")) and name not in env:
                self.monkeypatch.delenv(name)
        for name, value in env.items():
            if os.environ.get(name) != value:
                self.monkeypatch.setenv(name, value)
        reset_zenml_singletons()
        if connect and self.client == "zenml":
            from zenml.client import Client

            Client().zen_store  # noqa: B018 - log in now, not inside a CliRunner capture


@pytest.fixture
def server_session(
    zenml_server: RunningServer,
    server_client: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ServerSession]:
    """Nothing visible to any test identity; this process acting as alice."""
    zenml_server.ensure_running()
    zenml_server.clean()
    root = tmp_path / "zenml"
    root.mkdir()
    session = ServerSession(
        running=zenml_server, root=root, monkeypatch=monkeypatch, client=server_client
    )
    session.use(zenml_server.users.alice)
    session.kitaru_env = KitaruEnv(root=root, env={**os.environ})
    yield session
    reset_zenml_singletons()
    close_open_stores()


@pytest.fixture
def server_store(server_session: ServerSession) -> KitaruEnv:
    """The ``server`` case of ``kitaru_env``: user A on the shared session server."""
    return server_session.kitaru_env
