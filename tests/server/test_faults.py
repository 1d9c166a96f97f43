"""Faults against a real server: unreachable, bad credentials, killed mid-apply."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import kitaru
import kitaru.store
from kitaru.errors import CredentialsError, SecretNotFoundError
from kitaru.store import StoredSecret, open_store
from kitaru.store.failures import VALUES_LOST_MESSAGE
from tests.conftest import PYTHON, Cli, all_output
from tests.server.endpoints import closing_port, silent_port, status_port
from tests.server.fixtures import MARIADB_TOO, ServerSession
from tests.server.zenml_server import HOST, Identity, free_port
from tests.sync.stores import CountingStore

LIMIT_S = 5.0
MANIFEST_ONE = "version: 1\nsecrets:\n  - name: app\n    keys: [APP_KEY]\n"
COMMANDS = [
    ["secrets", "list"],
    ["secrets", "show", "app"],
    ["secrets", "set", "app", "--APP_KEY=x"],
    ["secrets", "delete", "app"],
    ["secrets", "run", "app", "--", "true"],
    ["secrets", "export", "app"],
    ["secrets", "plan", "-f", "secrets.yaml"],
    ["secrets", "apply", "-f", "secrets.yaml"],
]


def run_cli(
    env: dict[str, str], *args: str, cwd: Path
) -> tuple[subprocess.CompletedProcess[str], float]:
    """The console script as a user runs it (ZenML's default log level), timed."""
    env = {**env, "APP_KEY": "from-env"}
    env.pop("ZENML_LOGGING_VERBOSITY", None)
    started = time.monotonic()
    result = subprocess.run(
        [PYTHON, "-c", "from kitaru.cli.main import main; main()", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result, time.monotonic() - started


def assert_one_line_unreachable(result: subprocess.CompletedProcess[str], port: int) -> None:
    """Exit 1 and one line on stderr that names the server (each store words the why)."""
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert f"http://{HOST}:{port}" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c[1:2]) for c in COMMANDS])
def test_unreachable_server_fails_in_one_line_within_5s(
    server_session: ServerSession, tmp_path: Path, args: list[str]
) -> None:
    (tmp_path / "secrets.yaml").write_text(MANIFEST_ONE)
    port = free_port()
    env = server_session.env_for(server_session.users.alice, url=f"http://{HOST}:{port}")
    result, elapsed = run_cli(env, *args, cwd=tmp_path)
    assert_one_line_unreachable(result, port)
    assert "refused" in result.stderr
    assert elapsed < LIMIT_S, f"took {elapsed:.2f} s"


BROKEN = {
    "silent host": silent_port,
    "server hangs up": closing_port,
    "proxy says 503": lambda: status_port(503),
}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_broken_server_fails_in_one_line_within_5s(
    server_session: ServerSession, tmp_path: Path, kind: str
) -> None:
    with BROKEN[kind]() as port:
        env = server_session.env_for(server_session.users.alice, url=f"http://{HOST}:{port}")
        result, elapsed = run_cli(env, "secrets", "list", cwd=tmp_path)
    assert_one_line_unreachable(result, port)
    assert elapsed < LIMIT_S, f"took {elapsed:.2f} s"


def test_server_from_zenml_config_file_is_checked_too(
    server_session: ServerSession, tmp_path: Path
) -> None:
    """`zenml login` keeps the URL in config.yaml, not in the environment."""
    port = free_port()
    env = server_session.env_for(server_session.users.alice)
    del env["ZENML_STORE_URL"]
    config_dir = Path(env["ZENML_CONFIG_PATH"])
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.yaml").write_text(f"store:\n  type: rest\n  url: http://{HOST}:{port}\n")
    result, elapsed = run_cli(env, "secrets", "list", cwd=tmp_path)
    assert_one_line_unreachable(result, port)
    assert elapsed < LIMIT_S, f"took {elapsed:.2f} s"


BAD_CREDENTIALS = {
    "wrong password": Identity("alice", password="not-her-password-3c1f"),
    "unknown user": Identity("mallory", password="whatever-9a7e"),
    "bogus api key": Identity("ci-robot", api_key="ZENKEY_bogus-key-77d1"),
}
REFUSED = (
    ": the ZenML server refused the configured credentials "
    "(check ZENML_STORE_USERNAME/ZENML_STORE_PASSWORD, ZENML_STORE_API_KEY or `zenml login`)"
)


def assert_refused(stderr: str) -> None:
    """One line: what kitaru was doing, then the same explanation."""
    assert stderr.startswith("Error: ") and stderr.endswith(REFUSED + "\n")
    assert len(stderr.splitlines()) == 1


@MARIADB_TOO
@pytest.mark.parametrize("who", BAD_CREDENTIALS.values(), ids=list(BAD_CREDENTIALS))
def test_bad_credentials_give_one_clear_line(
    server_session: ServerSession, cli: Cli, who: Identity
) -> None:
    server_session.use(who, connect=False)
    with pytest.raises(CredentialsError) as info:
        kitaru.list_secrets()
    assert_refused(f"Error: {info.value}\n")
    results = [cli("secrets", "list"), cli("secrets", "set", "x", "--A=1")]
    for result in results:
        assert result.exit_code == 1
        assert result.stdout == ""
        assert_refused(result.stderr)
    for secret in (who.password, who.api_key):
        assert secret is None or secret not in all_output(results)


