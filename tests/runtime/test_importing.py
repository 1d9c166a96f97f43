"""Import-time detection, and the warning get_secret logs when called during an import."""

from __future__ import annotations

import importlib
import logging
import runpy
import sys
from pathlib import Path

import pytest

import kitaru
from kitaru.runtime.importing import importing_module
from tests.conftest import KitaruEnv

PROBE = "from kitaru.runtime.importing import importing_module\nFOUND = importing_module()\n"


def write_module(directory: Path, name: str, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (directory / f"{name}.py").write_text(body)
    monkeypatch.syspath_prepend(str(directory))
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_module_body_under_import_is_detected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_module(tmp_path, "kitaru_probe_import", PROBE, monkeypatch)
    module = importlib.import_module("kitaru_probe_import")
    assert module.FOUND == "kitaru_probe_import"


def test_scripts_and_function_bodies_are_not_imports(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(PROBE)
    assert runpy.run_path(str(script), run_name="__main__")["FOUND"] is None
    assert importing_module() is None


def test_get_secret_at_import_time_warns_without_the_value(
    kitaru_env: KitaruEnv,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    value = "ghp_import-time-canary-2718"
    kitaru.create_secret("github-creds", {"GITHUB_TOKEN": value})
    body = "from kitaru import get_secret\ntoken = get_secret('github-creds').get('GITHUB_TOKEN')\n"
    write_module(tmp_path, "kitaru_eager_module", body, monkeypatch)
    module = importlib.import_module("kitaru_eager_module")
    assert module.token == value  # a warning, not a failure
    warnings = [r for r in caplog.records if r.name == "kitaru.runtime"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    message = warnings[0].getMessage()
    assert "'github-creds'" in message and "'kitaru_eager_module'" in message
    assert "function body" in message
    assert value not in caplog.text

    caplog.clear()
    kitaru.get_secret("github-creds")  # in a function: no warning
    assert not [r for r in caplog.records if r.name == "kitaru.runtime"]
