"""The report for a terminal or a log: one line per secret, changed keys under it.

Every name, key, source, id and error text passes through ``for_terminal``. Colour is
the caller's choice (the CLI decides it from the stream and NO_COLOR).
"""

from __future__ import annotations

from datetime import datetime

from kitaru.ages import relative
from kitaru.naming import visibility_word
from kitaru.safe_text import for_terminal
from kitaru.sync.report.view import DriftRow, KeyRow, ReportView, SecretRow
from kitaru.sync.report.words import (
    ACTION_SYMBOL,
    KEPT_WORDS,
    KEY_SYMBOL,
    MAX_LISTED_UNMANAGED,
    state_word,
    summary_sentence,
)

_SYMBOL_COLOR = {"+": "32", "~": "33", "-": "31", "!": "33", "x": "31"}


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def symbol(self, symbol: str) -> str:
        code = _SYMBOL_COLOR.get(symbol)
        return self.paint(symbol, code) if code else symbol


def _key_line(key: KeyRow, style: _Style) -> str:
    source = key.source or ("--prune" if key.action == "remove" else "")
    name = for_terminal(key.key)
    return (
        f"      {style.symbol(KEY_SYMBOL[key.action])} {name:<28} {for_terminal(source)}".rstrip()
    )


def _secret_lines(secret: SecretRow, style: _Style, now: datetime | None) -> list[str]:
    symbol = "x" if secret.failed else ACTION_SYMBOL[secret.action]
    word = state_word(secret.state)
    if secret.failed:
        word = style.paint(word, "31")
    head = f"  {style.symbol(symbol)} {for_terminal(secret.label):<40} {word}"
    if now is not None and secret.updated is not None:
        head = f"{head:<60} updated {relative(secret.updated, now)}"
    lines = [head]
    if secret.error:
        lines.append(f"      {for_terminal(secret.error)}")
    if secret.action == "delete" and secret.secret_id:
        lines.append(f"      the whole secret, id {for_terminal(secret.secret_id)}")
    if secret.writes:
        changed = secret.changed_keys
        lines.extend(_key_line(key, style) for key in changed)
        unchanged = len(secret.keys) - len(changed)
        if unchanged:
            lines.append(f"      ({unchanged} unchanged key(s))")
    if secret.kept:
        lines.append(f"      {KEPT_WORDS}: {', '.join(map(for_terminal, secret.kept))}")
    if secret.skipped:
        skipped = ", ".join(map(for_terminal, secret.skipped))
        lines.append(f"      optional, not set: {skipped}")
    return lines


def _drift_line(item: DriftRow, symbol: str, style: _Style) -> str:
    detail = for_terminal(f"{item.label}: {item.kind}: {item.message}")
    return f"  {style.symbol(symbol)} {detail}"


def _drift_lines(view: ReportView, style: _Style) -> list[str]:
    drift = view.drift
    if not drift:
        return []
    if not view.applied:
        return ["", "Drift:", *(_drift_line(item, "!", style) for item in drift)]
    lines: list[str] = []
    fixed = [item for item in drift if item.fixed]
    left = [item for item in drift if not item.fixed]
    if fixed:
        lines += ["", "Drift fixed by this apply:"]
        lines.extend(_drift_line(item, "=", style) for item in fixed)
    if left:
        lines += ["", "Drift left:"]
        lines.extend(_drift_line(item, "!", style) for item in left)
    return lines


def render_text(view: ReportView, color: bool = False) -> str:
    style = _Style(color)
    lines = [f"kitaru secrets {view.command}: {for_terminal(view.manifest)}", ""]
    if view.targets:
        targeted = ", ".join(map(for_terminal, view.targets))
        lines[1:1] = [f"Targeted (--target): {targeted}; the manifest's other secrets left out"]
    for secret in view.secrets:
        # A time read before this apply wrote would be old news: plans and dry runs only.
        lines.extend(_secret_lines(secret, style, None if view.applied else view.made_at))
    lines.extend(_drift_lines(view, style))
    if view.unmanaged:
        names = [f"{for_terminal(u.name)} ({visibility_word(u.private)})" for u in view.unmanaged]
        shown = names[:MAX_LISTED_UNMANAGED]
        more = f" and {len(names) - len(shown)} more" if len(names) > len(shown) else ""
        lines += ["", f"Unmanaged (in the store, not in the manifest): {', '.join(shown)}{more}"]
    lines += ["", summary_sentence(view)]
    return "\n".join(lines)
