"""`kitaru-mcp` over stdio, against a real embedded store, through the mcp client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kitaru.errors import InvalidSecretError, KitaruError
from kitaru.naming import check_name, check_values
from kitaru.secrets import create_secret, get_secret, list_secrets
from kitaru.sync import load_manifest
from tests.conftest import Cli, KitaruEnv, reset_zenml_singletons
from tests.mcp.conftest import McpServer, under_root

CANARY = "kc4n4ry-mcp-5e2b7a"
TOOLS = {
    "kitaru_secrets_create",
    "kitaru_secrets_list",
    "kitaru_secrets_show",
    "kitaru_secrets_plan",
    "kitaru_models_list",
}
METADATA_FIELDS = {"name", "id", "private", "keys", "unavailable_keys", "created", "updated"}
IDENTITY = ("name", "id", "private")


def sdk_message(action: object) -> str:
    """What the SDK itself says for a failure, i.e. what the CLI prints after `Error:`."""
    with pytest.raises(KitaruError) as caught:
        action()  # type: ignore[operator]
    return str(caught.value)


def error_text(result: object) -> str:
    assert result.is_error, result  # type: ignore[attr-defined]
    (block,) = result.content  # type: ignore[attr-defined]
    return block.text


@pytest.fixture(scope="module", autouse=True)
def no_result_or_log_line_leaks(mcp_server: McpServer) -> Iterator[None]:
    """After the module's last test: no result any test received, nor the server's stderr,
    holds the canary or a traceback."""
    yield
    seen = mcp_server.everything_seen()
    assert CANARY not in seen
    assert "Traceback" not in seen


def test_tools_are_exactly_the_documented_ones(mcp_server: McpServer) -> None:
    tools = {tool.name: tool for tool in mcp_server.tools().tools}
    assert set(tools) == TOOLS
    assert not [name for name in tools if "delete" in name or "value" in name]
    for tool in tools.values():
        assert "Never returns secret values" in (tool.description or "")
        assert "no tool that reads values or deletes secrets" in (tool.description or "")
    assert set(tools["kitaru_secrets_create"].output_schema["properties"]) == METADATA_FIELDS
    shown = set(tools["kitaru_secrets_show"].output_schema["properties"])
    assert shown == {*METADATA_FIELDS, "shadowed"}
    assert set(tools["kitaru_secrets_list"].output_schema["properties"]) == {"secrets"}
    read_only = ["kitaru_secrets_list", "kitaru_secrets_show", "kitaru_secrets_plan"]
    for name in [*read_only, "kitaru_models_list"]:
        assert tools[name].annotations.read_only_hint is True
    assert tools["kitaru_secrets_create"].annotations.destructive_hint is False


def test_create_then_list_and_show_return_metadata(mcp_server: McpServer) -> None:
    values = {"API_TOKEN": f"{CANARY}-a", "ORG_ID": f"{CANARY}-b"}
    created = mcp_server.call("kitaru_secrets_create", {"name": "mcp-made", "values": values})
    assert not created.is_error, created
    summary = created.structured_content
    assert summary is not None
    assert summary["name"] == "mcp-made"
    assert summary["private"] is False
    assert summary["keys"] == ["API_TOKEN", "ORG_ID"]
    assert set(summary) == METADATA_FIELDS

    # The listing alone by default (keys null); keys=true reads each secret for its keys.
    listed = mcp_server.call("kitaru_secrets_list")
    assert not listed.is_error
    (entry,) = [s for s in listed.structured_content["secrets"] if s["id"] == summary["id"]]
    assert set(entry) == METADATA_FIELDS and entry["keys"] is None
    assert {f: entry[f] for f in IDENTITY} == {f: summary[f] for f in IDENTITY}
    assert entry["created"] is not None and entry["updated"] is not None
    with_keys = mcp_server.call("kitaru_secrets_list", {"keys": True}).structured_content
    (keyed,) = [s for s in with_keys["secrets"] if s["id"] == summary["id"]]
    assert keyed == {**entry, "keys": ["API_TOKEN", "ORG_ID"]}

    by_name = mcp_server.call("kitaru_secrets_show", {"name_or_id": "mcp-made"})
    by_id = mcp_server.call("kitaru_secrets_show", {"name_or_id": summary["id"]})
    assert by_name.structured_content == {**summary, "shadowed": None}
    assert by_id.structured_content == {**summary, "shadowed": None}


def test_created_secret_is_readable_through_the_sdk(mcp_server: McpServer) -> None:
    values = {"DB_PASSWORD": f"{CANARY}-sdk"}
    created = mcp_server.call(
        "kitaru_secrets_create", {"name": "mcp-sdk", "values": values, "private": True}
    )
    assert created.structured_content["private"] is True
    reset_zenml_singletons()  # the server wrote to the sqlite file this process also uses
    secret = get_secret("mcp-sdk", private=True)
    assert secret.id == created.structured_content["id"]
    assert dict(secret.values) == values


def test_bad_keys_and_sizes_give_the_sdks_one_line_errors(mcp_server: McpServer) -> None:
    cases = [
        ("mcp-bad", {"bad-key": CANARY}),
        ("mcp-bad", {"1STARTS_WITH_DIGIT": CANARY}),
        ("mcp-bad", {"NOT_TEXT": 12345}),
        ("mcp-huge", {"HUGE": CANARY * 9000}),
    ]
    for name, values in cases:
        result = mcp_server.call("kitaru_secrets_create", {"name": name, "values": values})
        assert error_text(result) == sdk_message(lambda v=values, n=name: check_values(n, v))
        assert "\n" not in error_text(result)
    long_name = "n" * 300
    result = mcp_server.call("kitaru_secrets_create", {"name": long_name, "values": {"A": "b"}})
    assert error_text(result) == sdk_message(lambda: check_name(long_name))
    with pytest.raises(InvalidSecretError):
        check_name(long_name)
    listed = mcp_server.call("kitaru_secrets_list").structured_content["secrets"]
    assert not [s for s in listed if s["name"] in {"mcp-bad", "mcp-huge", long_name}]


def test_an_existing_name_in_either_visibility_is_refused(mcp_server: McpServer) -> None:
    """A private secret wins lookups by name, so an agent's private twin of a public
    secret would redirect the user's reads: create takes new names only."""
    first = mcp_server.call("kitaru_secrets_create", {"name": "mcp-dup", "values": {"A": "1"}})
    assert not first.is_error
    for private in (False, True):
        again = mcp_server.call(
            "kitaru_secrets_create",
            {"name": "mcp-dup", "values": {"A": f"{CANARY}-dup"}, "private": private},
        )
        assert error_text(again).startswith("a public secret 'mcp-dup' already exists;")
    reset_zenml_singletons()
    assert [s.private for s in list_secrets() if s.name == "mcp-dup"] == [False]
    assert get_secret("mcp-dup").values == {"A": "1"}  # nothing was overwritten
    create_secret("mcp-own", {"A": "1"}, private=True)
    refused = mcp_server.call(
        "kitaru_secrets_create", {"name": "mcp-own", "values": {"A": f"{CANARY}-twin"}}
    )
    assert error_text(refused).startswith("a private secret 'mcp-own' already exists;")
    assert CANARY not in mcp_server.everything_seen()


