"""Untrusted text through every output format: no raw control, no injected command.

Names and key names come from the store, where any co-user may have written them.
The renderers are pure, so hostile observed state is built directly here; the CLI
tests in tests/cli/test_hostile_names.py put such names into a real store.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kitaru.safe_text import (
    UNSAFE,
    annotation_data,
    annotation_property,
    for_terminal,
    markdown_code,
    markdown_text,
    to_json,
)
from kitaru.store.base import StoredSecret
from kitaru.sync.apply import execute
from kitaru.sync.observe import Observed
from kitaru.sync.plan import make_plan
from kitaru.sync.report import FORMATS, render
from kitaru.sync.report.github import annotation
from kitaru.sync.sources import Desired
from tests.sync.report.scenarios import FailingStore
from tests.sync.stores import MemoryStore
from tests.sync.test_plan import desired_secret

DANGER = list("\n\r\t\x00\x07\x08\x1b\x7f\x85\x9b\u2028\u2029\u202a\u202e\u2066\u2069\ufeff")
PIECES = ["::error::owned", "::stop-commands::tok", "\x1b]0;title\x07", "\x1b[2J", "%0A", ":"]
HOSTILE = st.lists(
    st.sampled_from(PIECES) | st.text(st.sampled_from(DANGER) | st.characters(), max_size=4),
    max_size=6,
).map("".join)
NONEMPTY = HOSTILE.filter(bool)
# Kitaru's own colour codes are the only escape sequences allowed in text output.
KITARU_SGR = re.compile(r"\x1b\[[0-9;]*m")
KITARU_COMMAND = re.compile(r"^::(error|warning|notice)( [^:]*)?::")


def assert_safe_output(out: str, fmt: str) -> None:
    """No raw control besides line breaks; a line starting a workflow command is one
    kitaru wrote (github format only), and it holds no second ``::``."""
    text = KITARU_SGR.sub("", out)
    for line in text.split("\n"):
        assert not UNSAFE.search(line), (fmt, line)
        command = KITARU_COMMAND.match(line)
        if fmt == "github" and command:
            assert "::" not in line[command.end() :], line
        else:
            assert not line.lstrip().startswith("::"), (fmt, line)
            if fmt != "json":  # JSON keeps exact text; a "::" inside a string starts no line
                assert "::" not in line, (fmt, line)


@given(HOSTILE)
def test_terminal_text_has_no_control_and_no_command_start(text: str) -> None:
    safe = for_terminal(text)
    assert not UNSAFE.search(safe)
    assert "::" not in safe
    assert for_terminal("plain-name_1.2") == "plain-name_1.2"


def test_escapes_are_visible_and_named() -> None:
    assert for_terminal("a\nb\x1b[2J\u202e") == "a\\x0ab\\x1b[2J\\u202e"
    assert for_terminal("\n::error::x") == "\\x0a:\\x3aerror:\\x3ax"


@given(HOSTILE)
def test_github_escaping_is_the_runners(text: str) -> None:
    data = annotation_data(text)
    prop = annotation_property(text)
    for escaped in (data, prop):
        assert not UNSAFE.search(escaped) and "\n" not in escaped and "::" not in escaped
    assert ":" not in prop and "," not in prop
    assert annotation_data("50%\r\n") == "50%25%0D%0A"
    assert annotation_property("a:b,c") == "a%3Ab%2Cc"


@given(HOSTILE)
def test_markdown_cells_cannot_break_the_row_or_inject_markup(text: str) -> None:
    code = markdown_code(text)
    assert code.startswith("`") and code.endswith("`")
    inner = code[1:-1]
    assert "`" not in inner and not re.search(r"(?<!\\)\|", inner)
    plain = markdown_text(text)
    for mark in "|`<>[]*_!&@":
        assert not re.search(rf"(?<!\\){re.escape(mark)}", plain.replace("\\\\", "")), mark
    assert not UNSAFE.search(code + plain)


@given(HOSTILE)
def test_json_keeps_the_exact_text_in_ascii(text: str) -> None:
    out = to_json({"name": text})
    assert out.isascii() and not UNSAFE.search(out.replace("\n", ""))
    assert json.loads(out) == {"name": text}


@settings(max_examples=60, deadline=None)
@given(
    unmanaged=st.lists(NONEMPTY, min_size=1, max_size=3),
    keys=st.lists(NONEMPTY, min_size=1, max_size=3),
    fail=st.booleans(),
    color=st.booleans(),
)
def test_hostile_store_state_through_every_format_of_plan_and_apply(
    unmanaged: list[str], keys: list[str], fail: bool, color: bool
) -> None:
    """Hostile names (unmanaged secrets) and key names (extra keys, pruned) in the
    observed state, and an apply error quoting them: every format stays clean."""
    stored = [StoredSecret("s-0", "app", False, {key: "v" for key in keys} | {"A_KEY": "old"})]
    stored += [StoredSecret(f"u-{i}", name, i % 2 == 0, {}) for i, name in enumerate(unmanaged)]
    store = (FailingStore if fail else MemoryStore)(stored)
    desired = Desired("secrets.yaml", (desired_secret("app", {"A_KEY": "new"}, prune=True),))
    observed = Observed.of(desired, store.list_all(), list(store.secrets.values()))
    plan = make_plan(desired, observed, prune=True)
    dry = execute(plan, store, dry_run=True)
    result = execute(plan, store)
    for fmt in FORMATS:
        for out in (
            render(plan, fmt, color=color),
            render(plan, fmt, result=dry, color=color),
            render(plan, fmt, result=result, color=color),
        ):
            assert_safe_output(out, fmt)
            if fmt == "json":
                names = {item["name"] for item in json.loads(out)["unmanaged"]}
                assert names == set(unmanaged)  # exact data, escaped only by JSON


@given(NONEMPTY, NONEMPTY)
def test_annotations_hold_one_command_whatever_the_text(message: str, title: str) -> None:
    line = annotation("warning", message, file="secrets.yaml", line=1, title=title)
    assert_safe_output(line, "github")
    assert line.count("\n") == 0


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("x##[error]pwned", "x#\\x23[error]pwned"),
        ("##[add-mask]v", "#\\x23[add-mask]v"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("var\ufe0f", "var\\ufe0f"),
        ("hangul\u3164", "hangul\\u3164"),
    ],
)
def test_older_workflow_commands_and_invisible_characters_are_defused(
    hostile: str, shown: str
) -> None:
    assert for_terminal(hostile) == shown
    assert "##[" not in annotation_data(hostile)
