"""No command overwrites a file it read in the same run (issue 24, class 5): `plan --out`
over its .env file or manifest, `export --out` over the manifest it read, `schema --write`
over the schema it copies. Each is refused in one line, exit 1, and every input keeps its
bytes. `adopt --write` appending to its own manifest stays the one allowed rewrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from kitaru.store import open_store
from tests.conftest import Cli, KitaruEnv, all_output

CANARY = "own-input-canary-value-3f9e11"
MANIFEST = "version: 1\nenv_file: .env\nsecrets:\n  - name: app\n    keys: [APP_KEY]\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("APP_KEY", raising=False)
    (tmp_path / "secrets.yaml").write_text(MANIFEST)
    (tmp_path / ".env").write_text(f"APP_KEY={CANARY}\n")
    (tmp_path / "env-link").symlink_to(tmp_path / ".env")
    return tmp_path


def _refused(result: object, files: dict[Path, bytes]) -> None:
    assert result.exit_code == 1, result.stdout + result.stderr  # type: ignore[attr-defined]
    (line,) = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert "never overwrites its own input (nothing was written)" in line, line
    assert CANARY not in all_output([result])  # type: ignore[list-item]
    for path, data in files.items():
        assert path.read_bytes() == data, path


@pytest.mark.parametrize(
    "out",
    [".env", "secrets.yaml", "env-link", "./.env", "{here}/.env"],
)
def test_plan_out_never_replaces_the_files_it_read(
    here: Path, embedded_store: KitaruEnv, out: str
) -> None:
    files = {p: p.read_bytes() for p in (here / ".env", here / "secrets.yaml")}
    result = Cli()("secrets", "plan", "-f", "secrets.yaml", "--out", out.format(here=here))
    _refused(result, files)
    assert (here / "env-link").is_symlink()


def test_plan_out_over_an_explicit_env_file_is_refused(
    here: Path, embedded_store: KitaruEnv
) -> None:
    (here / "other.env").write_text(f"APP_KEY={CANARY}\n")
    files = {here / "other.env": (here / "other.env").read_bytes()}
    result = Cli()(
        "secrets", "plan", "-f", "secrets.yaml", "--env-file", "other.env", "--out", "other.env"
    )
    _refused(result, files)


def test_export_out_never_replaces_the_manifest_it_read(
    here: Path, embedded_store: KitaruEnv
) -> None:
    cli = Cli()
    assert cli("secrets", "apply", "-f", "secrets.yaml").exit_code == 0
    files = {here / "secrets.yaml": (here / "secrets.yaml").read_bytes()}
    for args in (("--out", "secrets.yaml", "--force"), ("--out", "secrets.yaml")):
        result = cli("secrets", "export", "-f", "secrets.yaml", *args)
        _refused(result, files)
    fine = cli("secrets", "export", "-f", "secrets.yaml", "--out", "exported.env")
    assert fine.exit_code == 0 and CANARY in (here / "exported.env").read_text()


def test_schema_write_never_replaces_the_schema_it_copies(tmp_path: Path) -> None:
    """The one place `schema --write` reads from is the schema kitaru ships."""
    import kitaru.sync

    shipped = Path(kitaru.sync.__file__).parent / "manifest.schema.json"
    before = shipped.read_bytes()
    result = Cli()("secrets", "schema", "--write", str(shipped))
    _refused(result, {shipped: before})
    fine = Cli()("secrets", "schema", "--write", str(tmp_path / "s" / "schema.json"))
    assert fine.exit_code == 0 and (tmp_path / "s" / "schema.json").read_bytes() == before


def test_adopt_write_appends_to_its_own_manifest(here: Path, embedded_store: KitaruEnv) -> None:
    import kitaru

    kitaru.create_secret("adopted", {"ADOPTED_KEY": CANARY})
    result = Cli()("secrets", "adopt", "-f", "secrets.yaml", "--write")
    assert result.exit_code == 0, result.stderr
    assert (here / "secrets.yaml").read_text().startswith(MANIFEST)
    assert "name: adopted" in (here / "secrets.yaml").read_text()
    assert [s.name for s in open_store().list_all()] == ["adopted"]
