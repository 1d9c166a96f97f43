"""plan/apply pay for zenml only once a store is needed (checked in a fresh interpreter)."""

from __future__ import annotations

from pathlib import Path

from tests.test_imports import imported_modules

RUN = "from kitaru.cli.main import main\ntry:\n    main({args!r})\nexcept SystemExit:\n    pass\n"


def test_help_imports_neither_zenml_nor_dotenv() -> None:
    for command in ("plan", "apply"):
        modules = imported_modules(RUN.format(args=["secrets", command, "--help"]))
        assert "zenml" not in modules and "dotenv" not in modules


def test_a_bad_manifest_is_reported_without_importing_zenml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nsecrets:\n  - name: x\n    privte: true\n")
    modules = imported_modules(RUN.format(args=["secrets", "apply", "-f", str(path)]))
    assert "kitaru.sync.manifest" in modules
    assert "zenml" not in modules


def test_adopt_refuses_an_unappendable_manifest_without_importing_zenml(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text("version: 1\nsecrets: []\n")
    modules = imported_modules(RUN.format(args=["secrets", "adopt", "-f", str(path), "--write"]))
    assert "kitaru.sync.adopt" in modules
    assert "zenml" not in modules and "httpx" not in modules
