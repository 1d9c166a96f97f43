"""`run`, `export` and the SDK refuse keys that steer programs, on every store, as a class.

Whoever can write a secret (any user of the server, for a public one) chooses its key
names. Each example plants a key drawn from the list's own patterns next to a harmless one
and proves: every road into a program refuses it with one line naming the secret and the
key, nothing starts (the child would create a marker file) and nothing is written (no
--out file), no value is shown; ``--allow-key``/``allow_keys=`` lets exactly that key
through. Fails on the old code, which handed every key over.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kitaru
from kitaru.naming import key_problem, shown
from kitaru.programs.environment import SteeringKeyError
from kitaru.secrets import manifest_environment
from tests.conftest import Cli, all_output
from tests.programs.steering_strategies import ordinary_key, steering_key

CANARY = "canary-steering-4242/x"
FORMATS = ("dotenv", "json", "shell", "github-env")
CLASS = settings(
    max_examples=3,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
storable = steering_key.filter(lambda key: key_problem(key) is None)
_numbers = itertools.count()


def _planted(key: str, tmp_path: Path) -> tuple[str, Path, Path]:
    """A public secret with ``key`` beside a harmless key, a manifest declaring only the
    harmless one, and the marker the child would create."""
    n = next(_numbers)
    name = f"team-{n}"
    kitaru.create_secret(name, {key: CANARY, "SAFE_KEY": "safe"})
    manifest = tmp_path / f"secrets-{n}.yaml"
    manifest.write_text(f"version: 1\nsecrets:\n  - name: {name}\n    keys: [SAFE_KEY]\n")
    return name, manifest, tmp_path / f"started-{n}"


def _refused(result: object, name: str, key: str) -> None:
    assert result.exit_code == 1, result.stderr  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, lines
    assert f"secret {shown(name)}:" in lines[0] and f"key {shown(key)} " in lines[0]


@CLASS
@given(key=storable)
def test_a_planted_key_is_refused_by_every_road_and_nothing_starts(
    cli: Cli, tmp_path: Path, key: str
) -> None:
    name, manifest, marker = _planted(key, tmp_path)
    touch = ["--", "touch", str(marker)]
    results = [
        cli("secrets", "run", name, *touch),
        cli("secrets", "run", "-f", str(manifest), *touch),
    ]
    assert not marker.exists()
    for fmt in FORMATS:  # every format, to --out and (one of them) to stdout and from -f
        out = tmp_path / f"out-{marker.name}.{fmt}"
        results.append(cli("secrets", "export", name, "--format", fmt, "--out", str(out)))
        assert not out.exists()
    results.append(cli("secrets", "export", name, "--format", "github-env"))
    results.append(cli("secrets", "export", "-f", str(manifest), "--format", "shell"))
    for result in results:
        _refused(result, name, key)
    with pytest.raises(SteeringKeyError):
        kitaru.secret_environment(name)
    with pytest.raises(SteeringKeyError):
        manifest_environment(str(manifest))
    assert CANARY not in all_output(results)
    # the explicit opt-in lets exactly that key through
    allowed = cli("secrets", "run", name, "--allow-key", key, *touch)
    assert allowed.exit_code == 0, allowed.stderr
    assert marker.exists()
    exported = cli("secrets", "export", name, "--allow-key", key, "--format", "json")
    assert json.loads(exported.stdout) == {key: CANARY, "SAFE_KEY": "safe"}
    assert kitaru.secret_environment(name, allow_keys=[key])[key] == CANARY
    kitaru.delete_secret(name)


@CLASS
@given(key=storable, other=storable)
def test_allowing_one_key_lets_no_other_through(
    cli: Cli, tmp_path: Path, key: str, other: str
) -> None:
    if key == other:
        return
    n = next(_numbers)
    kitaru.create_secret(f"two-{n}", {key: "k", other: "o"})
    marker = tmp_path / f"started-two-{n}"
    result = cli("secrets", "run", f"two-{n}", "--allow-key", key, "--", "touch", str(marker))
    _refused(result, f"two-{n}", other)
    assert not marker.exists()
    kitaru.delete_secret(f"two-{n}")


@CLASS
@given(keys=st.lists(ordinary_key, min_size=1, max_size=4, unique=True))
def test_keys_that_do_not_steer_go_through_untouched(
    cli: Cli, tmp_path: Path, keys: list[str]
) -> None:
    keys = [key for key in keys if key_problem(key) is None] or ["PLAIN_KEY"]
    n = next(_numbers)
    values = {key: f"v{i}" for i, key in enumerate(keys)}
    kitaru.create_secret(f"plain-{n}", values)
    exported = cli("secrets", "export", f"plain-{n}", "--format", "json")
    assert exported.exit_code == 0 and json.loads(exported.stdout) == values
    kitaru.delete_secret(f"plain-{n}")


def test_a_wrong_allow_key_is_a_usage_error_before_the_store(cli: Cli) -> None:
    result = cli("secrets", "run", "anything", "--allow-key", "LD_*", "--", "true")
    assert result.exit_code == 2 and "exact key names" in result.stderr
    assert "no secret" not in result.stderr  # refused before any lookup


def test_run_notes_a_public_twin_hidden_by_your_private_secret(cli: Cli) -> None:
    """Fails on the old code: `run` said nothing, while `export` and the SDK did."""
    kitaru.create_secret("both", {"K": "public-value"})
    kitaru.create_secret("both", {"K": "private-value"}, private=True)
    ran = cli("secrets", "run", "both", "--", "sh", "-c", 'test "$K" = private-value')
    assert ran.exit_code == 0
    assert "shadows a public one" in ran.stderr and "--public" in ran.stderr
    assert ran.stdout == ""
    public = cli("secrets", "run", "both", "--public", "--", "sh", "-c", 'test "$K" = public-value')
    assert public.exit_code == 0 and public.stderr == ""
