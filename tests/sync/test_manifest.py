"""The manifest loader: positions, strictness, one line per problem, never an exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.errors import ManifestError
from kitaru.sync.manifest import (
    load_manifest,
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


@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_parse_never_raises(text: str | bytes) -> None:
    manifest, findings = parse_manifest(text, "m.yaml")
    assert (manifest is None) == bool(findings)
    for finding in findings:
        assert finding.line >= 1 and finding.col >= 1
        assert re.fullmatch(r"KS\d{3}", finding.code)


def test_example_manifest_is_valid() -> None:
    manifest = load_manifest(REPO / "examples" / "secrets.yaml")
    assert len(manifest.secrets) >= 3
    assert {s.private for s in manifest.secrets} == {True, False}
    assert any(s.prune for s in manifest.secrets)
    keys = [k for s in manifest.secrets for k in s.keys]
    assert any(k.from_ for k in keys) and any(k.optional for k in keys)
    first_line = (REPO / "examples" / "secrets.yaml").read_text().splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=../kitaru/sync/manifest.schema.json"


def test_loading_a_manifest_imports_neither_pydantic_nor_zenml() -> None:
    from tests.test_imports import imported_modules

    example = REPO / "examples" / "secrets.yaml"
    modules = imported_modules(
        f"from kitaru.sync import load_manifest\nload_manifest({str(example)!r})"
    )
    assert "kitaru.checks.manifest_rules" in modules
    assert not {"pydantic", "zenml"} & {name.split(".")[0] for name in modules}
