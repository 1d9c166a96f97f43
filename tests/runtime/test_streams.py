"""Printed text inside a checkpoint is masked; printing elsewhere is left alone."""

from __future__ import annotations

import sys
import threading
import uuid

import pytest

from kitaru.runtime.redact import MASK, remember_values
from kitaru.runtime.streams import masked_streams


def remembered() -> str:
    value = f"print-canary-{uuid.uuid4().hex[:12]}"
    remember_values([value])
    return value


def test_prints_inside_are_masked_on_both_streams(capsys: pytest.CaptureFixture[str]) -> None:
    value = remembered()
    with masked_streams():
        print(f"token is {value}")
        print(value, file=sys.stderr)
        sys.stdout.write(f"{value}\n")
    out, err = capsys.readouterr()
    assert value not in out + err
    assert out == f"token is {MASK}\n{MASK}\n" and err == f"{MASK}\n"


def test_prints_outside_are_untouched(capsys: pytest.CaptureFixture[str]) -> None:
    """`kitaru secrets show --show-values` in a process that ran checkpoints still shows."""
    value = remembered()
    with masked_streams():
        pass
    print(value)
    assert capsys.readouterr().out == f"{value}\n"


def test_other_contexts_are_not_masked_meanwhile(capsys: pytest.CaptureFixture[str]) -> None:
    value = remembered()
    with masked_streams():
        thread = threading.Thread(target=print, args=(value,))  # a new thread, a new context
        thread.start()
        thread.join()
    assert capsys.readouterr().out == f"{value}\n"


def test_each_stream_is_wrapped_once(capsys: pytest.CaptureFixture[str]) -> None:
    with masked_streams():
        first = sys.stdout.write
        with masked_streams():
            assert sys.stdout.write is first
    assert sys.stdout.write is first


def test_bytes_and_odd_streams_pass_through(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoAttributes:
        __slots__ = ()

        def write(self, text: str) -> int:
            return len(text)

    monkeypatch.setattr(sys, "stderr", NoAttributes())
    with masked_streams():
        assert sys.stderr.write("x") == 1
