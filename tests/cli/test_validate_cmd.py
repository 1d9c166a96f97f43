"""`kitaru secrets schema --write`: a schema file for a modeline in the user's own repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import REPO, Cli


def test_schema_write_makes_the_file_a_modeline_in_the_repo_can_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = Cli()("secrets", "schema", "--write", ".kitaru/manifest.schema.json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "wrote .kitaru/manifest.schema.json\n"
    written = (tmp_path / ".kitaru" / "manifest.schema.json").read_text()
    assert written == (REPO / "kitaru" / "sync" / "manifest.schema.json").read_text()
    # The README's modeline, in a manifest beside .kitaru/, names that file.
    manifest = (REPO / "examples" / "secrets.yaml").read_text()
    manifest = re.sub(
        r"^# yaml-language-server: \$schema=\S+",
        "# yaml-language-server: $schema=.kitaru/manifest.schema.json",
        manifest,
    )
    (tmp_path / "secrets.yaml").write_text(manifest)
    named = re.search(r"\$schema=(\S+)", manifest).group(1)
    schema = json.loads((tmp_path / named).read_text())
    jsonschema.validate(yaml.safe_load(manifest), schema)


def test_schema_write_to_a_place_it_cannot_write_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = Cli()("secrets", "schema", "--write", str(blocker / "schema.json"))
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: schema --write ") and "cannot write it" in line
