"""Saved plans: ``plan --out plan.json`` then ``apply --plan plan.json`` (Terraform's flow).

A saved plan holds what the plan decided and what it was decided from, never a value and
never a hash of one: the manifest's path and the sha256 of its bytes (a manifest holds no
values), the .env file's path (not its content), and per secret its name, visibility,
target ID, the target's last-updated time, the action and each key's action and source.
Actions are written as the planner names them, so any action it learns is saved too.

Apply re-plans and compares: only when nothing moved does it write. A plan file of
another format version, or one whose body no longer matches the sha256 beside it (edited
by hand), is refused. Pure apart from ``write``/``read``: no store, no clock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from kitaru.ages import duration_text, iso, parse_duration
from kitaru.errors import KitaruError
from kitaru.files_read import noted
from kitaru.naming import named, shown_path, visibility_word
from kitaru.private_file import write_whole
from kitaru.safe_text import to_json
from kitaru.sync.plan import Plan, SecretPlan
from kitaru.sync.plan_paths import confined, for_plan_file

FORMAT_VERSION = 1  # of the saved-plan file (the report's own format_version is separate)
KIND = "kitaru-saved-plan"
Identity = tuple[str, bool]  # (name, private)


class PlanFileError(KitaruError):
    """A plan file that is not one this kitaru wrote (or was changed after)."""


class StalePlanError(KitaruError):
    """Something moved between the saved plan and now; nothing was written."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("plan is stale:\n" + "\n".join(f"  {reason}" for reason in reasons))
        self.reasons = tuple(reasons)


@dataclass(frozen=True)
class SavedPlan:
    """A plan file read back and checked: what to re-plan, and what to compare with."""

    manifest: str
    manifest_sha256: str
    env_files: tuple[str, ...]
    prune: bool
    targets: tuple[str, ...]
    max_age: timedelta | None
    secrets: tuple[dict[str, Any], ...]  # as ``secret_entry`` wrote them
    manifests: tuple[str, ...] = ()  # several manifests (-f a -f b): each path, in order

    @property
    def env_file(self) -> str | None:
        """The .env file the plan read."""
        return self.env_files[0] if self.env_files else None

    def manifest_paths(self) -> Path | list[Path]:
        """The manifest (or, for a plan over several, each of them) to read, once the
        plan-file trust rule allows it (see ``plan_paths``: relative, normalised, inside
        the working directory)."""
        if self.manifests:
            return [confined(each, "manifest") for each in self.manifests]
        return confined(self.manifest, "manifest")

    def env_file_now(self) -> str | None:
        """That file again, as ``--env-file``, when the trust rule allows it and it is still
        there (else none: then ``check`` says the plan read another)."""
        paths = [confined(path, ".env file") for path in self.env_files]
        path = paths[0] if paths else None
        return str(path) if path is not None and path.is_file() else None

    def check(self, fresh: Plan, *, manifest_sha256: str | None, env_file: str | None) -> None:
        """``StalePlanError`` with every reason, unless ``fresh`` is this plan again."""
        reasons = stale_reasons(
            self, fresh, manifest_sha256=manifest_sha256 or "", env_file=env_file
        )
        if reasons:
            raise StalePlanError(reasons)


def manifest_digest(data: bytes) -> str:
    """sha256 of the manifest's bytes (key names and variable names, never values)."""
    return hashlib.sha256(data).hexdigest()


def secret_entry(secret: SecretPlan) -> dict[str, Any]:
    """One secret as the file holds it, and as a fresh plan is compared with it."""
    return {
        "name": secret.name,
        "private": secret.private,
        "id": secret.secret_id,
        "updated": iso(secret.updated),
        "action": secret.action,
        "keys": [{"key": k.key, "action": k.action, "source": k.source} for k in secret.keys],
    }


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def to_document(
    plan: Plan, *, manifest_sha256: str, env_file: str | None, manifests: Sequence[str] = ()
) -> dict[str, Any]:
    """The file's content: a versioned body and the sha256 of its canonical JSON.

    Several manifests: ``manifests`` lists their paths and ``manifest.sha256`` covers them
    all (``kitaru.sync.several.digest``); one manifest writes no ``manifests`` entry."""
    body: dict[str, Any] = {
        "kind": KIND,
        "made_at": iso(plan.made_at),
        "manifest": {"path": plan.manifest, "sha256": manifest_sha256},
        "env_files": [env_file] if env_file else [],
        "prune": plan.prune,
        "targets": list(plan.targets),
        "max_age": duration_text(plan.max_age) if plan.max_age is not None else None,
        "secrets": [secret_entry(secret) for secret in plan.secrets],
    }
    if len(manifests) > 1:
        body["manifests"] = list(manifests)
    digest = hashlib.sha256(_canonical(body)).hexdigest()
    return {"format_version": FORMAT_VERSION, "body_sha256": digest, "body": body}


