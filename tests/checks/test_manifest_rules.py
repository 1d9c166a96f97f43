"""The manifest rules: the naming rules' codes and messages, one per problem, no pydantic."""

from __future__ import annotations

import subprocess
import sys

from kitaru.checks.manifest_rules import check_manifest, read_document
from kitaru.naming import key_problem, name_problem

HEAD = "version: 1\nsecrets:\n"


def test_names_and_keys_report_the_naming_rules_code_and_message() -> None:
    findings = check_manifest(HEAD + "  - name: ''\n    keys: [1A]\n", "m.yaml")
    rendered = [(f.code, f.message) for f in findings]
    assert rendered == [tuple(name_problem("")), tuple(key_problem("1A"))]  # type: ignore[arg-type]


def test_duplicates_name_their_visibility_and_first_line() -> None:
    text = HEAD + "  - name: app\n    private: true\n    keys: [A, A]\n"
    text += "  - name: app\n    keys: [A]\n  - name: app\n    private: true\n    keys: [B]\n"
    messages = [(f.line, f.code, f.message) for f in check_manifest(text, "m.yaml")]
    assert messages == [
        (5, "KS204", "duplicate key A in secret 'app' (first at line 5)"),
        (8, "KS104", "duplicate private secret 'app' (first at line 3)"),
    ]


def test_a_from_that_is_not_a_variable_is_ks205_unless_it_looks_like_a_value() -> None:
    text = HEAD + "  - name: app\n    keys:\n      - key: A\n        from: my-var\n"
    assert [f.code for f in check_manifest(text, "m.yaml")] == ["KS205"]
    token = "gh" + "p_" + "Ab1c" * 9  # built here: no token-shaped literal in the repository
    assert [f.code for f in check_manifest(text.replace("my-var", token), "m.yaml")] == ["KS301"]


def test_data_is_kept_only_for_a_clean_document() -> None:
    clean = read_document(HEAD + "  - name: app\n    keys: [A]\n", "m.yaml")
    assert clean.data == clean.tree and clean.findings == []
    dirty = read_document(HEAD + "  - name: app\n    keys: [a-b]\n", "m.yaml")
    assert dirty.data is None and dirty.tree is not None and dirty.findings
    assert dirty.position("secrets", 0, "keys", 0) == (4, 12)


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
