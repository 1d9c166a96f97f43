"""The naming rules and ``shown``: one rule for SDK and manifests; no unquotable input shown."""

from __future__ import annotations

import string

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kitaru.checks.manifest_rules import check_manifest
from kitaru.checks.validate import validate_manifest
from kitaru.errors import InvalidSecretError
from kitaru.naming import (
    KEY_PATTERN,
    SAFE_NAME_PATTERN,
    check_name,
    check_values,
    is_quotable,
    is_valid_key,
    key_problem,
    name_problem,
    scrub,
    shown,
    shown_path,
)

# What a careless user puts in the wrong place: a value with '=', ':', spaces or unicode.
WRONG_PLACE = " =:@é€ü\u00a0'\"!,;"
_WORD = st.text(string.ascii_letters + string.digits, min_size=4, max_size=12)
canaries = st.builds(
    lambda head, mark, tail: f"{head}{mark}{tail}",
    _WORD,
    st.text(WRONG_PLACE, min_size=1, max_size=3),
    _WORD,
)
_ANY = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot reach YAML
names = st.one_of(
    st.text(_ANY, max_size=20),
    st.from_regex(SAFE_NAME_PATTERN, fullmatch=True).filter(lambda n: len(n) < 300),
    st.from_regex(KEY_PATTERN, fullmatch=True),
    st.uuids().map(str),
    st.sampled_from(["app", "db.creds", "x y", "-app", "a" * 255, "a" * 256, " app", ""]),
    st.builds(
        lambda b: "gh" + "p_" + b,
        st.text(string.ascii_letters + string.digits, min_size=36, max_size=36),
    ),
)


@given(canaries)
@settings(max_examples=300)
def test_shown_quotes_only_name_shaped_text(canary: str) -> None:
    assert not is_quotable(canary)
    assert canary not in shown(canary)
    assert canary not in shown_path(canary)
    assert canary not in shown_path(f"dir/{canary}/.env")


@given(canaries, st.sampled_from(["--{c}", "--{c}=x", "--K={c}", "{c}", "-o", "--{c}=={c}"]))
@settings(max_examples=300)
def test_scrub_hides_every_typed_value_in_click_messages(canary: str, arg: str) -> None:
    typed = ["secrets", "plan", arg.format(c=canary)]
    for template in (
        "No such option: {a}",
        "No such option {r}.",
        "extra argument ({a})",
        "Invalid value: {r} is not one of 'text'",
        "{head}",
        "{tail}",
    ):
        a = typed[-1]
        message = template.format(a=a, r=repr(a), head=a.split("=", 1)[0], tail=a.split("=", 1)[-1])
        assert canary not in scrub(message, typed)
    assert scrub("No such option: --OUTPUT", ["--OUTPUT"]) == "No such option: --OUTPUT"


class _Quoted(yaml.SafeDumper):
    """Every string double-quoted: PyYAML writes YAML 1.1, where `0E0` stays a plain string,
    but the manifest loader reads YAML 1.2, where it is a number."""


_Quoted.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
)


def _manifest(name: str = "app", key: str = "A") -> str:
    document = {"version": 1, "secrets": [{"name": name, "keys": [key]}]}
    return yaml.dump(document, Dumper=_Quoted)


@given(names)
@settings(max_examples=400)
def test_manifest_and_sdk_accept_exactly_the_same_secret_names(name: str) -> None:
    problem = name_problem(name)
    sdk_refuses = problem is not None
    if sdk_refuses:
        with pytest.raises(InvalidSecretError):
            check_name(name)
    loader = check_manifest(_manifest(name=name), "m.yaml")
    assert bool(loader) == sdk_refuses, (name, loader)
    if problem is not None:
        assert [f.code for f in loader] == [problem.code]
    linted = [f for f in validate_manifest(_manifest(name=name), "m.yaml") if f.is_error]
    assert bool(linted) == sdk_refuses, (name, linted)


