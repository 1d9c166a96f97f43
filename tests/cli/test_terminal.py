"""Colour and the progress line: only on a terminal, never with NO_COLOR (nor CI for progress)."""

from __future__ import annotations

import io

import pytest

from kitaru.cli.terminal import Progress, isatty, use_color
from tests.sync.report.scenarios import plan_and_result


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_tty_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert use_color(Tty())
    assert not use_color(io.StringIO())
    monkeypatch.setenv("TERM", "dumb")
    assert not use_color(Tty())
    monkeypatch.delenv("TERM")
    monkeypatch.setenv("NO_COLOR", "")
    assert not use_color(Tty())
    monkeypatch.delenv("NO_COLOR")
    assert not Progress.wanted(Tty(), 5)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert Progress.wanted(Tty(), 50)
    monkeypatch.setenv("CI", "true")
    assert not Progress.wanted(Tty(), 50)
    monkeypatch.delenv("CI")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert not Progress.wanted(Tty(), 50)


def test_a_closed_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    stream.close()
    assert not isatty(stream) and not isatty(object())  # type: ignore[arg-type]


def test_progress_rewrites_one_line_and_clears_it_at_the_end() -> None:
    plan, _ = plan_and_result()
    stream = io.StringIO()
    progress = Progress(stream)
    progress(1, 2, plan.secrets[0])
    progress(2, 2, plan.secrets[1])
    assert stream.getvalue() == "\r\x1b[K[1/2] drifted\r\x1b[K[2/2] fresh\r\x1b[K"


def test_a_long_plan_shows_its_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """`[reading n/N] name` while a plan reads declared secrets; names escaped."""
    from kitaru.cli import sync_cmd

    for name in ("NO_COLOR", "CI", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    stream = Tty()
    monkeypatch.setattr("sys.stderr", stream)
    show = sync_cmd._read_progress()
    show(1, Progress.MIN_WRITES, "first\x1b[2J")
    show(Progress.MIN_WRITES, Progress.MIN_WRITES, "last")
    assert stream.getvalue() == (
        f"\r\x1b[K[reading 1/{Progress.MIN_WRITES}] first\\x1b[2J"
        f"\r\x1b[K[reading {Progress.MIN_WRITES}/{Progress.MIN_WRITES}] last\r\x1b[K"
    )
    quiet = Tty()
    monkeypatch.setattr("sys.stderr", quiet)
    sync_cmd._read_progress()(1, Progress.MIN_WRITES - 1, "short")
    assert quiet.getvalue() == ""
