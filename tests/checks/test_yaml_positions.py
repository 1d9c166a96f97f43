"""The position-keeping YAML loader: plain data, where each part is written, never a raise."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.checks.manifest_rules import check_manifest
from kitaru.checks.yaml_positions import START, Position, PositionedYaml


def _read(text: str) -> tuple[object, PositionedYaml]:
    positions = PositionedYaml("f.yaml")
    node = positions.compose(text)
    return (positions.convert(node) if node is not None else None), positions


def test_values_and_keys_keep_their_positions() -> None:
    data, positions = _read("a:\n  - x\n  - {k: 1}\nb: yes\n")
    assert data == {"a": ["x", {"k": 1}], "b": "yes"}
    assert positions.at(("a", 0)) == Position(2, 5)
    assert positions.at(("a", 1, "k")) == Position(3, 9)
    assert positions.keys[("a", 1, "k")] == Position(3, 6)
    assert positions.key_at(("b",)) == Position(4, 1)
    assert positions.at(("a", 1, "missing")) == Position(3, 5)  # the closest known part
    assert positions.findings == []


def test_yaml_problems_are_positioned_findings() -> None:
    _, positions = _read("a: 1\na: 2\nb: !!python/name:os.system x\nc:\n  <<: {d: 1}\n")
    assert [(f.line, f.col, f.code) for f in positions.findings] == [
        (2, 1, "KS002"),
        (3, 4, "KS004"),
        (5, 3, "KS004"),
    ]


def test_a_syntax_error_is_ks001_where_it_is() -> None:
    data, positions = _read("a: [1, 2\nb: c\n")
    assert data is None
    ((finding,),) = [positions.findings]
    assert finding.code == "KS001" and (finding.line, finding.col) > START


@given(st.text(max_size=200))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_reading_never_raises(text: str) -> None:
    positions = PositionedYaml("f.yaml")
    node = positions.compose(text)
    if node is not None:
        try:
            positions.convert(node)
        except Exception as err:  # only the documented budget error may escape
            assert type(err).__name__ == "TooLarge"
    assert all(re.fullmatch(r"KS\d{3}", f.code) for f in positions.findings)


def test_yaml_1_1_booleans_stay_strings() -> None:
    text = "version: 1\nsecrets:\n  - name: n\n    keys: [NO, ON, Y]\n    private: yes\n"
    findings = check_manifest(text, "m.yaml")
    assert [f.render() for f in findings] == ["m.yaml:5:14: KS004 'private' must be true or false"]


def test_recursive_alias_is_a_finding() -> None:
    findings = check_manifest("a: &x [*x]\n", "m.yaml")
    assert [f.code for f in findings] == ["KS004"]


def test_alias_bomb_is_bounded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    findings = check_manifest("\n".join(lines), "m.yaml")
    assert findings and findings[0].code == "KS004"