@given(names)
@settings(max_examples=400)
def test_manifest_and_sdk_accept_exactly_the_same_key_names(key: str) -> None:
    sdk_refuses = key_problem(key) is not None
    try:
        check_values("app", {key: "v"})
    except InvalidSecretError:
        refused = True
    else:
        refused = False
    assert refused == sdk_refuses
    loader = check_manifest(_manifest(key=key), "m.yaml")
    assert bool(loader) == sdk_refuses, (key, loader)


def test_a_uuid_shaped_name_is_refused_alike() -> None:
    uuid = "8a2f4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b"
    problem = name_problem(uuid)
    assert problem is not None and problem.code == "KS105"
    (finding,) = check_manifest(_manifest(name=uuid), "m.yaml")
    assert finding.code == "KS105"


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"A": "x\udcffy"}, "the value of A is not UTF-8 text"),
        ({"A\udcff": "v"}, "invalid key name (a 2-character string, not shown)"),
        ({"A": ""}, "the value of A is empty"),
        ({"A": " \t\n"}, "the value of A is empty"),
    ],
)
def test_bad_values_are_one_clear_line(values: dict[str, str], needle: str) -> None:
    with pytest.raises(InvalidSecretError) as caught:
        check_values("app", values)
    assert needle in str(caught.value)
    assert "\n" not in str(caught.value)
    check_values("app", {"A": "", "B": "  "}, allow_empty=True)


def test_a_name_that_is_not_utf8_is_refused_without_being_shown() -> None:
    with pytest.raises(InvalidSecretError) as caught:
        check_name("app\udcff")
    assert "\udcff" not in str(caught.value)


def test_case_and_collision_rules_speak_once_for_every_checker() -> None:
    from kitaru.checks.envfile import validate_env
    from kitaru.checks.validate import validate_manifest
    from kitaru.naming import case_problem, collision_problem, key_problem

    assert case_problem("API_KEY") is None
    assert collision_problem("API_KEY", "API_KEY", 1) is None
    assert collision_problem("B", "A", 1) is None
    manifest = "version: 1\nsecrets:\n  - name: app\n    keys: [API, 1A, api, Api]\n"
    env = "API=x\n1A=x\napi=x\nApi=x\n"
    checked = [(validate_manifest(manifest, "m.yaml"), 4), (validate_env(env, ".env"), 1)]
    for findings, first_line in checked:
        first_by_code: dict[str, str] = {}
        for finding in findings:
            first_by_code.setdefault(finding.code, finding.message)
        expected = [
            key_problem("1A"),
            case_problem("api"),
            collision_problem("api", "API", first_line),
        ]
        assert [(p.code, first_by_code[p.code]) for p in expected if p] == [
            tuple(p) for p in expected if p
        ]


def test_visibility_has_one_word_each() -> None:
    from kitaru.naming import visibility_word

    assert (visibility_word(True), visibility_word(False)) == ("private", "public")


# --- found in review: each a class of input that must not be quoted or accepted ---------


@pytest.mark.parametrize(
    "path",
    ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "abcDEF123/ghiJKL456/mnoPQR789xyz"],
)
def test_a_token_with_slashes_is_not_quoted_as_a_path(path: str) -> None:
    assert path not in shown_path(path)


@pytest.mark.parametrize(
    "path", [".env", "examples/secrets.yaml", "/Users/Me/Projects2024/app/secrets.yaml"]
)
def test_ordinary_paths_are_still_quoted(path: str) -> None:
    assert shown_path(path) == path


def test_a_value_stuck_to_a_short_option_is_scrubbed() -> None:
    value = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
    message = f"Invalid value for '--output' / '-o': '{value}' is not one of 'text', 'json'."
    assert value not in scrub(message, [f"-o{value}"])


def test_a_hex_token_typed_as_a_name_is_not_quoted_by_its_id_rule() -> None:
    problem = name_problem("9f86d081884c7d659a2feaa0c55ad015")
    assert problem is not None and problem.code == "KS105"
    assert "9f86d081" not in problem.message


@pytest.mark.parametrize("text", ["API_KEY\n", "app\n", "PATH\n"])
def test_a_trailing_newline_makes_no_name_or_key(text: str) -> None:
    assert not is_valid_key(text)
    assert key_problem(text) is not None
    assert name_problem(text) is not None
