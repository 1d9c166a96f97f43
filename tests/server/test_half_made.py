"""Documents ZenML 0.98's half-made secret on MariaDB behind two replicas.

``SqlZenStore._create_secret_schema`` commits the new ``secret`` row, then stores its
values in a second transaction (``SqlSecretsStore.store_secret_values``). A create cut
between the two (its replica SIGKILLed, or the database gone: ZenML's clean-up delete
then fails too) leaves a row whose ``values`` is NULL. Every replica lists it, while
get, update and delete answer 404 because the values lookup fails first, and a new
create of the name is refused: no API call can repair or remove it.

The test holds the values write with a trigger so the cut lands exactly between the two
commits, then records what the API and kitaru answer. If ZenML ever writes row and
values in one transaction, the row is not there and the first assertion says so.
"""

from __future__ import annotations

import contextlib
import threading
import time

import httpx
import pytest

from kitaru.store.failures import VALUES_LOST_MESSAGE
from tests.conftest import Cli
from tests.server.fixtures import ServerSession
from tests.server.mariadb import DATABASE
from tests.server.topology import MariaDBTopology
from tests.server.zenml_server import ServerApi

pytestmark = pytest.mark.topologies("mariadb")

NAME = "half-made"
HOLD = (
    "CREATE TRIGGER kitaru_hold_values BEFORE UPDATE ON secret FOR EACH ROW "
    f"SET @held = IF(OLD.name = '{NAME}' AND OLD.`values` IS NULL, SLEEP(60), 0)"
)


def wait_for(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("cut", ["replica killed", "database killed"])
@pytest.mark.parametrize("server_client", ["rest"], indirect=True)  # raw API below
def test_a_create_cut_between_row_and_values_leaves_a_secret_no_api_can_fix(
    server_session: ServerSession, cli: Cli, cut: str
) -> None:
    topology = server_session.running.topology
    assert isinstance(topology, MariaDBTopology)
    database = topology.database
    writer, survivor = topology.replicas
    alice = server_session.users.alice
    database.sql(HOLD, database=DATABASE)
    try:
        creator = ServerApi(writer.url)

        def create() -> None:
            with contextlib.suppress(httpx.HTTPError):  # its server or database dies
                creator.request(
                    alice, "POST", "/secrets", json={"name": NAME, "values": {"K": "v"}}
                )

        thread = threading.Thread(target=create, daemon=True)
        thread.start()
        held = "SELECT id FROM information_schema.processlist WHERE state = 'User sleep'"
        wait_for(lambda: database.sql(held))
        rows = database.sql(f"SELECT `values` IS NULL FROM secret WHERE name = '{NAME}'", DATABASE)
        assert rows == [(1,)], "the row is committed while its values are still being written"
        if cut == "replica killed":
            writer.kill()
            for (connection,) in database.sql(held):
                database.sql(f"KILL {connection}")  # as MariaDB does once it sees the hang-up
        else:
            topology.restart_database()
        thread.join(60)
    finally:
        database.sql("DROP TRIGGER IF EXISTS kitaru_hold_values", database=DATABASE)
        creator.close()

    rows = database.sql(f"SELECT `values` IS NULL FROM secret WHERE name = '{NAME}'", DATABASE)
    assert rows == [(1,)], f"after '{cut}' the row stays, without values"
    api = ServerApi(survivor.url)
    try:
        listed = api.request(alice, "GET", "/secrets", params={"name": NAME}).json()["items"]
        assert [item["name"] for item in listed] == [NAME]  # every replica lists it
        secret_id = listed[0]["id"]
        answers = {
            "get": api.request(alice, "GET", f"/secrets/{secret_id}").status_code,
            "update": api.request(
                alice, "PUT", f"/secrets/{secret_id}", json={"values": {"K": "w"}}
            ).status_code,
            "delete": api.request(alice, "DELETE", f"/secrets/{secret_id}").status_code,
            "create again": api.request(
                alice, "POST", "/secrets", json={"name": NAME, "values": {"K": "w"}}
            ).status_code,
        }
    finally:
        api.close()
    assert answers == {"get": 404, "update": 404, "delete": 404, "create again": 409}, answers

    # kitaru names it for what it is, and never claims to have fixed it.
    server_session.use(alice)
    shown = cli("secrets", "show", NAME)
    assert shown.exit_code == 1 and VALUES_LOST_MESSAGE in shown.stderr, shown.stderr
    deleted = cli("secrets", "delete", NAME)
    assert deleted.exit_code == 1, deleted.stdout + deleted.stderr
