"""Fuzzing: any bytes, any YAML, any .env text give clean findings, never an exception."""

from __future__ import annotations

import re
import string
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.checks.credentials import is_random_looking
from kitaru.checks.envfile import validate_env
from kitaru.checks.findings import RULES, Finding
from kitaru.checks.validate import validate_manifest

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_clean(findings: list[Finding], data: str | bytes) -> None:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    last_line = len(re.split(r"\r\n|[\r\n\x85\u2028\u2029]", text))
    for finding in findings:
        assert finding.code in RULES
        assert 1 <= finding.line <= last_line + 1
        assert finding.col >= 1
        rendered = finding.render()
        assert "\n" not in rendered and "Traceback" not in rendered
    assert findings == sorted(findings)


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["A_KEY", "api_key", "Api_Key", "1BAD", "app", "", "sk-x", "KEY=v"]),
)
_yaml_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["version", "secrets", "name", "keys", "key", "from", "private"])
            | st.text(max_size=8),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    assert_clean(validate_manifest(data, "m.yaml"), data)
    assert_clean(validate_env(data, ".env"), data)


@FUZZ
@given(st.text(alphabet=string.printable + "\x85\u2028äé€", max_size=400))
def test_random_text(text: str) -> None:
    assert_clean(validate_manifest(text, "m.yaml"), text)
    assert_clean(validate_env(text, ".env"), text)


@FUZZ
@given(_yaml_values, st.booleans())
def test_random_yaml_documents(document: Any, flow: bool) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    assert_clean(validate_manifest(text, "m.yaml"), text)


_lines = st.lists(
    st.one_of(
        st.sampled_from(["", "# c", "export ", "  "]).flatmap(
            lambda head: st.tuples(
                st.just(head),
                st.sampled_from(["A", "b_key", "1X", "K K", ""]),
                st.sampled_from(["=", " = ", "= ", ""]),
                st.sampled_from(["v", '"multi', "'q'", '"a\\"b"', " # note", ""]),
            ).map("".join)
        ),
        st.text(max_size=20),
    ),
    max_size=12,
)


@FUZZ
@given(_lines, st.sampled_from(["\n", "\r\n"]))
def test_random_env_files(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    assert_clean(validate_env(text, ".env"), text)


# tokens the detector recognises: what it does not recognise is a name, and names are shown
_token = st.text(alphabet=string.ascii_letters + string.digits, min_size=36, max_size=36).filter(
    is_random_looking
)
_where = st.sampled_from(
    [
        "version: 1\nsecrets:\n  - name: {t}\n    keys: [A]\n",
        "version: 1\nsecrets:\n  - name: app\n    keys: [{t}]\n",
        "version: 1\nsecrets:\n  - name: app\n    keys:\n      - A: {t}\n",
        "version: 1\nsecrets:\n  - name: app\n    keys:\n      - key: A\n        from: {t}\n",
        "version: 1\nsecrets:\n  - name: app\n    {t}: 1\n    keys: [A]\n",
        "version: 1\nenv_file: {t}\nsecrets: []\n",
        "version: {t}\nsecrets: []\n",
        "# {t}\nversion: 1\nsecrets: [\n",
    ]
)


@FUZZ
@given(_token, _where, st.sampled_from(["ghp_", "sk-", ""]))
def test_a_pasted_token_never_reaches_a_message(token: str, where: str, prefix: str) -> None:
    text = where.format(t=prefix + token)
    findings = validate_manifest(text, "m.yaml")
    assert any(f.code == "KS301" for f in findings)
    for finding in findings:
        rendered = finding.render().lower()
        assert token[:12].lower() not in rendered
        assert token[-12:].lower() not in rendered
