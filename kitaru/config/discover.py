"""Which configuration applies to a file: the closest one walking up from it (as ruff does).

In each folder, from the file's own up to the filesystem root (or ``stop_at``):
``.kitaru.toml``, then ``kitaru.toml``, then ``pyproject.toml`` if it has a ``[tool.kitaru]``
table. ``--config PATH`` names one file instead (``load``). A file that cannot be read or
parsed is a ``ConfigError`` (one line, `validate` exits 2), never a silent default.
Results are cached per folder: pre-commit passes many files of one repository at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from kitaru.config.options import DEFAULT, Config, ConfigError, parse
from kitaru.naming import shown_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

NAMES = (".kitaru.toml", "kitaru.toml")
PYPROJECT = "pyproject.toml"
PREFIX = "tool.kitaru"
MAX_BYTES = 1024 * 1024


def _read_toml(path: Path) -> dict[str, Any]:
    where = shown_path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise ConfigError(
            f"{where}: cannot be read ({err.strerror or type(err).__name__})"
        ) from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{where}: larger than {MAX_BYTES // 1024} KiB; not a config file")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{where}: not valid TOML ({err})") from None
    except RecursionError:
        raise ConfigError(f"{where}: nested too deeply") from None


def _tool_table(data: dict[str, Any]) -> Any:
    """``[tool.kitaru]`` as read (None when absent; maybe not a table)."""
    tool = data.get("tool")
    return tool.get("kitaru") if isinstance(tool, dict) else None


def load(path: str | Path) -> Config:
    """The configuration in ``path`` (kitaru.toml-style, or a pyproject.toml)."""
    source = Path(path).absolute()
    data = _read_toml(source)
    if source.name == PYPROJECT:
        table = _tool_table(data)
        if table is None:
            raise ConfigError(f"{shown_path(path)}: has no [{PREFIX}] table")
        return _parsed(table, source, PREFIX)
    return _parsed(data, source, "")


def _parsed(table: Any, source: Path, prefix: str) -> Config:
    if not isinstance(table, dict):  # [tool] kitaru = 1
        raise ConfigError(f"{shown_path(source)}: [{prefix}] must be a table")
    return parse(table, source, prefix)


def _in_folder(folder: Path) -> Config | None:
    for name in NAMES:
        candidate = folder / name
        if candidate.is_file():
            return load(candidate)
    candidate = folder / PYPROJECT
    if candidate.is_file():
        table = _tool_table(_read_toml(candidate))
        if table is not None:
            return _parsed(table, candidate.absolute(), PREFIX)
    return None


class Finder:
    """Finds (and caches, per folder) the configuration for files."""

    def __init__(self, stop_at: Path | None = None) -> None:
        self.stop_at = stop_at.absolute() if stop_at is not None else None
        self._cache: dict[Path, Config] = {}

    def for_folder(self, folder: Path) -> Config:
        folder = folder.absolute()
        walked: list[Path] = []
        found = DEFAULT
        for current in (folder, *folder.parents):
            if current in self._cache:
                found = self._cache[current]
                break
            walked.append(current)
            config = _in_folder(current)
            if config is not None:
                found = config
                break
            if current == self.stop_at:
                break
        for current in walked:
            self._cache[current] = found
        return found

    def for_file(self, path: str | Path) -> Config:
        return self.for_folder(Path(path).absolute().parent)
