"""Careless input (issue 15, cases 1, 2 and 10), through every command on a real store.

1. A value typed in the wrong place (':' for '=', a shell-expanded variable, a token in a
   manifest's `keys:` or `from:`, a swapped mapping) never appears in any output or error.
2. An empty value never overwrites a stored credential unless asked (--allow-empty).
10. Input that is not UTF-8 and UUID-shaped names get one clear line each.
"""

from __future__ import annotations

import json
import logging
import os
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import Result

import kitaru
from kitaru.errors import KitaruError
from tests.conftest import Cli, KitaruEnv, all_output

WRONG_PLACE = " =:@é€ü\u00a0'!,;"
_WORD = st.text(string.ascii_letters + string.digits, min_size=4, max_size=10)
canaries = st.builds(
    lambda head, mark, tail: f"kc{head}{mark}{tail}",
    _WORD,
    st.text(WRONG_PLACE, min_size=1, max_size=3),
    _WORD,
)
STORE_EXAMPLES = settings(
    max_examples=int(os.environ.get("KITARU_TEST_EXAMPLES", "25")),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking costs minutes here
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _bad_manifest(canary: str) -> str:
    q = json.dumps(canary)
    return (
        "version: 1\n"
        "secrets:\n"
        f"  - name: {q}\n"
        "    keys: [A]\n"
        "  - name: app\n"
        f"    {q}: true\n"
        "    keys:\n"
        f"      - {q}\n"
        f"      - B: {q}\n"
        f"      - key: C\n        from: {q}\n"
    )


def _sdk_errors(canary: str) -> list[str]:
    calls: list[Callable[[], object]] = [
        lambda: kitaru.create_secret(canary, {"K": "v"}),
        lambda: kitaru.create_secret("sdk-app", {canary: "GITHUB_TOKEN"}),  # swapped mapping
        lambda: kitaru.set_secret("sdk-app", {canary: "K"}),
        lambda: kitaru.get_secret(canary),
        lambda: kitaru.delete_secret(canary),
    ]
    messages = []
    for call in calls:
        with pytest.raises(KitaruError) as caught:
            call()
        messages.append(str(caught.value))
    return messages


def _mcp_errors(canary: str) -> list[str]:
    from importlib.util import find_spec

    if find_spec("mcp") is None:  # the kitaru[mcp] extra is absent (ZenML before 0.94.1)
        return []
    from kitaru.mcp.tools import SecretTools

    tools = SecretTools()
    results = [
        tools.create(canary, {"K": "v"}),
        tools.create("mcp-app", {canary: "K"}),
        tools.create("mcp-app", {"K": ""}),
        tools.show(canary),
    ]
    assert all(result.is_error for result in results)
    return [block.text for result in results for block in result.content]  # type: ignore[union-attr]


@given(canary=canaries)
@STORE_EXAMPLES
def test_a_value_in_the_wrong_place_never_appears_in_any_output(
    embedded_store: KitaruEnv,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    canary: str,
) -> None:
    caplog.set_level(logging.DEBUG, logger="kitaru")
    kitaru.list_secrets()  # ZenML wraps the stdout it first sees: let that be pytest's
    cli = Cli()
    work = embedded_store.root / "work"
    work.mkdir(exist_ok=True)
    bad = work / "bad.yaml"
    bad.write_text(_bad_manifest(canary))
    needs_env = work / "needs-env.yaml"
    needs_env.write_text(
        f"version: 1\nenv_file: {json.dumps(canary)}\nsecrets:\n"
        "  - name: app\n    keys: [KC_UNSET_VAR]\n"
    )
    dotenv = work / "bad.env"
    dotenv.write_text(
        f"{canary}\n{canary}=v\nK{canary}\nGOOD={canary}\n{canary} = v\nQ='{canary}\n"
    )
    monkeypatch.setenv("KC_CANARY_VAR", canary)
    results: list[Result] = [
        cli("secrets", "set", "app", f"--K:{canary}"),
        cli("secrets", "set", "app", f"--{canary}"),
        cli("secrets", "set", "app", f"--{canary}=v"),
        cli("secrets", "set", "app", canary),
        cli("secrets", "set", "app", "--from-env", f"K={canary}"),
        cli("secrets", "set", "app", "--from-env", canary),
        cli("secrets", "set", "app", "--from-dotenv", canary),
        cli("secrets", "set", "app", "--from-dotenv", str(dotenv)),
        cli("secrets", "set", canary, "--K=v"),
        cli("secrets", "show", canary),
        cli("secrets", "delete", canary, "--private"),
        cli("secrets", "show", "app", canary),
        cli("secrets", "list", "-o", canary),
        cli("secrets", "plan", f"--{canary}"),
        cli("secrets", "plan", f"--K:{canary}"),
        cli("secrets", "plan", "-f", canary),
        cli("secrets", "plan", "-f", str(bad), "-o", "json"),
        cli("secrets", "apply", "-f", str(bad), "-o", "github"),
        cli("secrets", "apply", "-f", str(needs_env)),
        cli("secrets", "plan", "-f", str(needs_env), "--env-file", canary),
        cli("secrets", "validate", canary),
        cli("secrets", "validate", str(bad), "--format", "json"),
        cli("secrets", "validate-env", str(dotenv), "--format", "json"),
        cli("secrets", "validate-env", canary),
        cli("secrets", canary),
        cli(f"--{canary}"),
        # the right place: written, then read back without values
        cli("secrets", "set", "app", f"--K={canary}", "--from-env", "E=KC_CANARY_VAR"),
        cli("secrets", "set", "app", "--P=-", input=canary),
        cli("secrets", "show", "app"),
        cli("secrets", "show", "app", "-o", "json"),
        cli("secrets", "list"),
    ]
    assert all(r.exit_code == 0 for r in results[-5:])
    text = all_output(results) + "\n".join(_sdk_errors(canary) + _mcp_errors(canary))
    text += caplog.text
    assert canary not in text
    assert "Traceback" not in text
    assert "KITARU_DEBUG" not in text  # no "unexpected SomeError" anywhere
    assert kitaru.get_secret("app").values["K"] == canary


@given(canary=canaries)
@settings(max_examples=100, deadline=None)
def test_usage_errors_never_show_a_value_typed_in_the_wrong_place(canary: str) -> None:
    """Commands that fail before any store opens, so no store is needed."""
    cli = Cli()
    results = [
        cli("secrets", "plan", f"--{canary}"),
        cli("secrets", "apply", f"--K:{canary}", "--dry-run"),
        cli("secrets", "show", "app", canary),
        cli("secrets", "delete", "app", f"--{canary}=x"),
        cli("secrets", "list", "-o", canary),
        cli("secrets", "list", f"--output={canary}"),
        cli("secrets", "validate", "--format", canary),
        cli("secrets", "validate", canary),
        cli("secrets", "validate-env", canary),
        cli("secrets", canary),
        cli(canary),
        cli("secrets", "set", "app", canary),
        cli("secrets", "set", "app", f"--K:{canary}"),
        cli("secrets", "set", "app", "--from-env", f"K={canary}"),
        cli("secrets", "set", "app", "--from-dotenv", canary),
        cli("secrets", "set", "app", "--output", canary, "--K=v"),
        cli("secrets", "plan", "--max-age", canary),
        cli("secrets", "apply", "--plan", canary),
        cli("secrets", "plan", "--out", canary, "--target", canary),
    ]
    assert all(r.exit_code in (1, 2) for r in results), [r.exit_code for r in results]
    text = all_output(results)
    assert canary not in text
    assert "Traceback" not in text


def test_typed_wrongly_the_user_still_learns_where(embedded_store: KitaruEnv) -> None:
    cli = Cli()
    colon = cli("secrets", "set", "app", "--API_KEY:hunter2")
    assert colon.exit_code == 2
    assert "argument 1 (a 17-character string, not shown) is not of the form" in colon.stderr
    expanded = cli("secrets", "set", "app", "--from-env", "GITHUB_TOKEN=gh-xyz:abc")
    assert "if the shell expanded $VAR, write GITHUB_TOKEN=VAR" in expanded.stderr
    unknown = cli("secrets", "plan", "--API_KEY:hunter2")
    assert "No such option: (a 17-character string, not shown)" in unknown.stderr
    named = cli("secrets", "plan", "--prnue")
    assert "--prnue" in named.stderr  # name-shaped input stays quoted


# --- case 2: empty values ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["--from-env", "K=KC_EMPTY"], None),
        (["--from-env", "K=KC_BLANK"], None),
        (["--K=-"], "\n"),
        (["--K=-"], ""),
        (["--K=-"], " \r\n"),
        (["--K="], None),
        (["--K=  "], None),
        (["--from-dotenv", "{dotenv}"], None),
    ],
)
def test_an_empty_value_never_overwrites_a_credential(
    embedded_store: KitaruEnv,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    stdin: str | None,
) -> None:
    cli = Cli()
    dotenv = embedded_store.root / "empty.env"
    dotenv.write_text("K=\n")
    monkeypatch.setenv("KC_EMPTY", "")
    monkeypatch.setenv("KC_BLANK", "  ")
    args = [arg.format(dotenv=dotenv) for arg in args]
    assert cli("secrets", "set", "app", "--K=real-credential").exit_code == 0
    refused = cli("secrets", "set", "app", *args, input=stdin)
    assert refused.exit_code == 2
    assert "the value of K is empty" in refused.stderr
    assert "--allow-empty" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert kitaru.get_secret("app").values == {"K": "real-credential"}
    allowed = cli("secrets", "set", "app", *args, "--allow-empty", input=stdin)
    assert allowed.exit_code == 0, allowed.stderr
    assert kitaru.get_secret("app").values["K"].strip() == ""


