"""Pytest plugin: one real ZenML server per session, a clean view of it per test.

Registered from tests/conftest.py, so the parametrized ``kitaru_env`` can hand any test
the ``server`` store. Each test starts with no secret visible to any test identity
(deleted through the REST API, which takes milliseconds) and a fresh ZenML config
directory per identity, so tokens and settings never leak between tests.
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
from tests.server.zenml_server import Identities, Identity, ServerApi, ZenMLServer, provision

# kitaru's two ways to a server: ZenML's Python client, and kitaru's own REST store.
CLIENTS = ("zenml", "rest")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "server: runs against the real ZenML server (deselect with -m 'not server')"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that asks for the server itself runs through both clients (unless it
    names its client with ``@pytest.mark.parametrize("server_client", ..., indirect=True)``)."""
    pinned = any(
        "server_client" in str(marker.args[0])
        for marker in metafunc.definition.iter_markers("parametrize")
    )
    if "server_client" in metafunc.fixturenames and not pinned:
        metafunc.parametrize("server_client", CLIENTS, indirect=True)


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
    """What the session fixture hands out: the process, its users and a REST helper."""

    server: ZenMLServer
    users: Identities
    api: ServerApi

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def everyone(self) -> tuple[Identity, ...]:
        return (self.users.alice, self.users.bob, self.users.robot)

    def clean(self) -> None:
        """No secret left that any test identity can see."""
        for who in self.everyone:
            self.api.purge(who)
        if any(self.api.secret_ids(who) for who in self.everyone):
            self.server.drop_secrets_without_values()
            for who in self.everyone:
                assert not self.api.secret_ids(who), f"{who.name} still sees secrets"

    def ensure_running(self) -> None:
        """Restart (same port, database and keys) if a fault test left it down."""
        if not self.server.running:
            self.server.start()
            self.api.reconnect()


@pytest.fixture(scope="session")
def zenml_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Started once (10-15 s); stopped by PID at session end, also after failures."""
    root = tmp_path_factory.mktemp("zenml-server")
    server = ZenMLServer(root)
    atexit.register(server.stop)  # also when pytest is interrupted mid-setup
    server.start()
    api: ServerApi | None = None
    try:
        users = provision(server, root)
        api = ServerApi(server.url)
        yield RunningServer(server=server, users=users, api=api)
    finally:
        if api is not None:
            api.close()
        server.stop()


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
