"""How the checks read files: UTF-8 with BOM, YAML's line breaks, KS007 when unreadable."""

from __future__ import annotations

from pathlib import Path

from kitaru.checks.findings import Finding
from kitaru.checks.text import decode, not_utf8, read_file, split_lines


def test_decode_reads_utf8_with_or_without_a_bom() -> None:
    assert decode("ä") == "ä"
    assert decode("\ufeffa: 1".encode()) == "a: 1"
    assert decode(b"a: \xff") is None


def test_lines_break_where_yaml_breaks_them() -> None:
    assert split_lines("a\r\nb\rc\nd\x85e\u2028f") == ["a", "b", "c", "d", "e", "f"]


def test_not_utf8_points_at_the_first_bad_byte() -> None:
    finding = not_utf8(b"version: 1\nname: \xffx\n", "m.yaml", "manifest")
    assert finding.render() == "m.yaml:2:7: KS007 the manifest is not UTF-8 text"


def test_an_unreadable_file_is_ks007_and_a_value_shaped_path_is_not_quoted(tmp_path: Path) -> None:
    assert read_file(tmp_path, "file") == Finding(
        str(tmp_path), 1, 1, "KS007", "cannot read the file: Is a directory"
    )
    typed = "sk-" + "proj-" + "Zx81kQ" * 6  # a value typed where a path belongs
    finding = read_file(typed, "manifest")
    assert isinstance(finding, Finding) and finding.code == "KS007"
    assert typed not in finding.render()
    (tmp_path / "ok").write_bytes(b"x")
    assert read_file(tmp_path / "ok", "file") == b"x"