def test_the_sdk_and_mcp_refuse_empty_values_too(embedded_store: KitaruEnv) -> None:
    from kitaru.errors import InvalidSecretError
    from kitaru.mcp.tools import SecretTools

    kitaru.create_secret("app", {"K": "real"})
    for call in (
        lambda: kitaru.set_secret("app", {"K": ""}),
        lambda: kitaru.create_secret("new", {"K": " "}),
    ):
        with pytest.raises(InvalidSecretError, match="the value of K is empty"):
            call()
    result = SecretTools().create("mcp-new", {"K": ""})
    assert result.is_error
    assert kitaru.get_secret("app").values == {"K": "real"}
    assert kitaru.set_secret("app", {"K": ""}, allow_empty=True).keys == ["K"]
    assert kitaru.get_secret("app").values == {"K": ""}
    assert [s.name for s in kitaru.list_secrets()] == ["app"]


@pytest.mark.parametrize(
    ("stdin", "stored"),
    [("v\n", "v"), ("v\r\n", "v"), ("v", "v"), ("v\n\n", "v\n"), (" v \n", " v ")],
)
def test_stdin_loses_one_trailing_newline_and_nothing_else(
    embedded_store: KitaruEnv, stdin: str, stored: str
) -> None:
    assert Cli()("secrets", "set", "app", "--K=-", input=stdin).exit_code == 0
    assert kitaru.get_secret("app").values == {"K": stored}


