"""The GitHub runner as environment: detected by GITHUB_ACTIONS, told what to mask."""

from __future__ import annotations

import pytest

from kitaru.cli.github import in_github_actions, mask_commands


def test_masks_every_line_of_every_value_escaped() -> None:
    commands = mask_commands(["once", "multi\nline\r\nvalue", "50%%", "", "  ", "once"])
    assert commands == [
        "::add-mask::once",
        "::add-mask::multi",
        "::add-mask::line",
        "::add-mask::value",
        "::add-mask::50%25%25",
    ]


def test_lines_too_short_to_mask_are_left_out() -> None:
    # A JSON value's braces, or a co-user's public value "a", would otherwise be masked
    # everywhere in the rest of the job's log (as run --redact, shorter than 4 is left).
    value = '{\n  "type": "service_account",\n  "k": 1\n}'
    assert mask_commands([value, "a", "ab", " abc "]) == [
        '::add-mask::"type": "service_account",',  # also where printed without indentation
        '::add-mask::"k": 1',
    ]


def test_only_github_actions_true_is_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert in_github_actions()
    for other in ("false", "1", ""):
        monkeypatch.setenv("GITHUB_ACTIONS", other)
        assert not in_github_actions()
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert not in_github_actions()
