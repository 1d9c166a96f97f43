"""A real ZenML server for tests: started on loopback, provisioned, stopped by PID.

The server runs as DESIGN.md describes (uvicorn, SQLite, its own HOME and config) in
its own process group, so nothing it spawns outlives ``stop()``. It runs on this
interpreter's zenml, or on another ZenML version installed in its own venv:
``KITARU_TEST_SERVER_PYTHON=/path/venv/bin/python`` (.ci/compat runs the REST contract
tests so against several server versions); that server is then provisioned by its own
ZenML client too.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"
API = "/api/v1"
START_TIMEOUT_S = 120.0
# The interpreter (and so the ZenML version) servers run on; read once, at import.
SERVER_PYTHON = os.environ.get("KITARU_TEST_SERVER_PYTHON") or sys.executable


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Identity:
    """Who a client is on the server: a user with a password, or a service account."""

    name: str
    password: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None, repr=False)

    def store_env(self, url: str) -> dict[str, str]:
        """The ZENML_STORE_* variables that make a client log in as this identity."""
        env = {"ZENML_STORE_URL": url}
        if self.api_key is not None:
            env["ZENML_STORE_API_KEY"] = self.api_key
        else:
            env["ZENML_STORE_USERNAME"] = self.name
            env["ZENML_STORE_PASSWORD"] = self.password or ""
        return env

    def login_form(self) -> dict[str, str]:
        if self.api_key is not None:
            return {"grant_type": "zenml-api-key", "password": self.api_key}
        return {"grant_type": "password", "username": self.name, "password": self.password or ""}


def _clean_environ() -> dict[str, str]:
    """The caller's environment without anything that would point ZenML elsewhere."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ZENML_", "KITARU_"))
    }


class ZenMLServer:
    """One ``uvicorn zenml.zen_server.zen_server_api:app`` process and its files."""

    def __init__(
        self,
        root: Path,
        port: int | None = None,
        store_url: str | None = None,
        admin: Identity | None = None,
        jwt_secret: str | None = None,
        extra_env: Mapping[str, str] | None = None,
        python: str | None = None,
    ) -> None:
        """SQLite in ``root`` unless ``store_url`` names another database; replicas of
        one deployment share the database, the admin and the JWT key."""
        self.python = python or SERVER_PYTHON
        self.root = root
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.store_url = store_url or f"sqlite:///{root / 'server.db'}"
        self.admin = admin or Identity("admin", password=secrets.token_urlsafe(16))
        self.jwt_secret = jwt_secret or secrets.token_hex(32)
        self.extra_env = dict(extra_env or {})
        self.log_path = root / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        root = self.root
        return {
            **_clean_environ(),
            "HOME": str(root / "home"),
            "ZENML_ANALYTICS_OPT_IN": "false",
            "ZENML_CONFIG_PATH": str(root / "server_cfg"),
            "ZENML_STORE_URL": self.store_url,
            "ZENML_SERVER_AUTO_ACTIVATE": "true",
            "ZENML_DEFAULT_USER_NAME": self.admin.name,
            "ZENML_DEFAULT_USER_PASSWORD": self.admin.password or "",
            "ZENML_SERVER_JWT_SECRET_KEY": self.jwt_secret,
            "ZENML_SERVER_DEPLOYMENT_TYPE": "other",
            "ZENML_LOGGING_VERBOSITY": "WARN",
            **self.extra_env,
        }

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        """Launch the server and return once ``GET /health`` answers."""
        (self.root / "home").mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    self.python,
                    "-m",
                    "uvicorn",
                    "zenml.zen_server.zen_server_api:app",
                    "--host",
                    HOST,
                    "--port",
                    str(self.port),
                ],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.root,
                start_new_session=True,
            )
        try:
            self._wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"ZenML server exited early:\n{self.log_tail()}")
            if self.healthy():
                return
            time.sleep(0.2)
        raise RuntimeError(f"ZenML server not healthy after {timeout:.0f} s:\n{self.log_tail()}")

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def requests_logged(self) -> int:
        """How many requests the server has answered so far (uvicorn's access log)."""
        text = self.log_path.read_text(errors="replace")
        return sum(1 for line in text.splitlines() if "uvicorn.access" in line)

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the server's process group by PID: SIGTERM, then SIGKILL."""
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

    def execute_sql(self, statement: str) -> int:
        """One statement on this server's SQLite database; how many rows it changed."""
        with closing(sqlite3.connect(self.root / "server.db", timeout=30)) as db, db:
            return db.execute(statement).rowcount

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown handlers run."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@contextmanager
def zenml_env(variables: Mapping[str, str]) -> Iterator[None]:
    """Point this process's ZenML client somewhere else for a while, then restore."""
    from tests.conftest import reset_zenml_singletons

    saved = {name: value for name, value in os.environ.items() if name.startswith("ZENML_")}
    saved_home = os.environ.get("HOME")
    for name in saved:
        del os.environ[name]
    os.environ.update(variables)
    reset_zenml_singletons()
    try:
        yield
    finally:
        for name in [n for n in os.environ if n.startswith("ZENML_")]:
            del os.environ[name]
        os.environ.update(saved)
        if saved_home is not None:
            os.environ["HOME"] = saved_home
        reset_zenml_singletons()


