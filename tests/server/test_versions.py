"""kitaru against ZenML servers of other versions than the suite's own.

The default suite runs these on its own server (the newest ZenML); ``.ci/compat`` runs
them, with the REST contract tests, against servers of older versions
(``KITARU_TEST_SERVER_PYTHON``), and the refusal against a server below the range
(``KITARU_TEST_OLD_SERVER_PYTHON``: ZenML 0.75.1 in its own venv).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

import kitaru
from kitaru.errors import SecretOwnerError
from kitaru.store import compat, open_store
from tests.conftest import PYTHON, Cli, isolation_env
from tests.server.fixtures import ServerSession
from tests.server.zenml_server import API, Identity, ZenMLServer

OLD_SERVER_PYTHON = os.environ.get("KITARU_TEST_OLD_SERVER_PYTHON")
CANARY = "owner-canary-5e0d"

pytestmark = pytest.mark.server


def server_version(url: str) -> str:
    return str(httpx.get(f"{url}{API}/info", timeout=10).json()["version"])


@pytest.mark.parametrize("server_client", ["rest"], indirect=True)
def test_your_own_public_secret_is_yours_on_every_server(server_session: ServerSession) -> None:
    """The owner comes as ``body.user`` before 0.83 and ``body.user_id`` after: either
    way `set --private` updates your own public secret (it stays public) and refuses
    another user's; a listing and a read name you as the creator."""
    assert compat.server_supported(server_version(server_session.url))
    cli = Cli()
    assert cli("secrets", "set", "owned", "--K=public-placeholder").exit_code == 0
    updated = cli("secrets", "set", "owned", "--private", f"--K={CANARY}")
    assert updated.exit_code == 0, updated.stderr
    store = open_store()
    me = store.current_user_id()
    (ref,) = [r for r in store.list_all() if r.name == "owned"]
    assert me is not None and ref.user_id == me and not ref.private
    assert store.get(ref.id).user_id == me and store.get(ref.id).values == {"K": CANARY}

    server_session.use(server_session.users.bob)
    with pytest.raises(SecretOwnerError, match="created by another user"):
        kitaru.set_secret("owned", {"K": "bob-placeholder"}, private=True)
    refused = Cli()("secrets", "set", "owned", "--private", "--K=bob-placeholder")
    assert refused.exit_code == 1 and "created by another user" in refused.stderr


@pytest.fixture(scope="module")
def old_server(tmp_path_factory: pytest.TempPathFactory) -> ZenMLServer:
    if not OLD_SERVER_PYTHON:
        pytest.skip("set KITARU_TEST_OLD_SERVER_PYTHON to a venv's python with zenml[server]<0.80")
    server = ZenMLServer(tmp_path_factory.mktemp("old-server"), python=OLD_SERVER_PYTHON)
    server.start()
    yield server  # type: ignore[misc]
    server.stop()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_server_below_the_range_is_refused_in_one_line(
    old_server: ZenMLServer, tmp_path: Path
) -> None:
    """A real server older than the range (0.75.1): the real `kitaru` process exits 1
    with one line naming its version and the range, through the REST store and ZenML's
    client alike, and the user's ZenML config is left exactly as it was."""
    version = server_version(old_server.url)
    assert not compat.server_supported(version)
    admin = Identity(old_server.admin.name, password=old_server.admin.password)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ZENML_", "KITARU_"))},
        **isolation_env(tmp_path),
        **admin.store_env(old_server.url),
    }
    config_dir = Path(env["ZENML_CONFIG_PATH"])
    config_dir.mkdir(parents=True)
    (config_dir / "config.yaml").write_text(f"version: {version}\n")  # the user's own ZenML
    before = _files(config_dir)
    expected = (
        f"Error: the ZenML server at {old_server.url} runs version {version}; "
        f"kitaru supports ZenML servers {compat.server_range_text()}"
    )
    for client in ("auto", "zenml"):
        for command in (["secrets", "list", "-o", "json"], ["secrets", "set", "x", "--K=v"]):
            result = subprocess.run(
                [PYTHON, "-c", "from kitaru.cli.main import main; main()", *command],
                env={**env, "KITARU_STORE_CLIENT": client},
                capture_output=True,
                text=True,
                timeout=120,
                cwd=tmp_path,
            )
            shown = (result.returncode, result.stdout, result.stderr.splitlines())
            assert shown == (1, "", [expected]), (client, command)
    assert _files(config_dir) == before
    assert list(before) == [str(config_dir / "config.yaml")]  # and nothing was added