def test_lookup_errors_pass_through_and_the_private_twin_wins(mcp_server: McpServer) -> None:
    missing = mcp_server.call("kitaru_secrets_show", {"name_or_id": "mcp-nope"})
    assert error_text(missing) == "no secret 'mcp-nope' found"
    public = mcp_server.call("kitaru_secrets_create", {"name": "mcp-twin", "values": {"A": "1"}})
    reset_zenml_singletons()
    private = create_secret("mcp-twin", {"A": "2"}, private=True)
    shown = mcp_server.call("kitaru_secrets_show", {"name_or_id": "mcp-twin"})
    assert shown.structured_content["id"] == private.id
    assert shown.structured_content["shadowed"] == {
        "name": "mcp-twin",
        "id": public.structured_content["id"],
        "private": False,
    }
    chosen = mcp_server.call("kitaru_secrets_show", {"name_or_id": "mcp-twin", "private": False})
    assert chosen.structured_content["id"] == public.structured_content["id"]
    assert chosen.structured_content["shadowed"] is None


def test_arguments_that_break_the_schema_never_echo_their_input(mcp_server: McpServer) -> None:
    for arguments in [
        {"name": "mcp-schema", "values": f"OPENAI_API_KEY={CANARY}"},
        {"name": "mcp-schema", "values": [CANARY]},
        {"name": {"TOKEN": CANARY}, "values": {"A": "b"}},
        {"name": "mcp-schema", "values": {"A": "b"}, "private": CANARY},
    ]:
        text = error_text(mcp_server.call("kitaru_secrets_create", arguments))
        assert "validation error" in text


MANIFEST = """\
version: 1
secrets:
  - name: mcp-plan-old
    keys: [PLAN_TOKEN]
  - name: mcp-plan-new
    private: true
    keys:
      - PLAN_NEW
      - key: PLAN_OPTIONAL
        optional: true
"""


