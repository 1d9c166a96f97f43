"""What a configuration does to findings: which rules run where, and how severe they are.

Selection follows ruff: ``select`` (default: every rule) plus ``extend-select``, minus
``ignore`` and the ``per-file-ignores`` whose glob matches the file (relative to the
config's folder). Codes may be given as prefixes (``KS2``). ``FIXED`` codes always run at
their own severity (the options parser refuses to ignore or re-grade them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from kitaru.checks.findings import FIXED, RULES, Finding, Severity
from kitaru.config.globs import path_matches
from kitaru.config.options import Config


def _covers(selectors: tuple[str, ...], code: str) -> bool:
    return any(code.startswith(selector) for selector in selectors)


@dataclass(frozen=True)
class Policy:
    """A configuration applied to one file."""

    config: Config
    path: str

    @cached_property
    def _relative(self) -> str | None:
        try:
            return Path(self.path).absolute().relative_to(self.config.root.absolute()).as_posix()
        except ValueError:
            return None  # outside the config's folder (--config elsewhere): no per-file match

    @cached_property
    def enabled_codes(self) -> frozenset[str]:
        config = self.config
        selected = config.select if config.select is not None else ("KS",)
        ignored = list(config.ignore)
        relative = self._relative
        if relative is not None:
            for glob, codes in config.per_file_ignores:
                if path_matches(glob, relative):
                    ignored.extend(codes)
        return frozenset(
            code
            for code in RULES
            if code in FIXED
            or (
                _covers((*selected, *config.extend_select), code)
                and not _covers(tuple(ignored), code)
            )
        )

    def enabled(self, code: str) -> bool:
        return code in self.enabled_codes

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Findings of enabled rules, at the configured severity."""
        grades = dict(self.config.severity)
        kept = []
        for finding in findings:
            if finding.code not in self.enabled_codes:
                continue
            grade = grades.get(finding.code)
            if grade is not None:
                severity = Severity.warning if grade == "warn" else Severity.error
                finding = replace(finding, severity=severity)
            kept.append(finding)
        return kept
