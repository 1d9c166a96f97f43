"""The GitHub runner as environment: detected by GITHUB_ACTIONS, told what to mask."""

from __future__ import annotations

import pytest

from kitaru.cli.github import in_github_actions, mask_commands


def test_masks_every_line_of_every_value_escaped() -> None:
    commands = mask_commands(["one", "multi\nline\r\nvalue", "50%", "", "  ", "one"])
    assert commands == [
        "::add-mask::one",
        "::add-mask::multi",
        "::add-mask::line",
        "::add-mask::value",
        "::add-mask::50%25",
    ]


def test_only_github_actions_true_is_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert in_github_actions()
    for other in ("false", "1", ""):
        monkeypatch.setenv("GITHUB_ACTIONS", other)
        assert not in_github_actions()
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert not in_github_actions()
