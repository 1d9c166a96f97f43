"""A unique value set through every command path never shows up unless asked for."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import Cli, KitaruEnv, all_output

CANARY = "kc4n4ry-9f3e1d"


def test_canary_never_leaks_from_cli(
    cli: Cli,
    kitaru_env: KitaruEnv,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    dotenv = kitaru_env.root / "canary.env"
    dotenv.write_text(f"FROM_FILE={CANARY}-file\n")
    monkeypatch.setenv("CANARY_VAR", f"{CANARY}-env")
    results = [
        cli("secrets", "set", "canary", f"--FLAG={CANARY}-flag"),
        cli("secrets", "set", "canary", "--PIPED=-", input=f"{CANARY}-stdin"),
        cli("secrets", "set", "canary", "--from-env", "ENVKEY=CANARY_VAR", "-o", "json"),
        cli("secrets", "set", "canary", "--from-dotenv", str(dotenv)),
        cli("secrets", "set", "canary", "--private", f"--PRIV={CANARY}-p"),
        cli("secrets", "set", "other", "--private", f"--OTHER={CANARY}-o", "-o", "json"),
        cli("secrets", "show", "canary"),
        cli("secrets", "show", "canary", "-o", "json"),
        cli("secrets", "list"),
        cli("secrets", "list", "-o", "json"),
        cli("secrets", "list", "--keys"),
        cli("secrets", "list", "--keys", "-o", "json"),
        # failures that carry the canary in their input
        cli("secrets", "set", "canary", f"--bad-key={CANARY}"),
        cli("secrets", "set", "canary", f"--OK={CANARY}", CANARY),
        cli("secrets", "set", "canary", f"--HUGE={CANARY * 8000}"),
        cli("secrets", "set", "n" * 300, f"--A={CANARY}"),
        cli("secrets", "show", "no-such-secret"),
        cli("secrets", "delete", "other", "-o", "json"),
        cli("secrets", "delete", "canary"),
    ]
    text = all_output(results) + caplog.text
    assert CANARY not in text
    assert "Traceback" not in text
    assert results[-1].exit_code == 0


def test_canary_never_leaks_from_a_real_process(kitaru_env: KitaruEnv) -> None:
    """The console script with ZenML's own logging as verbose as the user may make it."""
    kitaru_env.env["ZENML_LOGGING_VERBOSITY"] = "DEBUG"
    results = [
        kitaru_env.run("secrets", "set", "proc", f"--TOKEN={CANARY}"),
        kitaru_env.run("secrets", "set", "proc", f"--TOKEN={CANARY * 9000}"),
        kitaru_env.run("secrets", "show", "proc", "-o", "json"),
    ]
    assert [r.returncode for r in results] == [0, 1, 0]
    text = all_output(results)
    assert CANARY not in text
    assert "Traceback" not in text
    shown = kitaru_env.run("secrets", "show", "proc", "--show-values")
    assert f"TOKEN={CANARY}" in shown.stdout
