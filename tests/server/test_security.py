"""User A's private secret, seen from user B and from a service account.

Every kitaru path (SDK, store, CLI, plan, apply) must neither show nor change it, and
B's errors must read exactly as they would if it did not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest

import kitaru
from kitaru.errors import SecretNotFoundError
from kitaru.secrets import describe_secret
from kitaru.store import open_store
from tests.conftest import Cli, all_output
from tests.server.fixtures import MARIADB_TOO, ServerSession
from tests.server.zenml_server import Identity

PRIVATE = "alice-private"
PUBLIC = "alice-public"
ABSENT = "never-existed"
ALICE_KEY = "ALICE_ONLY_KEY"
CANARY = "alice-canary-5f0c2e"


@dataclass(frozen=True)
class AliceSecrets:
    private_id: str
    public_id: str


@pytest.fixture
def alice(server_session: ServerSession) -> AliceSecrets:
    """As A: the private secret under attack, and a public one B must be able to see."""
    private = kitaru.create_secret(PRIVATE, {ALICE_KEY: CANARY}, private=True)
    public = kitaru.create_secret(PUBLIC, {"SHARED_KEY": "shared"})
    return AliceSecrets(private_id=private.id, public_id=public.id)


@pytest.fixture(params=["bob", "robot"])
def intruder(
    request: pytest.FixtureRequest, server_session: ServerSession, alice: AliceSecrets
) -> Iterator[Identity]:
    """User B or the service account, active in this process; A's secret checked after."""
    who: Identity = getattr(server_session.users, request.param)
    server_session.use(who)
    yield who
    server_session.use(server_session.users.alice)
    untouched = kitaru.get_secret(alice.private_id)
    assert (untouched.name, untouched.private) == (PRIVATE, True)
    assert untouched.values == {ALICE_KEY: CANARY}


def same_error(hidden: str, hidden_ref: str, absent: str, absent_ref: str) -> bool:
    """Equal once each message's own subject is blanked out."""
    return hidden.replace(hidden_ref, "<ref>") == absent.replace(absent_ref, "<ref>")


def lookups(alice: AliceSecrets) -> list[tuple[str, str]]:
    """(A's private secret by name or ID, a stand-in that never existed)."""
    return [(PRIVATE, ABSENT), (alice.private_id, str(uuid4()))]


@MARIADB_TOO
def test_sdk_never_shows_or_changes_it(intruder: Identity, alice: AliceSecrets) -> None:
    listed = kitaru.list_secrets()
    assert PUBLIC in [s.name for s in listed]  # the intruder's view works at all
    assert PRIVATE not in [s.name for s in listed]
    assert alice.private_id not in [s.id for s in listed]
    calls: list[Callable[..., object]] = [
        kitaru.get_secret,
        describe_secret,
        kitaru.delete_secret,
    ]
    for call in calls:
        for private in (None, True, False):
            for target, stand_in in lookups(alice):
                with pytest.raises(SecretNotFoundError) as hidden:
                    call(target, private=private)
                with pytest.raises(SecretNotFoundError) as absent:
                    call(stand_in, private=private)
                assert same_error(str(hidden.value), target, str(absent.value), stand_in)


def test_store_calls_by_id_fail_like_a_missing_secret(
    intruder: Identity, alice: AliceSecrets
) -> None:
    store = open_store()
    stand_in = str(uuid4())
    actions: list[Callable[[str], object]] = [
        store.get,
        lambda secret_id: store.update(secret_id, {ALICE_KEY: "overwritten"}, []),
        lambda secret_id: store.update(secret_id, {}, [ALICE_KEY]),
        store.delete,
    ]
    for action in actions:
        with pytest.raises(SecretNotFoundError) as hidden:
            action(alice.private_id)
        with pytest.raises(SecretNotFoundError) as absent:
            action(stand_in)
        assert same_error(str(hidden.value), alice.private_id, str(absent.value), stand_in)


@MARIADB_TOO
def test_set_by_name_makes_the_intruders_own_secret(
    intruder: Identity, alice: AliceSecrets
) -> None:
    """ZenML lets each user own a private secret of any name: B gets B's, A keeps A's."""
    mine = kitaru.set_secret(PRIVATE, {ALICE_KEY: "intruder-value"}, private=True)
    assert mine.id != alice.private_id and mine.private
    assert kitaru.get_secret(PRIVATE).values == {ALICE_KEY: "intruder-value"}


def test_cli_never_shows_or_changes_it(cli: Cli, intruder: Identity, alice: AliceSecrets) -> None:
    listed = [cli("secrets", "list"), cli("secrets", "list", "-o", "json")]
    assert all(r.exit_code == 0 for r in listed)
    assert PUBLIC in listed[0].stdout
    assert [s["name"] for s in json.loads(listed[1].stdout)] == [PUBLIC]
    results = list(listed)
    for command in (
        ["show"],
        ["show", "--show-values"],
        ["show", "--private", "-o", "json"],
        ["delete"],
        ["delete", "--private"],
    ):
        for target, stand_in in lookups(alice):
            hidden = cli("secrets", *command[:1], target, *command[1:])
            absent = cli("secrets", *command[:1], stand_in, *command[1:])
            results += [hidden, absent]
            assert hidden.exit_code == absent.exit_code == 1
            assert hidden.stdout == absent.stdout == ""
            assert len(hidden.stderr.splitlines()) == 1
            assert same_error(hidden.stderr, target, absent.stderr, stand_in)
    made = cli("secrets", "set", PRIVATE, "--private", f"--{ALICE_KEY}=intruder-value")
    assert made.exit_code == 0 and "Created private secret" in made.stdout
    assert alice.private_id not in made.stdout
    results.append(made)
    assert CANARY not in all_output(results)
    assert ALICE_KEY not in all_output(results[:-1])
    assert alice.private_id not in all_output(listed)


MANIFEST = """\
version: 1
secrets:
  - name: {name}
    private: {private}
    keys: [{key}]
"""


def plan_output(cli: Cli, manifest: Path, name: str, private: bool, *args: str) -> str:
    manifest.write_text(MANIFEST.format(name=name, private=str(private).lower(), key=ALICE_KEY))
    result = cli("secrets", "plan", "-f", str(manifest), *args)
    assert result.exit_code == (2 if "--detailed-exitcode" in args else 0), result.stderr
    return result.stdout.replace(name, "<name>")


@pytest.mark.parametrize("private", [True, False])
def test_plan_and_apply_never_touch_or_reveal_it(
    cli: Cli,
    intruder: Identity,
    alice: AliceSecrets,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    private: bool,
) -> None:
    monkeypatch.setenv(ALICE_KEY, "intruder-value")
    manifest = tmp_path / "secrets.yaml"
    for args in (("-o", "json"), ("--detailed-exitcode",), ("-o", "markdown")):
        seen = plan_output(cli, manifest, PRIVATE, private, *args)
        assert seen == plan_output(cli, manifest, ABSENT, private, *args)
    manifest.write_text(MANIFEST.format(name=PRIVATE, private=str(private).lower(), key=ALICE_KEY))
    applied = cli("secrets", "apply", "-f", str(manifest), "-o", "json")
    assert applied.exit_code == 0, applied.stderr
    (outcome,) = json.loads(applied.stdout)["secrets"]
    assert outcome["status"] == "created"
    assert alice.private_id not in applied.stdout + applied.stderr
    again = cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout
    mine = kitaru.get_secret(PRIVATE, private=private)
    assert mine.id != alice.private_id
    assert mine.values == {ALICE_KEY: "intruder-value"}
