"""Secret names that differ only in case: one database keeps both, the other refuses.

ZenML 0.98 compares names in SQL. SQLite compares them byte for byte; MariaDB's default
collation (utf8mb4_general_ci) ignores case, so with ``CaseTest`` stored, a new
``casetest`` is refused as already existing, and the ``equals:casetest`` filter returns
``CaseTest``. kitaru matches names exactly, so it must report that refusal in one line
rather than claim a write, on the same manifest that works on SQLite.
"""

from __future__ import annotations

import json

import pytest

import kitaru
from tests.conftest import Cli
from tests.server.fixtures import ServerSession

pytestmark = pytest.mark.topologies("sqlite", "mariadb")


@pytest.mark.parametrize("server_client", ["rest"], indirect=True)  # the server decides
def test_a_name_differing_only_in_case(
    server_session: ServerSession, cli: Cli, server_topology: str
) -> None:
    kitaru.create_secret("CaseTest", {"K": "first"})
    result = cli("secrets", "set", "casetest", "--K=second", "-o", "json")
    names = sorted(s.name for s in kitaru.list_secrets())
    if server_topology == "sqlite":
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["keys_written"] == ["K"]
        assert names == ["CaseTest", "casetest"]
        return
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "'casetest'" in result.stderr and "already exists" in result.stderr
    assert names == ["CaseTest"]
    assert kitaru.get_secret("CaseTest").values == {"K": "first"}  # nothing overwritten
