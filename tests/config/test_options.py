"""kitaru.config.options: every option parses, every bad value is one line naming the file
and the option, and the JSON Schema and `--show-config` come from the same table."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kitaru.config.discover import tomllib
from kitaru.config.options import (
    DEFAULT,
    OPTIONS,
    RULE_OPTIONS,
    ConfigError,
    json_schema,
    parse,
    to_toml,
)

SOURCE = Path("/repo/kitaru.toml")
FULL: dict[str, Any] = {
    "select": ["KS"],
    "extend-select": ["KS5"],
    "ignore": ["KS202"],
    "per-file-ignores": {"legacy/**": ["KS203", "KS5"]},
    "severity": {"KS503": "warn", "KS202": "error"},
    "manifests": ["teams/*/secrets.yaml"],
    "rules": {
        "key-pattern": "[A-Z][A-Z0-9]*(_[A-Z0-9]+)*",
        "secret-name-pattern": "[a-z][a-z0-9-]*",
        "must-be-private": ["*-prod"],
        "required-keys": {"*-db": ["DB_URL", "DB_USER"]},
        "forbidden-keys": ["AWS_*", "DEBUG"],
    },
}


def test_every_option_of_the_table_parses() -> None:
    config = parse(FULL, SOURCE)
    assert config.select == ("KS",)
    assert config.extend_select == ("KS5",)
    assert config.ignore == ("KS202",)
    assert config.per_file_ignores == (("legacy/**", ("KS203", "KS5")),)
    assert config.severity == (("KS503", "warn"), ("KS202", "error"))
    assert config.manifests == ("teams/*/secrets.yaml",)
    rules = config.rules
    assert rules.key_pattern is not None and rules.key_pattern.pattern.startswith("[A-Z]")
    assert rules.secret_name_pattern is not None
    assert rules.must_be_private == ("*-prod",)
    assert rules.required_keys == (("*-db", ("DB_URL", "DB_USER")),)
    assert rules.forbidden() == (
        ("AWS_*", "the team's configuration forbids it"),
        ("DEBUG", "the team's configuration forbids it"),
    )
    # the test covers the whole table
    assert set(FULL) == {o.name for o in OPTIONS} | {"rules"}
    assert set(FULL["rules"]) == {o.name for o in RULE_OPTIONS}


def test_defaults_run_every_rule_and_no_rule_of_the_team() -> None:
    assert DEFAULT.select is None and DEFAULT.source is None
    assert DEFAULT.rules.forbidden() == ()


@pytest.mark.parametrize(
    ("table", "prefix", "message"),
    [
        (
            {"selct": []},
            "tool.kitaru",
            "[tool.kitaru] unknown option 'selct'; did you mean 'select'?",
        ),
        ({"zzz": []}, "", "kitaru.toml: unknown option 'zzz'; options: select, extend-select"),
        (
            {"rules": {"key-patern": "A"}},
            "tool.kitaru",
            "[tool.kitaru.rules] unknown option 'key-patern'; did you mean 'key-pattern'?",
        ),
        ({"rules": {"must-be-privat": []}}, "", "[rules] unknown option 'must-be-privat'; did"),
        ({"rules": 3}, "", "[rules] must be a table"),
        ({"select": "KS2"}, "", "select must be a list of rule codes"),
        ({"select": ["KS999"]}, "", "select 'KS999' is not a rule code or the start of one"),
        ({"select": ["KS20I"]}, "", "'KS20I' is not a rule code or the start of one; did you mean"),
        ({"extend-select": [1]}, "", "extend-select must be a list of rule codes"),
        ({"ignore": ["KS301"]}, "", "ignore KS301 cannot be ignored"),
        ({"ignore": ["KS001"]}, "", "ignore KS001 cannot be ignored: plan and apply refuse"),
        ({"per-file-ignores": ["a"]}, "", "per-file-ignores must be a table of glob"),
        ({"per-file-ignores": {"a/*": ["KS104"]}}, "", "KS104 cannot be ignored"),
        ({"per-file-ignores": {"../up/*": ["KS202"]}}, "", "must stay inside the config's folder"),
        ({"per-file-ignores": {"/etc/*": ["KS202"]}}, "", "must stay inside the config's folder"),
        ({"severity": {"KS202": "fatal"}}, "", 'severity KS202 must be "warn" or "error"'),
        ({"severity": {"KS2": "warn"}}, "", "severity 'KS2' is not a rule code"),
        ({"severity": {"KS301": "warn"}}, "", "severity KS301 cannot be re-graded"),
        ({"severity": []}, "", "severity must be a table of rule code"),
        ({"manifests": "teams/*.yaml"}, "", "manifests must be a list of relative glob"),
        ({"manifests": ["../other/secrets.yaml"]}, "", "must stay inside the config's folder"),
        ({"manifests": ["~/secrets.yaml"]}, "", "must stay inside the config's folder"),
        ({"manifests": [""]}, "", "globs must be 1 to 256 characters"),
        ({"manifests": ["x"] * 1001}, "", "manifests has more than 1000 entries"),
        ({"rules": {"key-pattern": 5}}, "", "[rules] key-pattern must be a regular expression"),
        ({"rules": {"key-pattern": "(A"}}, "", "key-pattern is not a valid regular expression ("),
        ({"rules": {"key-pattern": "(A+)+"}}, "", "key-pattern refused: a repetition inside"),
        ({"rules": {"secret-name-pattern": "x" * 300}}, "", "refused: longer than 256"),
        ({"rules": {"must-be-private": "a"}}, "", "must-be-private must be a list of secret-name"),
        ({"rules": {"required-keys": {"*": "A"}}}, "", "required-keys must be a table of"),
        ({"rules": {"required-keys": {"*": ["A-B"]}}}, "", "'A-B' is not a key name"),
        (
            {"rules": {"forbidden-keys": ["A*B"]}},
            "",
            "forbidden-keys (a 3-character string, not shown) is not a key name (or a prefix",
        ),
        ({"rules": {"forbidden-keys": [True]}}, "", "forbidden-keys must be a list of key names"),
    ],
)
def test_each_bad_option_is_one_line_naming_the_file_and_the_option(
    table: dict[str, Any], prefix: str, message: str
) -> None:
    source = SOURCE.with_name("pyproject.toml") if prefix else SOURCE
    with pytest.raises(ConfigError) as raised:
        parse(table, source, prefix)
    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith(f"{source}: ")
    assert message in text


def test_a_value_that_looks_like_a_credential_is_not_quoted() -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    for table in (
        {"select": [token]},
        {"rules": {"forbidden-keys": [token + "-"]}},
        {token: 1},
        {"manifests": ["/" + token]},
    ):
        with pytest.raises(ConfigError) as raised:
            parse(table, SOURCE)
        assert token not in str(raised.value)


def test_json_schema_accepts_the_full_example_and_refuses_what_parse_refuses() -> None:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(FULL, schema)
    for bad in (
        {"selct": []},
        {"rules": {"key-patern": "A"}},
        {"severity": {"KS202": "fatal"}},
        {"select": ["XY1"]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
    assert set(schema["properties"]) == {o.name for o in OPTIONS} | {"rules"}
    assert set(schema["properties"]["rules"]["properties"]) == {o.name for o in RULE_OPTIONS}


def test_show_config_text_is_toml_that_parses_back_to_the_same_config() -> None:
    config = parse(FULL, SOURCE)
    text = to_toml(config)
    assert text.startswith(f"# from {SOURCE}\n")
    again = parse(tomllib.loads(text), SOURCE)
    assert again == config
    assert re.search(r"^# besides forbidden-keys, KS206 always flags", text, re.MULTILINE)
    assert parse(tomllib.loads(to_toml(DEFAULT)), SOURCE) == replace(DEFAULT, source=SOURCE)


def test_the_readme_example_is_a_config_using_every_option() -> None:
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text()
    (block,) = re.findall(r"```toml\n(# pyproject.toml.+?)```", readme, re.DOTALL)
    table = tomllib.loads(block)["tool"]["kitaru"]
    jsonschema.validate(table, json_schema())
    config = parse(table, Path("/repo/pyproject.toml"), "tool.kitaru")
    assert set(table) == {o.name for o in OPTIONS} | {"rules"}
    assert set(table["rules"]) == {o.name for o in RULE_OPTIONS}
    assert config.rules.key_pattern is not None


def test_schema_command_prints_the_config_schema() -> None:
    import json

    from tests.conftest import Cli

    result = Cli()("secrets", "schema", "--config")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()
