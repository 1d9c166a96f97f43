"""`state: absent` on a shared server: a declared public secret is deleted whoever made it;
a secret the caller cannot see (a co-user's private one) and the twin of the other
visibility are never touched. Runs through both clients (``server_client``)."""

from __future__ import annotations

import json
from pathlib import Path

import kitaru
from tests.conftest import Cli, all_output
from tests.server.fixtures import ServerSession

CANARY_BOB = "bob-private-canary-absent-4e9a10"
CANARY_TWIN = "alice-twin-canary-absent-0c7d55"

MANIFEST = """\
version: 1
secrets:
  - name: shared-old
    state: absent
  - name: bob-own
    private: true
    state: absent
"""


def test_absent_deletes_only_what_the_caller_sees_and_declares(
    server_session: ServerSession, tmp_path: Path
) -> None:
    bob, alice = server_session.users.bob, server_session.users.alice
    server_session.use(bob)
    public = kitaru.create_secret("shared-old", {"K": "public-placeholder"})
    private = kitaru.create_secret("bob-own", {"K": CANARY_BOB}, private=True)
    server_session.use(alice)
    twin = kitaru.create_secret("shared-old", {"K": CANARY_TWIN}, private=True)
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(MANIFEST)
    cli = Cli()
    plan = cli("secrets", "plan", "-f", str(manifest), "-o", "json", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.stdout + plan.stderr
    actions = {
        (s["name"], s["private"]): (s["action"], s["id"])
        for s in json.loads(plan.stdout)["secrets"]
    }
    assert actions == {
        ("shared-old", False): ("delete", public.id),  # bob's, public: declared, so deleted
        ("bob-own", True): ("unchanged", None),  # bob's private one: alice cannot see it
    }
    applied = cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert "1 deleted" in applied.stdout
    assert {s.id for s in kitaru.list_secrets()} == {twin.id}  # alice's twin survives
    assert kitaru.get_secret(twin.id).values == {"K": CANARY_TWIN}
    server_session.use(bob)
    assert kitaru.get_secret(private.id).values == {"K": CANARY_BOB}
    assert public.id not in {s.id for s in kitaru.list_secrets()}
    server_session.use(alice)
    output = all_output([plan, applied])
    assert CANARY_BOB not in output and CANARY_TWIN not in output
