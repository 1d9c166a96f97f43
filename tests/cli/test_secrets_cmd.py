"""`kitaru secrets set/show/list/delete` in-process against a real embedded store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

import kitaru
from tests.conftest import Cli, KitaruEnv, all_output


def test_set_creates_then_updates(cli: Cli) -> None:
    created = cli("secrets", "set", "openai-creds", "--OPENAI_API_KEY=sk-one")
    assert created.exit_code == 0, created.stderr
    assert "Created public secret 'openai-creds'" in created.stdout
    assert "OPENAI_API_KEY" in created.stdout
    updated = cli("secrets", "set", "openai-creds", "--private", "--OPENAI_ORG_ID=org")
    assert updated.exit_code == 0
    assert "Updated public secret" in updated.stdout
    assert "visibility was left unchanged" in updated.stdout
    assert kitaru.get_secret("openai-creds").private is False
    assert kitaru.get_secret("openai-creds").values == {
        "OPENAI_API_KEY": "sk-one",
        "OPENAI_ORG_ID": "org",
    }


def test_set_private_and_json(cli: Cli) -> None:
    result = cli("secrets", "set", "mine", "--private", "--A=1", "-o", "json")
    payload = json.loads(result.stdout)
    assert payload["action"] == "created"
    assert payload["private"] is True
    assert payload["keys"] == ["A"]
    assert payload["visibility_unchanged"] is False
    assert "values" not in payload


def test_set_warns_about_a_key_that_steers_programs_and_writes_it(cli: Cli) -> None:
    """KS206 on stderr (fails on the old code, which said nothing); stdout and -o json stay
    the command's own output, and the write happens: `run`/`export` are where it is refused."""
    result = cli("secrets", "set", "team", "--LD_PRELOAD=canary-steer-1", "--TOKEN=t")
    assert result.exit_code == 0
    (line,) = [line for line in result.stderr.splitlines() if "KS206" in line]
    assert line.startswith("Warning: KS206 key LD_PRELOAD changes how programs start: ")
    assert "--allow-key LD_PRELOAD" in line and "canary" not in result.stderr
    assert kitaru.get_secret("team").values["LD_PRELOAD"] == "canary-steer-1"
    quiet = cli("secrets", "set", "team", "--TOKEN=u", "-o", "json")
    assert quiet.stderr == "" and json.loads(quiet.stdout)["keys_written"] == ["TOKEN"]
    as_json = cli("secrets", "set", "team", "--https_proxy=http://p:3128", "-o", "json")
    assert json.loads(as_json.stdout)["keys_written"] == ["https_proxy"]
    assert "KS206 key https_proxy" in as_json.stderr


def test_set_value_sources(
    cli: Cli, kitaru_env: KitaruEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotenv = kitaru_env.root / "app.env"
    dotenv.write_text("FROM_FILE=file-value\nOVERRIDDEN=file\n")
    monkeypatch.setenv("GH_TOKEN", "env-value")
    result = cli(
        "secrets",
        "set",
        "multi",
        "--from-dotenv",
        str(dotenv),
        "--from-env",
        "GITHUB_TOKEN=GH_TOKEN",
        "--OVERRIDDEN=flag",
        "--PIPED=-",
        input="stdin-value\n",
    )
    assert result.exit_code == 0, result.stderr
    assert kitaru.get_secret("multi").values == {
        "FROM_FILE": "file-value",
        "OVERRIDDEN": "flag",
        "GITHUB_TOKEN": "env-value",
        "PIPED": "stdin-value",
    }


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--bad-key=1"], "invalid key name"),
        (["--KEY", "value"], "not of the form --KEY=VALUE"),
        ([], "at least one"),
        (["--from-env", "NOPE_NOT_SET_XYZ"], "NOPE_NOT_SET_XYZ"),
        (["--A=1", "--A=2"], "given twice"),
    ],
)
def test_set_usage_errors(cli: Cli, args: list[str], needle: str) -> None:
    result = cli("secrets", "set", "x", *args)
    assert result.exit_code == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert "value" not in result.stderr.replace("VALUE", "").replace("values", "").replace(
        "value from", ""
    )


def test_show_never_prints_values_without_flag(cli: Cli) -> None:
    cli("secrets", "set", "svc", "--TOKEN=hidden-canary-7781")
    shown = cli("secrets", "show", "svc")
    assert shown.exit_code == 0
    assert "TOKEN" in shown.stdout and "hidden-canary-7781" not in shown.stdout
    assert "visibility: public" in shown.stdout
    as_json = json.loads(cli("secrets", "show", "svc", "-o", "json").stdout)
    assert set(as_json) == {
        *("name", "id", "private", "keys", "unavailable_keys", "shadowed", "created", "updated")
    }
    assert as_json["shadowed"] is None
    assert as_json["keys"] == ["TOKEN"]
    with_values = cli("secrets", "show", "svc", "--show-values")
    assert "TOKEN=hidden-canary-7781" in with_values.stdout
    json_values = json.loads(cli("secrets", "show", "svc", "--show-values", "-o", "json").stdout)
    assert json_values["values"] == {"TOKEN": "hidden-canary-7781"}


LISTED_FIELDS = {"name", "id", "private", "created", "updated"}
KEYED_FIELDS = {*LISTED_FIELDS, "keys", "unavailable_keys"}


