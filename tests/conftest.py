"""Shared fixtures: a real embedded ZenML store per test, isolated by env and singletons.

A fresh store costs seconds, so one is made per session (in a subprocess, keeping this
process clean) and each test gets a copy of its database file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner, Result

pytest_plugins = [
    "pytester",  # tests/test_isolation.py runs sessions of its own
    "tests.isolation",  # no process state leaks from one test to the next
    "tests.server.fixtures",  # the real ZenML server behind kitaru_env[server]
]

# No property test is timed: the first example of a test pays for whatever an earlier test
# did not import yet, and a busy machine slows any of them (hypothesis's default deadline
# made a test fail in some orders only). On top of hypothesis's own choice (its CI profile).
settings.register_profile(
    "kitaru",
    parent=settings.default,
    deadline=None,
    suppress_health_check=[*settings.default.suppress_health_check, HealthCheck.too_slow],
)
settings.load_profile("kitaru")

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_RELATIVE = Path("stores") / "default_zen_store" / "zenml.db"


def isolation_env(root: Path) -> dict[str, str]:
    return {
        "HOME": str(root / "home"),
        "ZENML_CONFIG_PATH": str(root / "cfg"),
        "ZENML_LOCAL_STORES_PATH": str(root / "stores"),
        "ZENML_REPOSITORY_PATH": str(root),
        "ZENML_ANALYTICS_OPT_IN": "false",
        "ZENML_LOGGING_VERBOSITY": "WARN",
        "ZENML_ENABLE_RICH_TRACEBACK": "false",
        "NO_COLOR": "1",
    }


def reset_zenml_singletons() -> None:
    """Forget ZenML's cached config, client and credentials (test isolation only)."""
    if "zenml" not in sys.modules:
        return
    from zenml.client import Client
    from zenml.config.global_config import GlobalConfiguration
    from zenml.login.credentials_store import CredentialsStore
    from zenml.stack import stack

    GlobalConfiguration._reset_instance()
    Client._reset_instance()
    CredentialsStore._clear()
    # Stacks are cached by (id, updated); every test store is a copy of one template, so
    # a cached stack would write the next test's artifacts under the previous test's root.
    stack._STACK_CACHE.clear()


@dataclass
class KitaruEnv:
    """One isolated store: apply its env in-process, or hand ``env`` to a subprocess."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    def run(
        self, *args: str, input: str | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """The real `kitaru` console script in a subprocess (pays ZenML's start-up)."""
        return subprocess.run(
            [PYTHON, "-c", "from kitaru.cli.main import main; main()", *args],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
        )


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("zenml-template")
    env = {**os.environ, **isolation_env(root)}
    subprocess.run(
        [PYTHON, "-c", "from zenml.client import Client; Client().zen_store"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root / DB_RELATIVE


@pytest.fixture
def embedded_store(
    tmp_path: Path, store_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[KitaruEnv]:
    """A private copy of an empty embedded store, active in this process."""
    root = tmp_path / "zenml"
    db = root / DB_RELATIVE
    db.parent.mkdir(parents=True)
    shutil.copyfile(store_template, db)
    variables = isolation_env(root)
    for name in list(os.environ):
        if name.startswith("ZENML_STORE_") or name.startswith("KITARU_"):
            monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    reset_zenml_singletons()
    yield KitaruEnv(root=root, env={**os.environ})
    reset_zenml_singletons()


@pytest.fixture(
    params=[
        "embedded",
        pytest.param("server", marks=pytest.mark.server),
        pytest.param("server-rest", marks=pytest.mark.server),
    ]
)
def kitaru_env(request: pytest.FixtureRequest) -> KitaruEnv:
    """The store under test: an embedded store, then a real ZenML server (tests/server)
    through ZenML's client and through kitaru's REST store (``server_client``)."""
    kind = "server" if request.param.startswith("server") else request.param
    store: KitaruEnv = request.getfixturevalue(f"{kind}_store")
    return store


class Cli:
    """The typer app in-process, with stdout and stderr kept apart."""

    def __init__(self) -> None:
        from kitaru.cli.app import app

        self.app = app
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(self.app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def cli(kitaru_env: KitaruEnv) -> Cli:
    return Cli()


def all_output(results: Sequence[Result | subprocess.CompletedProcess[str]]) -> str:
    """Everything a user could have seen, for canary checks."""
    chunks = []
    for result in results:
        chunks.append(result.stdout or "")
        chunks.append(result.stderr or "")
    return "\n".join(chunks)