def _refused(where: str, why: str) -> PlanFileError:
    return PlanFileError(
        f"plan file {where}: {why}; make a new one with `kitaru secrets plan --out`"
    )


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of strings")
    return tuple(value)


def from_document(document: Any, where: str = "(given)") -> SavedPlan:
    """The saved plan in ``document`` (parsed JSON), or ``PlanFileError`` saying why not."""
    if not isinstance(document, dict) or "format_version" not in document:
        raise _refused(where, "not a kitaru saved plan")
    version = document["format_version"]
    if version != FORMAT_VERSION or isinstance(version, bool):
        shown = version if isinstance(version, int) else "unknown"
        raise _refused(
            where,
            f"format_version {shown} is not the one this kitaru reads ({FORMAT_VERSION})",
        )
    body = document.get("body")
    if not isinstance(body, dict) or not isinstance(document.get("body_sha256"), str):
        raise _refused(where, "not a kitaru saved plan")
    if hashlib.sha256(_canonical(body)).hexdigest() != document["body_sha256"]:
        raise _refused(
            where, "its content does not match its body_sha256 (edited after it was written?)"
        )
    try:
        if body["kind"] != KIND:
            raise ValueError("another kind")
        manifest = body["manifest"]
        max_age = body["max_age"]
        secrets = body["secrets"]
        if not isinstance(secrets, list) or not all(isinstance(s, dict) for s in secrets):
            raise ValueError("secrets")
        return SavedPlan(
            manifest=str(manifest["path"]),
            manifest_sha256=str(manifest["sha256"]),
            env_files=_strings(body["env_files"]),
            prune=bool(body["prune"]),
            targets=_strings(body["targets"]),
            max_age=parse_duration(max_age) if isinstance(max_age, str) else None,
            secrets=tuple(secrets),
            manifests=_strings(body.get("manifests", [])),
        )
    except (KeyError, TypeError, ValueError, KitaruError):
        raise _refused(where, "not a kitaru saved plan") from None


def _label(name: str, private: bool) -> str:
    return f"{named(name)} ({visibility_word(private)})"


def _key_reasons(label: str, saved: list[Any], now: list[Any]) -> list[str]:
    before = {k.get("key"): k for k in saved if isinstance(k, dict)}
    after = {k["key"]: k for k in now}
    reasons = []
    for key in [*before, *(key for key in after if key not in before)]:
        was, fresh = before.get(key), after.get(key)
        said = "no such key" if was is None else was.get("action")
        says = "no such key" if fresh is None else fresh["action"]
        where = f"{label} key {named(str(key))}"
        if said != says:
            reasons.append(f"{where}: the plan said {said}, a fresh plan says {says}")
        elif was is not None and fresh is not None and was.get("source") != fresh["source"]:
            reasons.append(f"{where}: its value now comes from another source")
    return reasons


def _secret_reasons(saved: dict[str, Any], now: dict[str, Any]) -> list[str]:
    label = _label(now["name"], now["private"])
    was_id, now_id = saved.get("id"), now["id"]
    if was_id is None and now_id is not None:
        return [f"{label}: created in the store after the plan was made ({named(now_id)})"]
    if was_id is not None and now_id is None:
        return [f"{label}: deleted from the store after the plan was made (was {named(was_id)})"]
    if was_id != now_id:
        return [f"{label}: now another stored secret ({named(now_id)}, was {named(str(was_id))})"]
    reasons = []
    if saved.get("updated") != now["updated"]:
        reasons.append(
            f"{label}: changed in the store after the plan was made (updated {now['updated']}, "
            f"the plan saw {saved.get('updated')})"
        )
    if saved.get("action") != now["action"]:
        reasons.append(
            f"{label}: the plan said {saved.get('action')}, a fresh plan says {now['action']}"
        )
    if saved.get("keys") != now["keys"]:
        reasons.extend(_key_reasons(label, list(saved.get("keys") or []), now["keys"]))
    return reasons


