"""Hostile co-users of one server: squatting a name and shadowing a lookup.

alice is the victim; the squatter is bob or the service account. Public secrets are
writable by every user, so a squatter can make a public secret named like one alice
declares private, or like her private one. Nothing alice gives as private may reach the
squatter's secret, and the squatter's twin may neither break nor redirect her lookups.
Canaries prove it: after each attack the squatter reads everything it can see.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from anyio.from_thread import start_blocking_portal

import kitaru
from kitaru.errors import SecretOwnerError
from kitaru.store import open_store
from tests.conftest import Cli, all_output
from tests.mcp.conftest import McpServer, serve
from tests.server.fixtures import MARIADB_TOO, ServerSession
from tests.server.zenml_server import Identity

NAME = "carol-api"
KEY = "API_TOKEN"
CANARY = "alice-private-canary-7d31e9"
PLACEHOLDER = "squatter-placeholder-0b5a"

MANIFEST = f"""\
version: 1
secrets:
  - name: {NAME}
    private: true
    keys: [{KEY}]
"""


@pytest.fixture(params=["bob", "robot"])
def squatter(request: pytest.FixtureRequest, server_session: ServerSession) -> Identity:
    who: Identity = getattr(server_session.users, request.param)
    return who


def as_user(session: ServerSession, who: Identity) -> None:
    session.use(who)


def squat(session: ServerSession, who: Identity, name: str = NAME) -> str:
    """As ``who``: a public secret of that name; alice is active again afterwards."""
    as_user(session, who)
    made = kitaru.create_secret(name, {KEY: PLACEHOLDER})
    as_user(session, session.users.alice)
    return made.id


def assert_nothing_reached(session: ServerSession, who: Identity, squat_id: str) -> None:
    """As ``who``: the squatted secret is as it was, and no canary is readable anywhere."""
    as_user(session, who)
    assert kitaru.get_secret(squat_id).values == {KEY: PLACEHOLDER}
    for summary in kitaru.list_secrets():
        assert not any(CANARY in value for value in kitaru.get_secret(summary.id).values.values())
    as_user(session, session.users.alice)


def test_stores_tell_who_created_a_secret_and_who_is_asking(
    server_session: ServerSession, squatter: Identity
) -> None:
    """The comparison every rule below rests on, through both clients."""
    squat_id = squat(server_session, squatter)
    mine = kitaru.create_secret("alice-own", {KEY: "x"})
    store = open_store()
    me = store.current_user_id()
    assert me is not None
    created = {ref.id: ref.user_id for ref in store.list_all()}
    assert created[mine.id] == store.get(mine.id).user_id == me
    assert created[squat_id] == store.get(squat_id).user_id != me
    as_user(server_session, squatter)
    theirs = open_store()
    assert theirs.current_user_id() == created[squat_id] != me


# --- case 1: squatting a name declared private ------------------------------------------------


@MARIADB_TOO
def test_apply_creates_the_private_secret_beside_a_squatted_public_one(
    cli: Cli,
    server_session: ServerSession,
    squatter: Identity,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    squat_id = squat(server_session, squatter)
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(MANIFEST)
    monkeypatch.setenv(KEY, CANARY)
    plan = cli("secrets", "plan", "-f", str(manifest), "-o", "json")
    assert plan.exit_code == 0, plan.stderr
    (planned,) = json.loads(plan.stdout)["secrets"]
    assert (planned["action"], planned["private"], planned["id"]) == ("create", True, None)
    applied = cli("secrets", "apply", "-f", str(manifest), "-o", "json", "--detailed-exitcode")
    # another user's squat is reported, but it is not drift the caller can fix
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    payload = json.loads(applied.stdout)
    (outcome,) = payload["secrets"]
    assert (outcome["status"], outcome["private"]) == ("created", True)
    assert outcome["id"] != squat_id
    (drift,) = payload["drift"]
    assert (drift["kind"], drift["id"], drift["caller_created"]) == ("shadowed", squat_id, False)
    assert "created by another user" in drift["message"]
    text = cli("secrets", "apply", "-f", str(manifest))
    assert text.exit_code == 0 and "shadowed" in text.stdout
    assert kitaru.get_secret(NAME, private=True).values == {KEY: CANARY}
    assert CANARY not in all_output([plan, applied, text])
    assert_nothing_reached(server_session, squatter, squat_id)


def test_set_private_never_writes_into_a_public_secret_another_user_created(
    cli: Cli, server_session: ServerSession, squatter: Identity
) -> None:
    squat_id = squat(server_session, squatter)
    results = []
    for target in (NAME, squat_id):
        refused = cli("secrets", "set", target, "--private", f"--{KEY}={CANARY}")
        results.append(refused)
        assert refused.exit_code == 1 and refused.stdout == ""
        (line,) = refused.stderr.splitlines()
        assert "created by another user" in line and "nothing was written" in line
        with pytest.raises(SecretOwnerError):
            kitaru.set_secret(target, {KEY: CANARY}, private=True)
    as_json = cli("secrets", "set", NAME, "--private", f"--{KEY}={CANARY}", "-o", "json")
    assert as_json.exit_code == 1 and as_json.stdout == ""
    assert CANARY not in all_output([*results, as_json])
    assert_nothing_reached(server_session, squatter, squat_id)


def test_set_private_on_your_own_public_secret_updates_it_and_says_so(
    cli: Cli, server_session: ServerSession
) -> None:
    """The product page's behaviour stays for the caller's own secret (both clients
    compare the secret's creator with the current user)."""
    own = kitaru.create_secret(NAME, {"OTHER": "x"})
    updated = cli("secrets", "set", NAME, "--private", f"--{KEY}={CANARY}", "-o", "json")
    assert updated.exit_code == 0, updated.stderr
    payload = json.loads(updated.stdout)
    assert (payload["id"], payload["private"], payload["visibility_unchanged"]) == (
        own.id,
        False,
        True,
    )
    assert kitaru.get_secret(own.id).values == {"OTHER": "x", KEY: CANARY}


# --- case 2: a public twin of a private secret ------------------------------------------------


def test_a_public_twin_neither_breaks_nor_redirects_your_lookups(
    cli: Cli,
    server_session: ServerSession,
    squatter: Identity,
    caplog: pytest.LogCaptureFixture,
) -> None:
    mine = kitaru.create_secret("db-creds", {KEY: CANARY}, private=True)
    twin = squat(server_session, squatter, "db-creds")
    with caplog.at_level("WARNING", logger="kitaru"):
        got = kitaru.get_secret("db-creds")
    assert (got.id, got.values) == (mine.id, {KEY: CANARY})
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "kitaru"]
    assert twin in warning
    assert kitaru.get_secret("db-creds", private=False).id == twin
    results = []
    for args in (["show"], ["show", "--show-values"], ["set", f"--OTHER={CANARY}-2"]):
        result = cli("secrets", args[0], "db-creds", *args[1:])
        results.append(result)
        assert result.exit_code == 0, result.stderr
        assert mine.id in result.stdout and twin not in result.stdout
        (note,) = result.stderr.splitlines()
        assert twin in note and "--public" in note
    shown = json.loads(cli("secrets", "show", "db-creds", "-o", "json").stdout)
    assert (shown["id"], shown["shadowed"]["id"]) == (mine.id, twin)
    public = json.loads(cli("secrets", "show", "db-creds", "--public", "-o", "json").stdout)
    assert (public["id"], public["shadowed"]) == (twin, None)
    deleted = cli("secrets", "delete", "db-creds", "-o", "json")
    assert deleted.exit_code == 0 and json.loads(deleted.stdout)["id"] == mine.id
    assert CANARY not in all_output(results[:1] + results[2:])
    assert_nothing_reached(server_session, squatter, twin)


