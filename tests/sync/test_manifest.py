"""The manifest loader: positions, strictness, one line per problem, never an exception."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.checks.manifest_rules import check_manifest
from kitaru.errors import ManifestError
from kitaru.sync.manifest import (
    Manifest,
    load_manifest,
    manifest_json_schema,
    parse_manifest,
    read_manifest,
)
from tests.conftest import REPO

BAD = Path(__file__).parent / "manifests" / "bad"
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (KS\d{3})$", re.MULTILINE)

GOOD = """\
version: 1
env_file: .env
secrets:
  - name: openai-creds
    private: true
    keys:
      - OPENAI_API_KEY
      - key: OPENAI_ORG_ID
        from: OPENAI_ORGANIZATION
        optional: true
  - name: github-creds
    prune: true
    keys: [GITHUB_TOKEN]
"""


def test_good_manifest_loads_with_positions() -> None:
    manifest, findings = parse_manifest(GOOD, "secrets.yaml")
    assert findings == []
    assert manifest is not None
    assert manifest.path == "secrets.yaml"
    openai, github = manifest.secrets
    assert (openai.name, openai.private, openai.prune) == ("openai-creds", True, False)
    assert (github.private, github.prune) == (False, True)
    assert openai.position == (4, 5)
    assert [(k.key, k.env_var, k.optional, k.position) for k in openai.keys] == [
        ("OPENAI_API_KEY", "OPENAI_API_KEY", False, (7, 9)),
        ("OPENAI_ORG_ID", "OPENAI_ORGANIZATION", True, (8, 9)),
    ]
    assert github.keys[0].position == (13, 12)


def test_env_file_is_relative_to_the_manifest(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "secrets.yaml"
    path.parent.mkdir()
    path.write_text(GOOD)
    assert load_manifest(path).env_file_path() == path.parent / ".env"


def test_yaml_1_1_booleans_stay_strings() -> None:
    text = "version: 1\nsecrets:\n  - name: n\n    keys: [NO, ON, Y]\n    private: yes\n"
    manifest, findings = parse_manifest(text, "m.yaml")
    assert manifest is None
    assert [f.render() for f in findings] == ["m.yaml:5:14: KS004 'private' must be true or false"]


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.stem)
def test_bad_manifest_gives_one_line_per_problem(path: Path) -> None:
    text = path.read_text()
    expected = [f"{path}:{line}:{col}: {code}" for line, col, code in EXPECT.findall(text)]
    assert expected, f"{path.name} has no '# expect:' lines"
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    lines = caught.value.findings
    assert [line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in lines] == expected
    assert all("\n" not in line and "Traceback" not in line for line in lines)
    assert "replace-me" not in str(caught.value)


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    manifest, findings = read_manifest(tmp_path / "missing.yaml")
    assert manifest is None
    assert findings[0].code == "KS007"
    assert findings[0].render().startswith(f"{tmp_path / 'missing.yaml'}:1:1: KS007")


def test_recursive_alias_is_a_finding() -> None:
    findings = check_manifest("a: &x [*x]\n", "m.yaml")
    assert [f.code for f in findings] == ["KS004"]


def test_alias_bomb_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    findings = check_manifest("\n".join(lines), "m.yaml")
    assert findings and findings[0].code == "KS004"


def test_schema_describes_version_one() -> None:
    schema = manifest_json_schema()
    assert schema["properties"]["version"]["const"] == 1
    assert schema["additionalProperties"] is False
    secret = schema["$defs"]["SecretSpec"]
    assert set(secret["properties"]) == {"name", "private", "prune", "keys"}
    items = secret["properties"]["keys"]["items"]["anyOf"]
    assert {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"} in items


@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_parse_never_raises(text: str | bytes) -> None:
    manifest, findings = parse_manifest(text, "m.yaml")
    assert (manifest is None) == bool(findings)
    for finding in findings:
        assert finding.line >= 1 and finding.col >= 1
        assert re.fullmatch(r"KS\d{3}", finding.code)


# Documents close to valid ones, so the structural rules are exercised near their edges.
_scalar = st.sampled_from([None, True, False, 0, 1, 2, 1.0, "", "yes", "1", "A_KEY", "b-key"])
_value = st.one_of(_scalar, st.lists(_scalar, max_size=2), st.just({"key": "A_KEY"}))
_key_entry = st.one_of(
    st.sampled_from(["A_KEY", "B_KEY", "c_key", 3, None]),
    st.dictionaries(
        st.sampled_from(["key", "from", "optional", "opt", "value"]),
        st.one_of(_scalar, st.sampled_from(["A_KEY", "B_KEY", "FROM_VAR"])),
        max_size=3,
    ),
)
_secret = st.one_of(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["app", "db.creds", "x y", 5])},
        optional={
            "private": st.one_of(st.booleans(), _scalar),
            "prune": st.one_of(st.booleans(), _scalar),
            "keys": st.one_of(st.lists(_key_entry, max_size=3), _scalar),
            "privte": _scalar,
        },
    ),
    _scalar,
)
_document = st.fixed_dictionaries(
    {},
    optional={
        "version": st.one_of(st.just(1), _scalar),
        "env_file": st.one_of(st.just(".env"), _scalar),
        "secrets": st.one_of(st.lists(_secret, max_size=3), _value),
        "extra": _scalar,
    },
)
_STRUCTURAL = {"KS003", "KS004", "KS005", "KS006"}


_EDITOR = jsonschema.Draft202012Validator(manifest_json_schema())


def _plain(manifest: Manifest) -> dict[str, Any]:
    """The manifest back as the mapping it was read from, with every default written out."""
    return {
        "version": manifest.version,
        "env_file": manifest.env_file,
        "secrets": [
            {
                "name": s.name,
                "private": s.private,
                "prune": s.prune,
                "keys": [{"key": k.key, "from": k.from_, "optional": k.optional} for k in s.keys],
            }
            for s in manifest.secrets
        ],
    }


def _with_defaults(document: dict[str, Any]) -> dict[str, Any]:
    defaults = {"private": False, "prune": False}
    key_defaults = {"from": None, "optional": False}
    return {
        "version": document["version"],
        "env_file": document.get("env_file"),
        "secrets": [
            {
                **defaults,
                **secret,
                "keys": [
                    {**key_defaults, **({"key": k} if isinstance(k, str) else k)}
                    for k in secret["keys"]
                ],
            }
            for secret in document["secrets"]
        ],
    }


@given(_document)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_checks_agree_with_the_json_schema(document: dict[str, Any]) -> None:
    """The checks and the JSON Schema editors use come from one schema: they agree."""
    text = yaml.safe_dump(document, sort_keys=False)
    manifest, findings = parse_manifest(text, "m.yaml")
    accepted = _EDITOR.is_valid(document)
    if manifest is not None:
        assert accepted
        assert _plain(manifest) == _with_defaults(document)
    if not accepted:
        assert findings
    else:
        assert not {f.code for f in findings} & _STRUCTURAL


def test_example_manifest_is_valid() -> None:
    manifest = load_manifest(REPO / "examples" / "secrets.yaml")
    assert len(manifest.secrets) >= 3
    assert {s.private for s in manifest.secrets} == {True, False}
    assert any(s.prune for s in manifest.secrets)
    keys = [k for s in manifest.secrets for k in s.keys]
    assert any(k.from_ for k in keys) and any(k.optional for k in keys)
    first_line = (REPO / "examples" / "secrets.yaml").read_text().splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../kitaru/sync/manifest.schema.json"


def test_checks_import_neither_pydantic_nor_zenml() -> None:
    code = (
        "import sys; from kitaru.checks.manifest_rules import check_manifest; "
        "check_manifest('version: 1\\nsecrets: []\\n', 'm.yaml'); "
        "heavy = ('pydantic', 'zenml', 'dotenv'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