def test_bad_credentials_in_a_real_process(server_session: ServerSession, tmp_path: Path) -> None:
    who = BAD_CREDENTIALS["wrong password"]
    result, _ = run_cli(server_session.env_for(who), "secrets", "list", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert_refused(result.stderr)


SECRETS = 50
KILL_AFTER = 10


class KillingStore(CountingStore):
    """The real store; ``fault`` (by default: SIGKILL the server) runs as the
    ``after``-th create returns."""

    def __init__(
        self,
        session: ServerSession,
        fault: Callable[[], object] | None = None,
        after: int = KILL_AFTER,
    ) -> None:
        super().__init__(open_store())
        self.fault = fault or session.running.server.kill
        self.after = after
        self.lock = threading.Lock()
        self.created = 0

    def create(self, name: str, values: object, private: bool) -> StoredSecret:  # type: ignore[override]
        created = super().create(name, values, private)  # type: ignore[arg-type]
        with self.lock:
            self.created += 1
            if self.created == self.after:
                self.fault()
        return created


def big_manifest(path: Path, count: int = SECRETS) -> dict[str, dict[str, str]]:
    """``count`` secrets of three keys each; returns the state the store must end in."""
    lines = ["version: 1", "secrets:"]
    expected = {}
    for index in range(count):
        keys = {f"K{index}_{part}": f"v{index}-{part}" for part in ("A", "B", "C")}
        lines += [f"  - name: fleet-{index:02d}", f"    keys: [{', '.join(keys)}]"]
        expected[f"fleet-{index:02d}"] = keys
    path.write_text("\n".join(lines) + "\n")
    return expected


def test_server_killed_mid_apply_reports_each_secret_and_rerun_converges(
    server_session: ServerSession, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = tmp_path / "secrets.yaml"
    expected = big_manifest(manifest)
    for keys in expected.values():
        for key, value in keys.items():
            monkeypatch.setenv(key, value)
    original = kitaru.store.open_store
    monkeypatch.setattr(kitaru.store, "open_store", lambda: KillingStore(server_session))
    started = time.monotonic()
    broken = cli("secrets", "apply", "-f", str(manifest), "-o", "json")
    elapsed = time.monotonic() - started
    assert broken.exit_code == 1
    assert not server_session.running.server.running
    outcomes = {s["name"]: s for s in json.loads(broken.stdout)["secrets"]}
    assert sorted(outcomes) == sorted(expected)
    statuses = [s["status"] for s in outcomes.values()]
    assert statuses.count("created") >= KILL_AFTER
    assert statuses.count("failed") >= SECRETS - KILL_AFTER - 8  # at most 8 were in flight
    assert set(statuses) == {"created", "failed"}
    for failed in (s for s in outcomes.values() if s["status"] == "failed"):
        assert failed["error"].startswith(f"creating secret '{failed['name']}': ")
        assert "\n" not in failed["error"]
    assert elapsed < 30, f"a dead server took {elapsed:.1f} s to report"
    assert "Traceback" not in broken.stderr

    monkeypatch.setattr(kitaru.store, "open_store", original)
    server_session.running.ensure_running()
    server_session.use(server_session.users.alice)
    rerun = cli("secrets", "apply", "-f", str(manifest), "-o", "json")
    rerun_outcomes = {s["name"]: s for s in json.loads(rerun.stdout)["secrets"]}
    # ZenML commits a new secret's row before its values: a create cut in between
    # leaves a secret no API can read, fix or delete. kitaru must name each one, plan
    # it as orphaned (test_orphans.py: the remedy) and not try to write it.
    lost = sorted(n for n, s in rerun_outcomes.items() if s["status"] == "failed")
    for name in lost:
        assert rerun_outcomes[name]["action"] == "blocked"
        assert rerun_outcomes[name]["error"].startswith(f"not written: {VALUES_LOST_MESSAGE}")
    assert rerun.exit_code == (1 if lost else 0), rerun.stdout + rerun.stderr
    assert state_readable_by_kitaru() == {n: v for n, v in expected.items() if n not in lost}
    settled = cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode")
    assert settled.exit_code == (2 if lost else 0), settled.stdout
    for keys in expected.values():
        assert all(value not in all_output([broken, rerun, settled]) for value in keys.values())
    print(
        f"dead server reported in {elapsed:.2f} s; {len(lost)} secret(s) left without values "
        f"by ZenML: {lost}",
        file=sys.stderr,
    )


def state_readable_by_kitaru() -> dict[str, dict[str, str | None]]:
    store = open_store()
    state = {}
    for ref in store.list_all():
        try:
            state[ref.name] = dict(store.get(ref.id).values)
        except SecretNotFoundError:
            continue
    return state