def _identity(entry: dict[str, Any]) -> Identity:
    return (str(entry.get("name")), bool(entry.get("private")))


def stale_reasons(
    saved: SavedPlan, fresh: Plan, *, manifest_sha256: str, env_file: str | None
) -> list[str]:
    """Why ``fresh`` (the plan made again now) is not the saved one; empty when nothing
    moved: same manifest bytes, same .env file, every target still there (or still not)
    with the same last-updated time, and the same actions."""
    reasons = []
    if manifest_sha256 != saved.manifest_sha256:
        reasons.append(f"the manifest {shown_path(saved.manifest)} changed after the plan was made")
    now_files = (env_file,) if env_file else ()
    if now_files != saved.env_files:
        said = shown_path(saved.env_file) if saved.env_file else "no .env file"
        says = shown_path(env_file) if env_file else "none"
        reasons.append(f"the plan read {said}, this run reads {says}")
    before = {_identity(entry): entry for entry in saved.secrets}
    after = {(s.name, s.private): secret_entry(s) for s in fresh.secrets}
    for identity, entry in before.items():  # in the plan's (the manifest's) order
        if identity not in after:
            reasons.append(f"{_label(*identity)}: in the plan, not in the manifest now")
        elif entry != after[identity]:
            reasons.extend(_secret_reasons(entry, after[identity]))
    for identity in after:
        if identity not in before:
            reasons.append(f"{_label(*identity)}: in the manifest now, not in the plan")
    return reasons


def save(
    path: str | Path,
    plan: Plan,
    *,
    manifest_sha256: str | None,
    env_file: str | None,
    manifests: Sequence[str] = (),
) -> None:
    """``plan`` as a plan file at ``path`` (see ``to_document`` and ``write``)."""
    if manifest_sha256 is None:
        raise KitaruError("a saved plan needs the manifest's path, not a Manifest object")
    # Paths as apply --plan will accept them (relative to here), or no plan at all.
    env = for_plan_file(env_file, ".env file") if env_file else None
    secrets = plan.secrets
    if env_file and env != env_file:  # sources name the file as apply --plan will read it
        secrets = tuple(_relocated(secret, env_file, env or "") for secret in secrets)
    recorded = replace(plan, manifest=for_plan_file(plan.manifest, "manifest"), secrets=secrets)
    listed = [for_plan_file(each, "manifest") for each in manifests]
    document = to_document(
        recorded, manifest_sha256=manifest_sha256, env_file=env, manifests=listed
    )
    write(path, document)


def _relocated(secret: SecretPlan, was: str, now: str) -> SecretPlan:
    """``secret`` with its ``dotenv:WAS:VAR`` sources written ``dotenv:NOW:VAR``."""
    prefix = f"dotenv:{was}:"
    keys = tuple(
        replace(key, source=f"dotenv:{now}:{key.source[len(prefix) :]}")
        if key.source is not None and key.source.startswith(prefix)
        else key
        for key in secret.keys
    )
    return replace(secret, keys=keys)


def write(path: str | Path, document: dict[str, Any]) -> None:
    """The whole file or none of it: a temporary file beside it, flushed, then renamed."""
    try:
        write_whole(Path(path), to_json(document) + "\n")  # ASCII-only JSON
    except OSError as err:
        raise KitaruError(
            f"cannot write the plan to {shown_path(path)} ({err.strerror or 'write failed'})"
        ) from None


def read(path: str | Path) -> SavedPlan:
    """The saved plan at ``path``, checked (``PlanFileError`` when it cannot be used)."""
    where = shown_path(path)
    noted(path, "the plan file")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise PlanFileError(f"plan file {where}: {err.strerror or 'cannot be read'}") from None
    except UnicodeDecodeError:
        raise _refused(where, "not a kitaru saved plan") from None
    try:
        document = json.loads(text)
    except ValueError:
        raise _refused(where, "not JSON") from None
    return from_document(document, where)
