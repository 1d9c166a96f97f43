"""A throwaway MariaDB for tests and benchmarks: own data directory, loopback only.

Debian's ``mariadb-server`` supplies the binaries; this module never touches the
distro's service. ``MariaDB(root).start()`` creates a data directory under ``root``,
starts ``mariadbd`` bound to 127.0.0.1 on a free port (plus a unix socket in ``root``)
in its own process group, and makes one database and user for ZenML. ``stop()`` and
``kill()`` act on that PID only; ``start()`` again reuses the same data and port.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path

from tests.server.zenml_server import HOST, free_port

INSTALL = "apt-get update && apt-get install -y --no-install-recommends mariadb-server"
SKIP_REASON = f"MariaDB is not installed; enable these tests with: {INSTALL}"
START_TIMEOUT_S = 60.0
DATABASE = "zenml"
USER = "zenml"


def mariadbd_path() -> str | None:
    """The server binary, also where root's PATH lacks /usr/sbin."""
    return shutil.which("mariadbd") or next(
        (str(p) for p in (Path("/usr/sbin/mariadbd"),) if p.exists()), None
    )


def available() -> bool:
    return mariadbd_path() is not None and shutil.which("mariadb-install-db") is not None


class MariaDB:
    """One ``mariadbd`` process and its files under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.datadir = root / "data"
        self.socket = root / "mariadb.sock"
        self.log_path = root / "mariadb.log"
        self.password = secrets.token_hex(16)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def store_url(self) -> str:
        """What a ZenML server takes as ZENML_STORE_URL (ZenML adds ``+pymysql``)."""
        return f"mysql://{USER}:{self.password}@{HOST}:{self.port}/{DATABASE}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _install(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            subprocess.run(
                [
                    "mariadb-install-db",
                    "--no-defaults",
                    f"--datadir={self.datadir}",
                    "--user=root",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                check=True,
                timeout=120,
            )

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        """Start (installing the data directory the first time) and wait for queries."""
        first = not self.datadir.exists()
        if first:
            self._install()
        binary = mariadbd_path()
        assert binary is not None, SKIP_REASON
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    binary,
                    "--no-defaults",
                    f"--datadir={self.datadir}",
                    "--user=root",  # required when the caller is root (CI is)
                    f"--bind-address={HOST}",
                    f"--port={self.port}",
                    f"--socket={self.socket}",
                    f"--pid-file={self.root / 'mariadb.pid'}",
                    f"--log-error={self.log_path}",
                    "--skip-name-resolve",
                    "--innodb-buffer-pool-size=128M",
                    "--max-connections=500",  # two servers, each with a 40-connection pool
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            self._wait_ready(timeout)
            if first:
                self._create_database()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"mariadbd exited early:\n{self.log_tail()}")
            try:
                self.sql("SELECT 1")
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError(f"mariadbd not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def sql(self, statement: str, database: str | None = None) -> list[tuple[object, ...]]:
        """One statement as root over the unix socket; returns its rows (committed)."""
        return self._run(statement, database)[0]

    def execute(self, statement: str, database: str | None = None) -> int:
        """One statement as root; returns how many rows it changed (committed)."""
        return self._run(statement, database)[1]

    def _run(self, statement: str, database: str | None) -> tuple[list[tuple[object, ...]], int]:
        import pymysql

        connection = pymysql.connect(
            unix_socket=str(self.socket), user="root", database=database, connect_timeout=5
        )
        try:
            with connection.cursor() as cursor:
                changed = cursor.execute(statement)
                rows = list(cursor.fetchall())
            connection.commit()
            return rows, int(changed)
        finally:
            connection.close()

    def _create_database(self) -> None:
        self.sql(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
        self.sql(f"CREATE USER IF NOT EXISTS '{USER}'@'{HOST}' IDENTIFIED BY '{self.password}'")
        self.sql(f"GRANT ALL PRIVILEGES ON *.* TO '{USER}'@'{HOST}'")

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (a clean shutdown), then SIGKILL; by PID, never by name."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        """SIGKILL, as a crashed database host: InnoDB recovers on the next start."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
