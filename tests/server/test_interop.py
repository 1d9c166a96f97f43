"""kitaru and ZenML's own client and CLI read each other's secrets on one server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import kitaru
from kitaru.store import open_store
from tests.conftest import Cli
from tests.server.fixtures import ServerSession

VALUES = {
    "API_TOKEN": "tok-3b9f",
    "UNICODE_VALUE": "päss wörd ✓",
    "SPACES_AND_SYMBOLS": "a b=c;d'e\"f",
}


def zenml_values(secret_id: str) -> dict[str, str]:
    """What ZenML's Python client reads, by exact ID."""
    from zenml.client import Client

    return dict(Client().get_secret(secret_id).secret_values)


def zenml_cli(*args: str) -> str:
    """ZenML's own `zenml` command, in-process (its start-up is already paid here)."""
    from zenml.cli.cli import cli as zenml

    result = CliRunner().invoke(zenml, list(args), env={"COLUMNS": "240"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("private", [False, True])
def test_kitaru_writes_zenml_reads(server_session: ServerSession, cli: Cli, private: bool) -> None:
    visibility = "--private" if private else "--public"
    flags = [f"--{key}={value}" for key, value in VALUES.items()]
    created = cli("secrets", "set", "interop", visibility, *flags, "-o", "json")
    assert created.exit_code == 0, created.stderr
    secret_id = json.loads(created.stdout)["id"]
    assert zenml_values(secret_id) == VALUES

    kitaru.set_secret(secret_id, {"API_TOKEN": "tok-rotated", "ADDED": "new"})
    open_store().update(secret_id, {}, ["SPACES_AND_SYMBOLS"])
    expected = {"API_TOKEN": "tok-rotated", "UNICODE_VALUE": VALUES["UNICODE_VALUE"]}
    assert zenml_values(secret_id) == {**expected, "ADDED": "new"}

    from zenml.client import Client

    (listed,) = Client().list_secrets(name="equals:interop").items
    assert (str(listed.id), listed.private) == (secret_id, private)
    shown = zenml_cli("secret", "get", secret_id)
    assert secret_id in shown
    for key, value in {**expected, "ADDED": "new"}.items():
        assert key in shown and value in shown


def test_zenml_writes_kitaru_reads_plans_and_applies(
    server_session: ServerSession, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenml.client import Client

    public = Client().create_secret("zen-made", values=dict(VALUES))
    private = Client().create_secret("zen-private", values={"ONLY": "mine"}, private=True)

    assert kitaru.get_secret("zen-made").values == VALUES
    assert kitaru.get_secret("zen-private").values == {"ONLY": "mine"}
    assert kitaru.get_secret(str(private.id)).private is True
    listed = {(s.name, s.private, s.id) for s in kitaru.list_secrets()}
    assert listed == {("zen-made", False, str(public.id)), ("zen-private", True, str(private.id))}
    shown = cli("secrets", "show", "zen-made", "--show-values", "-o", "json")
    assert json.loads(shown.stdout)["values"] == VALUES

    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(
        "version: 1\nsecrets:\n"
        "  - name: zen-made\n    keys: [API_TOKEN, UNICODE_VALUE, SPACES_AND_SYMBOLS]\n"
        "  - name: zen-private\n    private: true\n    keys: [ONLY]\n"
    )
    for key, value in {**VALUES, "ONLY": "mine"}.items():
        monkeypatch.setenv(key, value)
    in_sync = cli("secrets", "plan", "-f", str(manifest), "--detailed-exitcode")
    assert in_sync.exit_code == 0, in_sync.stdout

    monkeypatch.setenv("API_TOKEN", "tok-from-kitaru")
    plan = cli("secrets", "plan", "-f", str(manifest), "-o", "json", "--detailed-exitcode")
    assert plan.exit_code == 2
    actions = {s["name"]: s["action"] for s in json.loads(plan.stdout)["secrets"]}
    assert actions == {"zen-made": "update", "zen-private": "unchanged"}
    applied = cli("secrets", "apply", "-f", str(manifest), "--detailed-exitcode")
    assert applied.exit_code == 0, applied.stdout
    assert zenml_values(str(public.id)) == {**VALUES, "API_TOKEN": "tok-from-kitaru"}
    assert zenml_values(str(private.id)) == {"ONLY": "mine"}
