"""The REST store of one identity on the test server, as the REST store tests build it."""

from __future__ import annotations

from kitaru.store.rest import RestSecretStore
from kitaru.store.rest_auth import ServerConnection
from kitaru.store.server_config import ServerConfig, read_server_config
from tests.server.fixtures import ServerSession
from tests.server.zenml_server import Identity

REFUSED = (
    "the ZenML server refused the configured credentials "
    "(check ZENML_STORE_USERNAME/ZENML_STORE_PASSWORD, ZENML_STORE_API_KEY or `zenml login`)"
)


def config_of(session: ServerSession, who: Identity) -> ServerConfig:
    config = read_server_config(session.env_for(who))
    assert config is not None
    return config


def store_of(session: ServerSession, who: Identity) -> RestSecretStore:
    return RestSecretStore(ServerConnection(config_of(session, who)))
