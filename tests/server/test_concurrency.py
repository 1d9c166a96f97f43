"""Writers racing on one server: no write may be lost without someone being told.

A ZenML server merges secret updates without a lock (8 overlapping updates kept 1-6 of
their keys when measured), so these tests fail for any store that trusts one write.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import pytest

import kitaru
from kitaru.errors import KitaruError
from kitaru.store import open_store
from tests.server.fixtures import MARIADB_TOO, ServerSession
from tests.server.worker import run_together

WRITERS = 8


def set_key_at_once(name: str, rounds: int = 1) -> list[str | None]:
    """WRITERS threads, each with its own store object, set K<i> on ``name`` together;
    returns each writer's error (None for success)."""
    barrier = Barrier(WRITERS)

    def writer(index: int) -> str | None:
        store = open_store()
        barrier.wait()
        try:
            kitaru.set_secret(name, {f"K{index}": f"value-{index}"}, store=store)
        except KitaruError as err:
            return str(err)
        return None

    with ThreadPoolExecutor(WRITERS) as pool:
        return list(pool.map(writer, range(WRITERS)))


def keys_kept_or_reported(name: str, errors: list[str | None]) -> None:
    """Every writer's key is stored, unless that very writer was told it was not."""
    stored = kitaru.get_secret(name).values
    for index, error in enumerate(errors):
        if error is None:
            assert stored.get(f"K{index}") == f"value-{index}", f"writer {index} lost silently"
        else:
            assert "\n" not in error


@pytest.mark.parametrize("trial", range(3))
def test_threads_setting_different_keys_keep_all_of_them(
    server_session: ServerSession, trial: int
) -> None:
    kitaru.create_secret("shared", {"BASE": "kept"})
    errors = set_key_at_once("shared")
    assert errors == [None] * WRITERS
    stored = kitaru.get_secret("shared").values
    assert stored == {"BASE": "kept", **{f"K{i}": f"value-{i}" for i in range(WRITERS)}}


@MARIADB_TOO
def test_threads_racing_to_create_lose_nothing_silently(server_session: ServerSession) -> None:
    """Nobody has the secret yet: one create wins; the others update it or say why not."""
    errors = set_key_at_once("brand-new")
    keys_kept_or_reported("brand-new", errors)
    assert errors.count(None) >= 1
    for error in filter(None, errors):  # a clear conflict, if any
        assert "'brand-new'" in error and "already exists" in error


def test_processes_setting_different_keys_keep_all_of_them(
    server_session: ServerSession, tmp_path: Path
) -> None:
    """Real `kitaru secrets set` processes, each its own ZenML client, released together."""
    kitaru.create_secret("shared", {"BASE": "kept"})
    env = server_session.env_for(server_session.users.alice)
    jobs = [
        (env, ["secrets", "set", "shared", f"--K{i}=value-{i}", "-o", "json"])
        for i in range(WRITERS)
    ]
    results = run_together(jobs, tmp_path)
    for index, result in enumerate(results):
        assert "Traceback" not in result.stderr
        if result.returncode == 0:
            assert json.loads(result.stdout)["keys_written"] == [f"K{index}"]
        else:
            assert len(result.stderr.splitlines()) == 1, result.stderr
    keys_kept_or_reported("shared", [r.stderr or None for r in results])
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]


SAME_KEY_WRITERS = 6


def test_threads_setting_one_key_all_succeed_and_one_of_them_wins(
    server_session: ServerSession,
) -> None:
    """Another writer's value in the key is last-writer-wins, not a lost update."""
    kitaru.create_secret("samekey", {"K": "before", "BASE": "kept"})
    barrier = Barrier(SAME_KEY_WRITERS)

    def writer(index: int) -> str | None:
        store = open_store()
        barrier.wait()
        try:
            kitaru.set_secret("samekey", {"K": f"val{index}"}, store=store)
        except KitaruError as err:
            return str(err)
        return None

    with ThreadPoolExecutor(SAME_KEY_WRITERS) as pool:
        errors = list(pool.map(writer, range(SAME_KEY_WRITERS)))
    assert errors == [None] * SAME_KEY_WRITERS
    stored = kitaru.get_secret("samekey").values
    assert stored["BASE"] == "kept"
    assert stored["K"] in {f"val{i}" for i in range(SAME_KEY_WRITERS)}


def test_processes_setting_one_key_all_exit_0_and_one_of_them_wins(
    server_session: ServerSession, tmp_path: Path
) -> None:
    """Six real `kitaru secrets set samekey --K=valN` at once (the reported race)."""
    kitaru.create_secret("samekey", {"K": "before"})
    env = server_session.env_for(server_session.users.alice)
    jobs = [(env, ["secrets", "set", "samekey", f"--K=val{i}"]) for i in range(SAME_KEY_WRITERS)]
    results = run_together(jobs, tmp_path)
    assert [r.returncode for r in results] == [0] * SAME_KEY_WRITERS, [r.stderr for r in results]
    assert kitaru.get_secret("samekey").values["K"] in {f"val{i}" for i in range(SAME_KEY_WRITERS)}


MANIFEST_SECRETS = 12


@MARIADB_TOO
def test_two_applies_of_one_manifest_at_once_end_in_the_manifest(
    server_session: ServerSession, tmp_path: Path
) -> None:
    manifest = tmp_path / "secrets.yaml"
    lines = ["version: 1", "secrets:"]
    env = server_session.env_for(server_session.users.alice)
    expected = {}
    for index in range(MANIFEST_SECRETS):
        name = f"race-{index:02d}"
        lines += [f"  - name: {name}", f"    private: {str(index % 2 == 0).lower()}"]
        lines += [f"    keys: [R{index}_A, R{index}_B]"]
        expected[name] = {f"R{index}_A": f"a{index}", f"R{index}_B": f"b{index}"}
        env.update(expected[name])
    manifest.write_text("\n".join(lines) + "\n")
    jobs = [(env, ["secrets", "apply", "-f", str(manifest), "-o", "json"])] * 2
    results = run_together(jobs, tmp_path)
    for result in results:
        assert "Traceback" not in result.stdout + result.stderr
        assert result.returncode == 0, result.stdout + result.stderr
        statuses = {s["status"] for s in json.loads(result.stdout)["secrets"]}
        assert statuses <= {"created", "updated", "unchanged"}
    store = open_store()
    state = {ref.name: (ref.private, dict(store.get(ref.id).values)) for ref in store.list_all()}
    assert state == {name: (int(name[-2:]) % 2 == 0, values) for name, values in expected.items()}