@dataclass(frozen=True)
class Identities:
    alice: Identity  # the default identity of every server test ("user A")
    bob: Identity  # a second user ("user B")
    robot: Identity  # a service account with an API key


PROVISION = """
import json, sys
from zenml.client import Client
spec = json.load(sys.stdin)
client = Client()
for name, password in spec["users"]:
    client.create_user(name, password=password)
account = client.create_service_account("ci-robot", description="kitaru tests")
print(json.dumps({"key": client.create_api_key(account.id, "ci-key").key}))
"""


def provision(server: ZenMLServer, workdir: Path) -> Identities:
    """As admin, through ZenML's own client (the server's own version of it when the
    server runs on another interpreter): two users and a service account with a key."""
    env = {
        **server.admin.store_env(server.url),
        "HOME": str(workdir / "home"),
        "ZENML_CONFIG_PATH": str(workdir / "admin_cfg"),
        "ZENML_ANALYTICS_OPT_IN": "false",
        "ZENML_LOGGING_VERBOSITY": "ERROR",
    }
    alice = Identity("alice", password=secrets.token_urlsafe(16))
    bob = Identity("bob", password=secrets.token_urlsafe(16))
    if server.python != sys.executable:
        users = [[user.name, user.password] for user in (alice, bob)]
        done = subprocess.run(
            [server.python, "-c", PROVISION],
            input=json.dumps({"users": users}),
            env={**_clean_environ(), **env},
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        key_text = json.loads(done.stdout.strip().splitlines()[-1])["key"]
        return Identities(alice=alice, bob=bob, robot=Identity("ci-robot", api_key=key_text))
    with zenml_env(env):
        from zenml.client import Client

        client = Client()
        for user in (alice, bob):
            client.create_user(user.name, password=user.password)
        account = client.create_service_account("ci-robot", description="kitaru tests")
        key = client.create_api_key(account.id, "ci-key")
        assert key.key is not None
    return Identities(alice=alice, bob=bob, robot=Identity("ci-robot", api_key=key.key))


class ServerApi:
    """ZenML's public REST API over httpx, for fast test housekeeping only."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url + API, timeout=30.0)
        self._tokens: dict[Identity, str] = {}

    def _token(self, who: Identity, fresh: bool = False) -> str:
        if fresh or who not in self._tokens:
            response = self.http.post("/login", data=who.login_form())
            # The server also sets a session cookie, which would win over the bearer
            # token of the next identity: keep only the token.
            self.http.cookies.clear()
            response.raise_for_status()
            self._tokens[who] = str(response.json()["access_token"])
        return self._tokens[who]

    def request(self, who: Identity, method: str, path: str, **kwargs: object) -> httpx.Response:
        for fresh in (False, True):
            headers = {"Authorization": f"Bearer {self._token(who, fresh)}"}
            response = self.http.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
            if response.status_code != 401:
                return response
        return response

    def secret_ids(self, who: Identity) -> list[str]:
        """Every secret ``who`` can see (one page is plenty for tests)."""
        response = self.request(who, "GET", "/secrets", params={"size": 1000})
        response.raise_for_status()
        return [str(item["id"]) for item in response.json()["items"]]

    def purge(self, who: Identity) -> int:
        """Delete everything ``who`` can see; returns how many secrets went."""
        ids = self.secret_ids(who)
        for secret_id in ids:
            response = self.request(who, "DELETE", f"/secrets/{secret_id}")
            if response.status_code not in (200, 204, 404):
                response.raise_for_status()
        return len(ids)

    def reconnect(self) -> None:
        """Drop pooled connections (after a server restart); tokens stay valid."""
        self.http.close()
        self.http = httpx.Client(base_url=self.url + API, timeout=30.0)

    def close(self) -> None:
        self.http.close()
