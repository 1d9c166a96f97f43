"""The example manifest the pipeline, CLI and apply tests share, with canary values."""

from __future__ import annotations

from pathlib import Path

import pytest

from kitaru.store import open_store

CANARY_OPENAI = "kitaru-canary-openai-5b1e0c"
CANARY_GITHUB = "kitaru-canary-github-77d2aa"
CANARY_DB = "kitaru-canary-db\nsecond-line-4c4c"
CANARIES = [CANARY_OPENAI, CANARY_GITHUB, *CANARY_DB.splitlines()]

MANIFEST = """\
version: 1
secrets:
  - name: openai-creds
    private: true
    keys:
      - OPENAI_API_KEY
      - key: OPENAI_ORG_ID
        from: OPENAI_ORGANIZATION
        optional: true
  - name: github-creds
    prune: true
    keys: [GITHUB_TOKEN]
  - name: db-creds
    keys: [DB_PASSWORD]
"""


def write_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The manifest in ``tmp_path`` and its values in the environment."""
    path = tmp_path / "secrets.yaml"
    path.write_text(MANIFEST)
    monkeypatch.setenv("OPENAI_API_KEY", CANARY_OPENAI)
    monkeypatch.setenv("GITHUB_TOKEN", CANARY_GITHUB)
    monkeypatch.setenv("DB_PASSWORD", CANARY_DB)
    monkeypatch.delenv("OPENAI_ORGANIZATION", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return path


def stored_state() -> dict[tuple[str, bool], dict[str, str | None]]:
    store = open_store()
    return {
        (s.name, s.private): dict(s.values) for s in (store.get(r.id) for r in store.list_all())
    }