@contextmanager
def mcp_as(session: ServerSession, who: Identity, tmp_path: Path) -> Iterator[McpServer]:
    """`kitaru-mcp` over stdio acting as ``who`` on the test server."""
    stderr_path = tmp_path / f"mcp-{who.name}.stderr"
    with (
        stderr_path.open("w") as errlog,
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(serve(session.env_for(who), tmp_path, errlog)) as client,
    ):
        yield McpServer(portal=portal, client=client, stderr_path=stderr_path)


def test_an_agent_can_neither_redirect_nor_break_a_users_lookups(
    server_session: ServerSession, tmp_path: Path
) -> None:
    users = server_session.users
    shared = squat(server_session, users.bob, "team-token")  # a team's public secret
    mine = kitaru.create_secret("db-creds", {KEY: CANARY}, private=True)
    agent_value = "agent-canary-55e1"
    with mcp_as(server_session, users.alice, tmp_path) as agent:
        for name, private in (("team-token", True), ("team-token", False), ("db-creds", False)):
            refused = agent.call(
                "kitaru_secrets_create",
                {"name": name, "values": {KEY: agent_value}, "private": private},
            )
            assert refused.is_error and "already exists" in refused.content[0].text  # type: ignore[union-attr]
    assert kitaru.get_secret("team-token").id == shared  # not redirected to an agent's twin
    assert kitaru.get_secret("db-creds").id == mine.id
    # bob's agent cannot see alice's private secret, so it may make a public twin of it;
    # her lookups still find her own
    with mcp_as(server_session, users.bob, tmp_path) as bobs_agent:
        made = bobs_agent.call("kitaru_secrets_create", {"name": "db-creds", "values": {KEY: "b"}})
        assert not made.is_error, made
        assert CANARY not in bobs_agent.everything_seen()
    twin_id = made.structured_content["id"]  # type: ignore[index]
    assert (kitaru.get_secret("db-creds").id, kitaru.get_secret("db-creds").values) == (
        mine.id,
        {KEY: CANARY},
    )
    with mcp_as(server_session, users.alice, tmp_path) as agent:
        shown = agent.call("kitaru_secrets_show", {"name_or_id": "db-creds"})
        assert shown.structured_content["id"] == mine.id  # type: ignore[index]
        assert shown.structured_content["shadowed"]["id"] == twin_id  # type: ignore[index]
        assert agent_value not in agent.everything_seen() and CANARY not in agent.everything_seen()
