"""The ZenML deployments tests and benchmarks run against, started and stopped by PID.

``sqlite``: one uvicorn server process on SQLite (DESIGN.md's recipe).

``mariadb``: production-shaped. A MariaDB of its own (tests/server/mariadb.py), migrated
once by a single process, then two uvicorn replicas on two loopback ports sharing that
database, the admin and the JWT key, behind a round-robin TCP proxy
(tests/server/proxy.py) as a load balancer would put them. Clients use the proxy's URL,
so their connections spread over both replicas; a test can kill one replica behind it
or restart the database under both.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.server import mariadb
from tests.server.zenml_server import HOST, Identity, ZenMLServer, free_port

REPO = Path(__file__).resolve().parents[2]
TOPOLOGIES = ("sqlite", "mariadb")
REPLICAS = 2


class Topology:
    """What clients see (one URL, one admin) and the processes behind it."""

    name = "sqlite"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.replicas = [ZenMLServer(root)]

    @property
    def url(self) -> str:
        return self.replicas[0].url

    @property
    def admin(self) -> Identity:
        return self.replicas[0].admin

    @property
    def running(self) -> bool:
        return all(replica.running for replica in self.replicas)

    def start(self) -> None:
        self.replicas[0].start()

    def ensure_running(self) -> None:
        """Bring back whatever a fault test left down (same ports, data and keys)."""
        for replica in self.replicas:
            if not replica.running:
                replica.start()

    def stop(self) -> None:
        for replica in self.replicas:
            replica.stop()

    def requests_logged(self) -> int:
        return sum(replica.requests_logged() for replica in self.replicas)

    def execute_sql(self, statement: str) -> int:
        """One statement on the server's own database, as its admin would; rows changed."""
        return self.replicas[0].execute_sql(statement)

    def drop_secrets_without_values(self) -> int:
        """Test isolation only: the rows a killed create leaves (listed, but unreadable
        and undeletable through any ZenML API)."""
        return self.execute_sql("DELETE FROM secret WHERE `values` IS NULL")


class Proxy:
    """``python -m tests.server.proxy`` in its own process group."""

    def __init__(self, root: Path, backends: list[int]) -> None:
        self.port = free_port()
        self.backends = backends
        self.log_path = root / "proxy.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 30.0) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.server.proxy", str(self.port)]
                + [str(port) for port in self.backends],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the test proxy did not start")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)


class MariaDBTopology(Topology):
    """MariaDB, migrated once, two server replicas, a round-robin proxy in front."""

    name = "mariadb"

    def __init__(self, root: Path, replicas: int = REPLICAS) -> None:
        self.root = root
        self.database = mariadb.MariaDB(root / "mariadb")
        first = ZenMLServer(root / "replica-0", store_url=self.database.store_url)
        self.replicas = [first] + [
            ZenMLServer(
                root / f"replica-{index}",
                store_url=self.database.store_url,
                admin=first.admin,
                jwt_secret=first.jwt_secret,
            )
            for index in range(1, replicas)
        ]
        for replica in self.replicas:
            # Migrated once below; a replica only checks the schema it finds.
            replica.extra_env["DISABLE_DATABASE_MIGRATION"] = "true"
        self.proxy = Proxy(root, [replica.port for replica in self.replicas])

    @property
    def url(self) -> str:
        return self.proxy.url

    @property
    def running(self) -> bool:
        return self.database.running and self.proxy.running and super().running

    def migrate(self) -> None:
        """One process creates the schema, default project and admin, then exits."""
        first = self.replicas[0]
        env = {**first.env(), "ZENML_LOGGING_VERBOSITY": "ERROR"}
        del env["DISABLE_DATABASE_MIGRATION"]
        (first.root / "home").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from zenml.zen_server.utils import initialize_zen_store; initialize_zen_store()",
            ],
            env=env,
            cwd=first.root,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            self.database.start()
            self.migrate()
            for replica in self.replicas:
                replica.root.mkdir(parents=True, exist_ok=True)
            with ThreadPoolExecutor(len(self.replicas)) as pool:
                list(pool.map(ZenMLServer.start, self.replicas))  # they start side by side
            self.proxy.start()
        except BaseException:
            self.stop()
            raise

    def ensure_running(self) -> None:
        if not self.database.running:
            self.database.start()
        super().ensure_running()
        if not self.proxy.running:
            self.proxy.start()

    def restart_database(self, down_s: float = 0.0) -> None:
        """SIGKILL mariadbd (a crashed database host), wait, start it on the same data."""
        self.database.kill()
        time.sleep(down_s)
        self.database.start()

    def stop(self) -> None:
        self.proxy.stop()
        super().stop()
        self.database.stop()

    def execute_sql(self, statement: str) -> int:
        return self.database.execute(statement, database=mariadb.DATABASE)


def make(name: str, root: Path) -> Topology:
    """An unstarted topology by name (one of TOPOLOGIES)."""
    if name == "mariadb":
        return MariaDBTopology(root)
    return Topology(root)
