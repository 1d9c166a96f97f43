"""A plain install (no extras) has what the embedded store needs, and says what is missing.

The test extra pulls ``zenml[server]``, which hides a missing ``zenml[local]``; so these
tests read kitaru's own declared dependencies instead of what this venv happens to hold.
`.ci/run` proves the same with a real fresh venv.
"""

from __future__ import annotations

import re
import subprocess
from importlib.metadata import PackageNotFoundError, distribution, version

import pytest
from packaging.requirements import Requirement

from kitaru.store import failures
from tests.conftest import PYTHON, REPO, KitaruEnv

# What ZenML's embedded SQL store imports (zenml 0.98.0, extra "local").
EMBEDDED_STORE_NEEDS = {"sqlalchemy", "sqlmodel", "alembic", "passlib", "sqlalchemy-utils"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def plain_install_closure() -> set[str]:
    """Every distribution `pip install kitaru` brings, following extras it names."""
    seen: set[str] = set()
    pending: list[tuple[str, frozenset[str]]] = [("kitaru", frozenset())]
    done: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        if (name, extras) in done:
            continue
        done.add((name, extras))
        seen.add(name)
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is not None and not any(
                marker.evaluate({"extra": extra}) for extra in (extras or {""})
            ):
                continue
            pending.append((_canonical(requirement.name), frozenset(requirement.extras)))
    return seen


def test_plain_dependencies_bring_the_embedded_store() -> None:
    missing = EMBEDDED_STORE_NEEDS - plain_install_closure()
    assert not missing, f"`pip install kitaru` would lack {sorted(missing)}"


def test_pyproject_takes_a_zenml_range_with_its_local_extra() -> None:
    text = (REPO / "pyproject.toml").read_text()
    dependencies = text.split("dependencies = [", 1)[1].split("]\n", 1)[0]
    assert '"zenml[local]>=0.90.0,<0.99"' in dependencies
    assert "mcp" not in dependencies  # the kitaru[mcp] extra: it needs ZenML 0.94.1+


def test_missing_extra_is_one_line_naming_the_fix(embedded_store: KitaruEnv) -> None:
    """ZenML's real ImportError, with sqlalchemy made unimportable in a real process."""
    blocked = (
        "import sys; sys.modules['sqlalchemy'] = None; from kitaru.cli.main import main; main()"
    )
    result = subprocess.run(
        [PYTHON, "-c", blocked, "secrets", "list"],
        env=embedded_store.env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=embedded_store.root,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: connecting to the ZenML store: zenml's 'local' extra is not installed; "
        f"run: pip install 'zenml[local]=={version('zenml')}'"
    ]
    assert "unexpected" not in result.stderr


def test_missing_module_without_a_named_extra() -> None:
    error = failures.missing_part("reading secret", ModuleNotFoundError(name="pymysql"))
    assert str(error) == (
        "reading secret: the Python package 'pymysql' that ZenML needs is not installed; "
        "run: pip install pymysql"
    )


def test_an_odd_module_name_is_not_quoted() -> None:
    error = failures.missing_part("reading secret", ImportError("x", name="a b; rm -rf"))
    assert str(error) == "reading secret: ZenML could not load one of its optional parts"


def test_example_workflow_installs_this_project() -> None:
    """`pip install kitaru` from the public index is another project of that name."""
    workflow = (REPO / "examples" / "github-workflow.yml").read_text()
    installs = re.findall(r"pip install (.+)", workflow)
    assert installs, "the example workflow installs nothing"
    pinned = re.compile(r'"kitaru @ git\+https://github\.com/[^/"]+/kitaru@[^"\s]+"')
    for line in installs:
        assert pinned.fullmatch(line.strip()), line


def test_kitaru_mcp_without_the_sdk_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Where the MCP SDK is missing (ZenML before 0.94.1 cannot have it), one line."""
    from kitaru.mcp import entry

    monkeypatch.setattr(entry, "find_spec", lambda name: None)
    with pytest.raises(SystemExit) as exited:
        entry.main(["--root", "."])
    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        "kitaru-mcp: the MCP SDK is not installed; run: pip install 'kitaru[mcp]' "
        "(it needs ZenML 0.94.1 or later)\n"
    )