def test_plan_reports_actions_and_sources_without_values(
    mcp_server: McpServer, mcp_store: KitaruEnv
) -> None:
    tmp_path = under_root(mcp_store, "plan-actions")
    mcp_server.call(
        "kitaru_secrets_create", {"name": "mcp-plan-old", "values": {"PLAN_TOKEN": "old"}}
    )
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(MANIFEST)
    dotenv = tmp_path / "plan.env"
    dotenv.write_text(f"PLAN_TOKEN={CANARY}-plan-new\nPLAN_NEW={CANARY}-plan-created\n")
    result = mcp_server.call(
        "kitaru_secrets_plan", {"manifest_path": str(manifest), "env_file": str(dotenv)}
    )
    assert not result.is_error, result
    report = result.structured_content
    assert report["format_version"] == 1
    actions = {s["name"]: s["action"] for s in report["secrets"]}
    assert actions == {"mcp-plan-old": "exists", "mcp-plan-new": "create"}
    assert report["values_compared"] is False
    old = next(s for s in report["secrets"] if s["name"] == "mcp-plan-old")
    assert old["keys"][0]["key"] == "PLAN_TOKEN"
    assert "plan.env" in old["keys"][0]["source"]
    reset_zenml_singletons()
    assert get_secret("mcp-plan-old").values == {"PLAN_TOKEN": "old"}  # plan wrote nothing


def test_plan_takes_targets_and_max_age(mcp_server: McpServer, mcp_store: KitaruEnv) -> None:
    tmp_path = under_root(mcp_store, "plan-targets")
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(MANIFEST)
    dotenv = tmp_path / "plan.env"
    dotenv.write_text(f"PLAN_TOKEN={CANARY}-plan-t\n")  # PLAN_NEW unset: not targeted
    arguments = {"manifest_path": str(manifest), "env_file": str(dotenv)}
    result = mcp_server.call(
        "kitaru_secrets_plan", {**arguments, "targets": ["mcp-plan-old"], "max_age": "90d"}
    )
    assert not result.is_error, result
    report = result.structured_content
    assert [s["name"] for s in report["secrets"]] == ["mcp-plan-old"]
    assert (report["targets"], report["max_age"]) == (["mcp-plan-old"], "90d")
    wrong = mcp_server.call("kitaru_secrets_plan", {**arguments, "targets": ["nope"]})
    assert error_text(wrong) == "--target 'nope': the manifest declares no secret of that name"
    bad_age = mcp_server.call("kitaru_secrets_plan", {**arguments, "max_age": "soon"})
    assert error_text(bad_age).startswith("--max-age takes a positive whole number")


def test_plan_errors_are_the_sdks_lines(mcp_server: McpServer, mcp_store: KitaruEnv) -> None:
    tmp_path = under_root(mcp_store, "plan-errors")
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nsecrets:\n  - name: x\n    privte: true\n    keys: [A]\n")
    result = mcp_server.call("kitaru_secrets_plan", {"manifest_path": str(broken)})
    assert error_text(result) == sdk_message(lambda: load_manifest(broken))
    cli = Cli()("secrets", "plan", "-f", str(broken))
    assert error_text(result).splitlines() == cli.stderr.splitlines()  # the CLI's lines
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(MANIFEST)
    missing = error_text(mcp_server.call("kitaru_secrets_plan", {"manifest_path": str(manifest)}))
    assert "PLAN_TOKEN" in missing
    assert "PLAN_NEW" in missing
    absent = mcp_server.call("kitaru_secrets_plan", {"manifest_path": str(tmp_path / "no.yaml")})
    assert error_text(absent) == "manifest_path: no such file under the server's root directory"


def test_a_canary_never_appears_in_any_result_or_log(mcp_server: McpServer) -> None:
    """What this test's calls return and the server's stderr so far; the module's fixture
    checks every result of every test once they all ran, in whatever order."""
    before = len(mcp_server.seen)
    mcp_server.call("kitaru_secrets_create", {"name": "mcp-last", "values": {"K": CANARY}})
    mcp_server.call("kitaru_secrets_show", {"name_or_id": "mcp-last"})
    mcp_server.call("kitaru_secrets_list")
    mcp_server.call("kitaru_secrets_list", {"keys": True})
    assert len(mcp_server.seen) == before + 4
    seen = mcp_server.everything_seen()
    assert CANARY not in seen
    assert "Traceback" not in seen


def test_models_lists_aliases_with_references_only(mcp_server: McpServer) -> None:
    from kitaru.llm.registry import register

    create_secret("llm-creds", {"OPENAI_API_KEY": f"{CANARY}-llm"})
    register("fast", "openai/gpt-4o-mini", secret="llm-creds")
    listed = mcp_server.call("kitaru_models_list").structured_content
    assert listed == {
        "default": "fast",
        "aliases": [
            {
                "alias": "fast",
                "model": "openai/gpt-4o-mini",
                "provider": "openai",
                "secret": "llm-creds",
                "base_url": None,
                "default": True,
                "source": "file",
            }
        ],
    }
    assert CANARY not in mcp_server.everything_seen()
