"""The hooks in .pre-commit-hooks.yaml, run by the real `pre-commit` from the README's snippet.

pre-commit installs kitaru (language: python) into a fresh virtualenv, which takes about
a minute: so the whole check is one `pre-commit run` over a project holding good and bad
files for both hooks, configured with the README's `.pre-commit-config.yaml` as written,
with only its two placeholders filled in (the repository and the commit it is pinned to).
The hook repository is a copy of the committed tree (HEAD), so uncommitted work elsewhere
in the checkout cannot break it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

CORPUS = Path(__file__).parent / "corpus"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "kitaru tests",
    "GIT_AUTHOR_EMAIL": "tests@kitaru.invalid",
    "GIT_COMMITTER_NAME": "kitaru tests",
    "GIT_COMMITTER_EMAIL": "tests@kitaru.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
FINDING = re.compile(r"^(\S+?):(\d+):(\d+): (KS\d{3}) ", re.MULTILINE)

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (REPO / ".git").exists() or not PRE_COMMIT.exists(),
    reason="needs git, a git checkout of kitaru and pre-commit",
)


def git(*args: str, cwd: Path, stdin: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
        check=True,
        timeout=120,
    )
    return result.stdout


def committed_repo(path: Path) -> Path:
    """A git repository holding the files of ``path`` in one commit."""
    git("init", "-q", "-b", "main", cwd=path)
    git("add", "-A", cwd=path)
    git("commit", "-q", "-m", "snapshot", cwd=path)
    return path


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed kitaru tree, as a repository of its own."""
    root = tmp_path_factory.mktemp("kitaru_hooks_repo")
    archive = git("archive", "--format=tar", "HEAD", cwd=REPO)
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True, timeout=120)
    assert (root / ".pre-commit-hooks.yaml").exists(), "commit .pre-commit-hooks.yaml first"
    return committed_repo(root)


def readme_pre_commit_config() -> str:
    """The README's snippet, verbatim."""
    text = (REPO / "README.md").read_text()
    (snippet,) = re.findall(r"```yaml\n(# \.pre-commit-config\.yaml\n.+?)```", text, re.DOTALL)
    return snippet


def filled_in(snippet: str, repo: Path, commit: str) -> str:
    assert "repo: https://github.com/<org>/kitaru\n" in snippet
    assert re.search(r"rev: <commit>\s", snippet), "the snippet pins a commit"
    snippet = snippet.replace("https://github.com/<org>/kitaru", str(repo))
    return snippet.replace("rev: <commit>", f"rev: {commit}")


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory, hook_repo: Path) -> Path:
    root = tmp_path_factory.mktemp("project")
    files = {
        "good/secrets.yaml": REPO / "examples" / "secrets.yaml",
        "bad/secrets.yaml": CORPUS / "manifests" / "bad" / "ks20x_keys.yaml",
        "good/.env.example": CORPUS / "env" / "good" / "app.env.example",
        "bad/.env.example": CORPUS / "env" / "bad" / "problems.env.example",
        "not-a-manifest.yaml": CORPUS / "manifests" / "bad" / "ks001_syntax.yaml",
        # a team's policy in the repository: the hook finds it walking up from the manifest
        "team/kitaru.toml": CORPUS / "team" / "kitaru.toml",
        "team/secrets.yaml": CORPUS / "team" / "secrets.yaml",
    }
    for name, source in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / name)
    commit = git("rev-parse", "HEAD", cwd=hook_repo).decode().strip()
    config = filled_in(readme_pre_commit_config(), hook_repo, commit)
    (root / ".pre-commit-config.yaml").write_text(config)
    return committed_repo(root)


@pytest.fixture(scope="session")
def hooks_run(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> subprocess.CompletedProcess[str]:
    home = tmp_path_factory.mktemp("pre_commit_home")
    return subprocess.run(
        [str(PRE_COMMIT), "run", "--all-files", "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)},
        timeout=900,
    )


def expected(source: Path, shown_as: str) -> list[tuple[str, int, int, str]]:
    text = source.read_text()
    found = re.findall(r"^# expect: (\d+):(\d+) (KS\d{3})$", text, re.MULTILINE)
    return [(shown_as, int(line), int(col), code) for line, col, code in found]


def test_hooks_file_uses_current_stage_names() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"] for hook in hooks} == {"kitaru-secrets-validate", "kitaru-env-keys"}
    for hook in hooks:
        assert hook["language"] == "python"
        assert set(hook["stages"]) <= {"pre-commit", "pre-merge-commit", "pre-push", "manual"}
    result = subprocess.run(
        [str(PRE_COMMIT), "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_files_fail_with_their_findings_and_good_ones_pass(
    hooks_run: subprocess.CompletedProcess[str],
) -> None:
    output = hooks_run.stdout + hooks_run.stderr
    assert hooks_run.returncode == 1, output
    assert re.search(r"^kitaru secrets validate\.+Failed$", output, re.MULTILINE), output
    assert re.search(r"^kitaru secrets validate-env\.+Failed$", output, re.MULTILINE), output
    shown = [(path, int(line), int(col), code) for path, line, col, code in FINDING.findall(output)]
    want = expected(CORPUS / "manifests" / "bad" / "ks20x_keys.yaml", "bad/secrets.yaml")
    want += expected(CORPUS / "env" / "bad" / "problems.env.example", "bad/.env.example")
    want += expected(CORPUS / "team" / "secrets.yaml", "team/secrets.yaml")  # its kitaru.toml
    assert sorted(shown) == sorted(want)
    # good files (and a YAML file the `files:` pattern does not match) print nothing
    assert not {path for path, *_ in shown} & {
        "good/secrets.yaml",
        "good/.env.example",
        "not-a-manifest.yaml",
    }
