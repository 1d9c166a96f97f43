"""Saved plans, pure: the document, its seal, staleness reasons, the atomic write, and the
canary property (a plan file holds no value and no digest or encoding of one)."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.errors import KitaruError
from kitaru.naming import is_utf8
from kitaru.store.base import StoredSecret
from kitaru.sync import saved_plan
from kitaru.sync.pipeline import run
from kitaru.sync.report import FORMATS, render
from kitaru.sync.saved_plan import PlanFileError, StalePlanError
from tests.sync.example import MANIFEST
from tests.sync.stores import MemoryStore

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ENV = {"OPENAI_API_KEY": "v-openai", "GITHUB_TOKEN": "v-github", "DB_PASSWORD": "v-db"}


class ClockStore(MemoryStore):
    """A MemoryStore that stamps created/updated from a clock a test moves by hand."""

    def __init__(self) -> None:
        super().__init__()
        self.now = T0
        self._tick = itertools.count(1)

    def _stamp(self, secret: StoredSecret, created: datetime | None = None) -> StoredSecret:
        self.now += timedelta(seconds=next(self._tick))
        stamped = StoredSecret(
            secret.id,
            secret.name,
            secret.private,
            dict(secret.values),
            secret.user_id,
            created=created or self.now,
            updated=self.now,
        )
        self.secrets[secret.id] = stamped
        return stamped

    def create(self, name: str, values: Mapping[str, str], private: bool) -> StoredSecret:
        return self._stamp(super().create(name, values, private))

    def update(
        self,
        secret_id: str,
        set_values: Mapping[str, str],
        remove_keys: Sequence[str],
        *,
        before: Mapping[str, str | None] | None = None,
    ) -> StoredSecret:
        created = self.secrets[secret_id].created
        return self._stamp(super().update(secret_id, set_values, remove_keys), created)


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans are made and applied from the directory that holds their files."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "secrets.yaml"
    path.write_text(MANIFEST)
    return path


def _save(manifest: Path, store: MemoryStore, env: Mapping[str, str] = ENV, **kw: object) -> Path:
    out = manifest.parent / "plan.json"
    run(manifest, environ=env, store=store, out=out, now=T0, **kw)  # type: ignore[arg-type]
    return out


def _apply(plan: Path, store: MemoryStore, env: Mapping[str, str] = ENV) -> int:
    done = run(apply=True, saved=plan, environ=env, store=store, now=T0)
    assert done.result is not None
    return done.result.writes


def _stale(plan: Path, store: MemoryStore, env: Mapping[str, str] = ENV) -> list[str]:
    before = dict(store.secrets)
    with pytest.raises(StalePlanError) as err:
        _apply(plan, store, env)
    assert store.secrets == before  # nothing written
    assert str(err.value).startswith("plan is stale:\n  ")
    return list(err.value.reasons)


def test_the_document_is_versioned_sealed_and_reads_back(manifest: Path) -> None:
    store = ClockStore()
    plan = _save(manifest, store, prune=True, target=["db-creds", "github-creds"])
    document = json.loads(plan.read_text())
    assert set(document) == {"format_version", "body_sha256", "body"}
    body = document["body"]
    assert body["manifest"] == {
        "path": "secrets.yaml",  # relative to the working directory: what apply --plan reads
        "sha256": hashlib.sha256(manifest.read_bytes()).hexdigest(),
    }
    assert (body["prune"], body["targets"], body["made_at"]) == (
        True,
        ["db-creds", "github-creds"],
        "2026-12-01T09:00:00.000000Z",
    )
    read = saved_plan.read(plan)
    assert (read.prune, read.targets, read.env_file) == (True, ("db-creds", "github-creds"), None)
    assert [s["name"] for s in read.secrets] == ["github-creds", "db-creds"]
    assert _apply(plan, store) == 2


def test_any_edit_of_the_body_is_refused(manifest: Path) -> None:
    plan = _save(manifest, ClockStore())
    document = json.loads(plan.read_text())
    for edit in (
        lambda b: b["secrets"][0].update(action="unchanged"),
        lambda b: b["manifest"].update(sha256="0" * 64),
        lambda b: b.update(prune=True),
        lambda b: b["secrets"].pop(),
    ):
        body = json.loads(json.dumps(document["body"]))
        edit(body)
        with pytest.raises(PlanFileError, match="does not match its body_sha256"):
            saved_plan.from_document({**document, "body": body}, "plan.json")
    for version in (0, 2, "1", True, None):
        with pytest.raises(PlanFileError, match=r"format_version .* is not the one"):
            saved_plan.from_document({**document, "format_version": version})
    for junk in ([], {"body": {}}, {"format_version": 1}, {"format_version": 1, "body": []}):
        with pytest.raises(PlanFileError, match="not a kitaru saved plan"):
            saved_plan.from_document(junk)


def test_a_resealed_body_of_the_wrong_shape_is_still_refused() -> None:
    body = {"kind": saved_plan.KIND, "secrets": "all"}
    digest = hashlib.sha256(saved_plan._canonical(body)).hexdigest()
    document = {"format_version": 1, "body_sha256": digest, "body": body}
    with pytest.raises(PlanFileError, match="not a kitaru saved plan"):
        saved_plan.from_document(document)


def test_every_move_is_a_reason(manifest: Path, tmp_path: Path) -> None:
    store = ClockStore()
    run(manifest, apply=True, environ=ENV, store=store, now=T0)
    plan = _save(manifest, store)
    ids = {s.name: s.id for s in store.secrets.values()}
    # out of band: a set (time only), a delete, a changed source
    store.update(ids["github-creds"], {"LEGACY": "x"}, [])
    store.delete(ids["db-creds"])
    reasons = _stale(plan, store, {**ENV, "OPENAI_API_KEY": "v-new"})
    assert reasons == [
        "openai-creds (private): the plan said unchanged, a fresh plan says update",
        "openai-creds (private) key OPENAI_API_KEY: the plan said unchanged, a fresh plan "
        "says change",
        "github-creds (public): changed in the store after the plan was made (updated "
        "2026-12-01T09:00:10.000000Z, the plan saw 2026-12-01T09:00:03.000000Z)",
        "db-creds (public): deleted from the store after the plan was made "
        f"(was {ids['db-creds']})",
    ]


def test_the_env_file_and_the_manifest_are_compared(manifest: Path) -> None:
    dotenv = manifest.parent / ".env"
    dotenv.write_text("OPENAI_API_KEY=v-openai\n")
    env = {k: v for k, v in ENV.items() if k != "OPENAI_API_KEY"}
    store = ClockStore()
    plan = _save(manifest, store, env, env_file=dotenv)
    assert json.loads(plan.read_text())["body"]["env_files"] == [".env"]  # as seen from here
    dotenv.unlink()
    reasons = _stale(plan, store, ENV)
    assert reasons[0] == "the plan read .env, this run reads none"
    assert "openai-creds (private) key OPENAI_API_KEY: its value now comes from another source" in (
        reasons
    )
    dotenv.write_text("OPENAI_API_KEY=v-openai\n")
    manifest.write_text(MANIFEST.replace("db-creds", "db2-creds"))
    reasons = _stale(plan, store, env)
    assert reasons == [
        "the manifest secrets.yaml changed after the plan was made",
        "db-creds (public): in the plan, not in the manifest now",
        "db2-creds (public): in the manifest now, not in the plan",
    ]


def test_the_file_is_written_whole_or_not_at_all(
    manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ClockStore()
    plan = _save(manifest, store)
    first = plan.read_bytes()

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(KitaruError, match=r"cannot write the plan to .*No space left"):
        _save(manifest, store, target=["db-creds"])
    assert plan.read_bytes() == first
    assert sorted(p.name for p in plan.parent.iterdir()) == ["plan.json", "secrets.yaml"]
    with pytest.raises(KitaruError, match="cannot write the plan"):
        run(manifest, environ=ENV, store=store, out=manifest.parent / "no" / "plan.json")


def _encodings(value: str) -> set[str]:
    """The value and what a careless writer might put in its place."""
    raw = value.encode()
    forms = {value}
    for name in ("sha256", "sha1", "md5"):
        digest = hashlib.new(name, raw)
        forms |= {digest.hexdigest(), digest.hexdigest().upper()}
        forms |= {base64.b64encode(digest.digest()).decode().rstrip("=")}
    forms |= {base64.b64encode(raw).decode().rstrip("="), base64.urlsafe_b64encode(raw).decode()}
    return {form for form in forms if len(form) >= 8}


# A marker keeps a value from being a chance substring of the file's own text (a short
# run of zeros is in every timestamp); what follows it is arbitrary.
values = st.text(min_size=5, max_size=40).map(lambda v: f"KV-{v}").filter(is_utf8)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(values, min_size=6, max_size=6, unique=True))
def test_no_value_or_digest_of_one_in_a_plan_file_or_report(
    tmp_path: Path, drawn: list[str]
) -> None:
    manifest = tmp_path / "secrets.yaml"
    manifest.write_text(MANIFEST)
    old, new = dict(zip(ENV, drawn[:3], strict=True)), dict(zip(ENV, drawn[3:], strict=True))
    store = ClockStore()
    run(manifest, apply=True, environ=old, store=store, now=T0)
    later = T0 + timedelta(days=100)
    out = tmp_path / "plan.json"
    done = run(manifest, environ=new, store=store, out=out, now=later, max_age=timedelta(days=1))
    assert {d.kind for d in done.plan.drift} >= {"value", "age"}
    texts = [out.read_text(), *(render(done.plan, fmt) for fmt in FORMATS)]
    with pytest.raises(StalePlanError) as stale:
        run(apply=True, saved=out, environ=old, store=store, now=later)
    texts.append(str(stale.value))
    for value in drawn:
        for form in _encodings(value):
            assert all(form not in text for text in texts)


def test_a_secret_to_delete_that_changed_since_the_plan_makes_it_stale(tmp_path: Path) -> None:
    store = ClockStore()
    old = store.create("old-creds", {"K": "v"}, private=False)
    path = tmp_path / "secrets.yaml"
    path.write_text("version: 1\nsecrets:\n  - name: old-creds\n    state: absent\n")
    plan = _save(path, store)
    assert [s["action"] for s in json.loads(plan.read_text())["body"]["secrets"]] == ["delete"]
    store.update(old.id, {"K": "rotated-since"}, [])
    (reason,) = _stale(plan, store)
    assert reason.startswith("old-creds (public): changed in the store after the plan was made")
    assert old.id in store.secrets
