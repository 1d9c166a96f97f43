"""A saved plan is an artifact, not an authority: whatever path a (resealed) plan file names,
`apply --plan` reads only relative, normalised paths inside the working directory, with no
symlink out of it, and refuses anything else before opening it: nothing read, nothing
written. Canaries outside the tree hold a manifest and a .env file whose content would
show up in the store (or block the run, for a FIFO) if they were ever read."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.sync import saved_plan
from kitaru.sync.pipeline import run
from kitaru.sync.plan_paths import MAX_PATH, PlanPathError, confined, for_plan_file
from kitaru.sync.saved_plan import StalePlanError
from tests.sync.stores import WRITES, CountingStore, MemoryStore

CANARY = "plan-path-canary-value-7d1e0b"
MANIFEST = "version: 1\nsecrets:\n  - name: app\n    keys: [APP_KEY]\n"
OUTSIDE_MANIFEST = (
    "version: 1\nsecrets:\n  - name: stolen\n    keys: [ZENML_STORE_API_KEY]\n"
    "  - name: app\n    state: absent\n"
)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``work/`` is the checkout the apply job runs in; ``outside/`` holds the canaries."""
    work, outside = tmp_path / "work", tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    (work / "secrets.yaml").write_text(MANIFEST)
    (outside / "m.yaml").write_text(OUTSIDE_MANIFEST)
    (outside / ".env").write_text(f"ZENML_STORE_API_KEY={CANARY}\nAPP_KEY={CANARY}\n")
    (work / "out-link").symlink_to(outside)
    (work / "m-link.yaml").symlink_to(outside / "m.yaml")
    monkeypatch.chdir(work)
    return tmp_path


def _resealed(path: Path, *, manifest: str | None = None, env: str | None = None) -> None:
    """The plan file edited as an attacker would, then sealed again (body_sha256 redone)."""
    document = json.loads(path.read_text())
    body = document["body"]
    if manifest is not None:
        body["manifest"]["path"] = manifest
    if env is not None:
        body["env_files"] = [env]
    document["body_sha256"] = saved_plan.hashlib.sha256(saved_plan._canonical(body)).hexdigest()
    path.write_text(json.dumps(document))


def _saved(store: MemoryStore) -> Path:
    out = Path("plan.json")
    run("secrets.yaml", environ={"APP_KEY": "v-app"}, store=store, out=out)
    return out


def _refused(plan: Path, store: CountingStore) -> str:
    before = dict(store.inner.secrets)  # type: ignore[attr-defined]
    store.take()
    with pytest.raises(PlanPathError) as err:
        run(apply=True, saved=plan, environ={"ZENML_STORE_API_KEY": CANARY}, store=store)
    message = str(err.value)
    assert "\n" not in message and message.endswith("(nothing was read or written)")
    assert CANARY not in message
    assert store.take() == {}  # refused before the store was opened: no read, no write
    assert store.inner.secrets == before  # type: ignore[attr-defined]
    return message


HOSTILE = st.one_of(
    st.sampled_from(
        [
            "../outside/m.yaml",
            "out-link/m.yaml",  # a symlink in the checkout that leads out of it
            "m-link.yaml",
            "./secrets.yaml",
            "sub/../secrets.yaml",
            "secrets.yaml/",
            "a//secrets.yaml",
            "~/m.yaml",
            "~root/m.yaml",
            "secrets.yaml\x00.txt",
            "\\\\server\\share\\m.yaml",
            "",
            ".",
            "x" * (MAX_PATH + 1),
            "/" + "a/" * 300 + "m.yaml",
        ]
    ),
    st.builds(lambda depth, tail: "../" * depth + tail, st.integers(1, 6), st.text(max_size=20)),
    st.builds(lambda tail: "/" + tail, st.text(max_size=40)),
    st.builds(lambda head: head + "/../m.yaml", st.from_regex(r"[a-z]{1,8}", fullmatch=True)),
)


@given(path=HOSTILE, role=st.sampled_from(["manifest", "env"]))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_resealed_plan_naming_any_hostile_path_is_refused_before_reading(
    tree: Path, path: str, role: str
) -> None:
    absolute = str(tree / "outside" / ("m.yaml" if role == "manifest" else ".env"))
    for hostile in (path, absolute):
        store = CountingStore(MemoryStore())
        plan = _saved(store.inner)  # type: ignore[arg-type]
        store.take()
        if role == "manifest":
            _resealed(plan, manifest=hostile)
        else:
            _resealed(plan, env=hostile)
        message = _refused(plan, store)
        assert f"names the {'manifest' if role == 'manifest' else '.env file'}" in message
        assert not any(CANARY in v for s in store.inner.secrets.values() for v in s.values.values())  # type: ignore[attr-defined]