# --- case 10: not UTF-8, UUID-shaped names ------------------------------------------------


def _one_clear_line(result: Result, code: int, needle: str) -> None:
    assert result.exit_code == code, result.stderr
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unexpected" not in result.stderr


def test_values_that_are_not_utf8_get_one_clear_line(
    embedded_store: KitaruEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli()
    monkeypatch.setenv("KC_BYTES", "ab\udcff")  # how Python sees undecodable environ bytes
    dotenv = embedded_store.root / "latin1.env"
    dotenv.write_bytes(b"K=caf\xe9\n")
    _one_clear_line(cli("secrets", "set", "app", "--K=ab\udcff"), 2, "not UTF-8 text")
    _one_clear_line(cli("secrets", "set", "app", "--from-env", "K=KC_BYTES"), 2, "not UTF-8 text")
    # A file that does not read is an input error (exit 1), as for plan and apply.
    _one_clear_line(cli("secrets", "set", "app", "--from-dotenv", str(dotenv)), 1, "not UTF-8 text")
    piped = cli.runner.invoke(cli.app, ["secrets", "set", "app", "--K=-"], input=b"\xff\xfe")
    _one_clear_line(piped, 2, "standard input is not UTF-8 text")
    _one_clear_line(cli("secrets", "set", "app\udcff", "--K=v"), 1, "may only use letters")
    _one_clear_line(cli("secrets", "show", "app\udcff"), 1, "no secret (a 4-character")
    manifest = embedded_store.root / "secrets.yaml"
    manifest.write_text("version: 1\nsecrets:\n  - name: app\n    keys: [KC_BYTES]\n")
    for command in ("plan", "apply"):
        _one_clear_line(
            cli("secrets", command, "-f", str(manifest)),
            1,
            "1 value(s) are not UTF-8 text (bytes the terminal or file did not encode as UTF-8)",
        )
    assert kitaru.list_secrets() == []


def test_a_manifest_cannot_declare_a_uuid_shaped_name(tmp_path: Path) -> None:
    manifest = tmp_path / "secrets.yaml"
    uuid = "8a2f4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b"
    manifest.write_text(f"version: 1\nsecrets:\n  - name: {uuid}\n    keys: [A]\n")
    cli = Cli()
    for command in ("plan", "apply"):
        result = cli("secrets", command, "-f", str(manifest))
        assert result.exit_code == 1
        assert f"{manifest}:3:11: KS105 secret name '{uuid}' has the shape of an ID" in (
            result.stderr
        )
    assert cli("secrets", "validate", str(manifest)).exit_code == 1
    with pytest.raises(KitaruError, match="has the shape of an ID"):
        kitaru.create_secret(uuid, {"A": "v"})