def test_list_text_and_json(cli: Cli) -> None:
    assert cli("secrets", "list").stdout.strip() == "No secrets."
    assert cli("secrets", "list", "--keys", "-o", "json").stdout.strip() == "[]"
    cli("secrets", "set", "b-secret", "--B=1")
    cli("secrets", "set", "a-secret", "--private", "--A=1", "--C=2")
    text = cli("secrets", "list").stdout
    assert text.index("a-secret") < text.index("b-secret")
    assert "KEYS" not in text and text.splitlines()[0].endswith("UPDATED")
    keyed = cli("secrets", "list", "--keys").stdout
    assert keyed.splitlines()[0].endswith("  KEYS") and "A, C" in keyed
    payload = json.loads(cli("secrets", "list", "-o", "json").stdout)
    assert [(item["name"], item["private"]) for item in payload] == [
        ("a-secret", True),
        ("b-secret", False),
    ]
    assert all(set(item) == LISTED_FIELDS for item in payload)
    with_keys = json.loads(cli("secrets", "list", "--keys", "-o", "json").stdout)
    assert [(item["name"], item["keys"]) for item in with_keys] == [
        ("a-secret", ["A", "C"]),
        ("b-secret", ["B"]),
    ]
    assert all(set(item) == KEYED_FIELDS for item in with_keys)
    assert [{f: item[f] for f in LISTED_FIELDS} for item in with_keys] == payload
    assert all("values" not in item for item in payload + with_keys)


def test_list_json_times_are_utc_iso_8601(cli: Cli) -> None:
    """created/updated come from the listing: aware UTC times, as `datetime` parses them."""
    before = datetime.now(UTC) - timedelta(minutes=5)  # generous: clocks of one machine
    cli("secrets", "set", "timed", "--A=1")
    (item,) = json.loads(cli("secrets", "list", "-o", "json").stdout)
    assert item["created"].endswith("Z") and len(item["created"]) == len(
        "2026-12-01T10:54:41.123456Z"
    )
    created = datetime.fromisoformat(item["created"])
    updated = datetime.fromisoformat(item["updated"])
    assert created.utcoffset() == timedelta(0) and updated.utcoffset() == timedelta(0)
    assert before <= created <= updated


def test_delete_and_not_found(cli: Cli) -> None:
    cli("secrets", "set", "gone", "--A=1")
    deleted = cli("secrets", "delete", "gone", "-o", "json")
    assert json.loads(deleted.stdout)["deleted"] is True
    missing = cli("secrets", "delete", "gone")
    assert missing.exit_code == 1
    assert missing.stderr.strip() == "Error: no secret 'gone' found"
    assert cli("secrets", "show", "gone").exit_code == 1


def test_by_name_the_private_one_wins_and_the_public_one_is_noted(cli: Cli) -> None:
    """No co-user can break a lookup by making a public twin of your private secret."""
    public = kitaru.create_secret("both", {"A": "public-canary-1"})
    private = kitaru.create_secret("both", {"A": "private-canary-2"}, private=True)
    results = []
    for args in (["show", "both"], ["show", "both", "--show-values"], ["set", "both", "--B=1"]):
        result = cli("secrets", *args)
        results.append(result)
        assert result.exit_code == 0, result.stderr
        assert private.id in result.stdout and public.id not in result.stdout
        (note,) = result.stderr.splitlines()
        assert public.id in note and "--public" in note
    assert "public-canary-1" not in all_output(results)
    assert kitaru.get_secret(private.id).keys == ["A", "B"]
    assert kitaru.get_secret(public.id).keys == ["A"]
    as_json = cli("secrets", "show", "both", "-o", "json")
    payload = json.loads(as_json.stdout)
    assert payload["id"] == private.id
    assert payload["shadowed"] == {"name": "both", "id": public.id, "private": False}
    chosen = cli("secrets", "show", "both", "--private", "-o", "json")
    assert json.loads(chosen.stdout)["shadowed"] is None and chosen.stderr == ""
    assert json.loads(cli("secrets", "show", "both", "--public", "-o", "json").stdout)["id"] == (
        public.id
    )
    assert cli("secrets", "set", "both", "--public", "--B=1").exit_code == 0
    assert kitaru.get_secret(public.id).keys == ["A", "B"]
    deleted = cli("secrets", "delete", "both", "-o", "json")
    assert json.loads(deleted.stdout)["id"] == private.id
    assert json.loads(deleted.stdout)["shadowed"]["id"] == public.id
    assert cli("secrets", "show", "both").stderr == ""


def test_exact_lookup_through_cli(cli: Cli) -> None:
    cli("secrets", "set", "foobar", "--A=1")
    result = cli("secrets", "show", "foo")
    assert result.exit_code == 1
    assert "no secret 'foo' found" in result.stderr


def test_json_stays_clean_when_zenml_logs_verbosely(
    kitaru_env: KitaruEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ZenML's own notices (e.g. about the active stack) go to stderr, never into JSON."""
    kitaru_env.env["ZENML_LOGGING_VERBOSITY"] = "INFO"
    (kitaru_env.root / "cfg").mkdir(exist_ok=True)
    result = kitaru_env.run("secrets", "list", "-o", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