def test_a_fifo_outside_the_tree_is_never_opened(tree: Path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: a read would hang here."""
    fifo = tree / "outside" / "pipe.yaml"
    os.mkfifo(fifo)
    store = CountingStore(MemoryStore())
    plan = _saved(store.inner)  # type: ignore[arg-type]
    store.take()
    _resealed(plan, manifest=str(fifo))
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            _refused(plan, store)
        except BaseException as err:
            errors.append(err)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # it opened the FIFO: release it, then fail
        with open(fifo, "w"):
            pass
        worker.join(10)
        pytest.fail("apply --plan opened a file outside the working directory")
    assert not errors, errors


def test_the_plans_own_paths_still_apply(tree: Path) -> None:
    (Path(".env")).write_text("APP_KEY=v-app\n")
    store = MemoryStore()
    run("secrets.yaml", env_file=Path.cwd() / ".env", environ={}, store=store, out="plan.json")
    body = json.loads(Path("plan.json").read_text())["body"]
    assert (body["manifest"]["path"], body["env_files"]) == ("secrets.yaml", [".env"])
    done = run(apply=True, saved="plan.json", environ={}, store=store)
    assert done.result is not None and done.result.writes == 1


def test_plan_out_refuses_files_apply_would_refuse(tree: Path) -> None:
    """A plan that apply --plan would refuse is never saved."""
    store = CountingStore(MemoryStore())
    for manifest, env in (
        (str(tree / "outside" / "m.yaml"), None),
        ("m-link.yaml", None),
        ("secrets.yaml", str(tree / "outside" / ".env")),
    ):
        with pytest.raises(PlanPathError, match="none was saved"):
            run(manifest, env_file=env, environ={"APP_KEY": "v"}, store=store, out="plan.json")
        assert not Path("plan.json").exists()
    assert sum(store.calls[name] for name in WRITES) == 0


def test_a_manifest_env_file_the_plan_did_not_read_is_not_read_either(tree: Path) -> None:
    """The plan read no .env file; the manifest now names one (outside the tree): stale,
    refused before it is read."""
    store = MemoryStore()
    plan = _saved(store)
    Path("secrets.yaml").write_text(
        MANIFEST.replace("secrets:", "env_file: ../outside/.env\nsecrets:")
    )
    with pytest.raises(StalePlanError, match="this run would read"):
        run(apply=True, saved=plan, environ={}, store=store)
    assert [s.name for s in store.secrets.values()] == []


@given(st.from_regex(r"[A-Za-z0-9_.-]{1,12}(/[A-Za-z0-9_-]{1,12}){0,3}", fullmatch=True))
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_recorded_paths_are_accepted_paths(tree: Path, relative: str) -> None:
    """What plan --out records, apply --plan accepts (and names the same file)."""
    parts = relative.split("/")
    if any(part in (".", "..") for part in parts) or parts[0] in ("out-link", "m-link.yaml"):
        return  # not normalised, or a symlink out of the tree (tested above)
    recorded = for_plan_file(Path.cwd() / relative, "manifest")
    assert recorded == relative and confined(recorded, "manifest") == Path(relative)


def test_the_apply_job_can_pin_the_files_a_plan_may_name(tree: Path) -> None:
    """-f/--env-file with --plan: the plan must name those very files, else nothing is read."""
    Path(".env").write_text("APP_KEY=v-app\n")
    Path("copy.yaml").write_text(MANIFEST)
    store = CountingStore(MemoryStore())
    run("secrets.yaml", env_file=".env", environ={}, store=store.inner, out="plan.json")  # type: ignore[arg-type]
    store.take()
    for pins in (("copy.yaml", None), (None, "copy.yaml"), ("secrets.yaml", "missing.env")):
        with pytest.raises(PlanPathError, match="pins"):
            run(apply=True, saved="plan.json", environ={}, store=store, pins=pins)
        assert store.take() == {}
    done = run(
        apply=True, saved="plan.json", environ={}, store=store, pins=("secrets.yaml", ".env")
    )
    assert done.result is not None and done.result.writes == 1
