"""Make untrusted text safe for one output format.

Every string a store returns (secret names, key names, IDs, values) may have been
written by a hostile co-user of the server. Printed raw, a newline followed by
``::error ...`` or ``::stop-commands::`` becomes a GitHub workflow command, and ESC
or C1 sequences retitle or clear the reader's terminal. Each renderer passes such
text through the function for its format; the fixed text kitaru writes needs none.

- ``for_terminal``: text output and stderr. Every character that is not plain
  printable text (C0, DEL, C1, line/paragraph separators, bidi and zero-width
  controls) becomes a visible escape such as ``\\x1b`` or ``\\u2028``, and ``::``
  (the start of a workflow command) becomes ``:\\x3a``. A backslash stays as is.
- ``to_json``: JSON keeps the exact text (a name in JSON must be usable to address
  the secret), but always ASCII-only, so the output bytes never hold a raw control,
  separator or bidi character: they are ``\\u001b``-style escapes.
- ``annotation_data`` / ``annotation_property``: the GitHub runner's own escaping
  (``%``, CR, LF; ``:`` and ``,`` in properties), then ``for_terminal``.
- ``markdown_code`` / ``markdown_text``: a table cell that neither breaks the row
  nor injects markup (links, HTML, mentions, emphasis).
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 controls, DEL, C1 controls; Arabic letter mark; zero-width and directional marks;
# line/paragraph separators; bidi embeddings, overrides and isolates; invisible
# operators; Mongolian vowel separator, Hangul filler, variation selectors and tag
# characters (invisible, so a name could pass for another); BOM; interlinear annotation
# controls.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\u3164"
    "\ufe00-\ufe0f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
# The runner's workflow commands: `::name::` and the older `##[name]` form.
_COMMAND = re.compile("::|##\\[")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def for_terminal(text: str) -> str:
    """Text with every control character replaced by a visible escape, and no ``::``."""
    return _COMMAND.sub(_defused, UNSAFE.sub(_escape, text))


def _defused(match: re.Match[str]) -> str:
    return ":\\x3a" if match.group(0) == "::" else "#\\x23["


def to_json(payload: Any) -> str:
    """Indented, ASCII-only JSON: exact data, no raw control in the output."""
    return json.dumps(payload, indent=2, ensure_ascii=True)


def runner_data(text: str) -> str:
    """The runner's escapeData alone (``%``, CR, LF): for ``::add-mask::``, whose
    text must reach the runner unchanged."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def annotation_data(text: str) -> str:
    """The message of a ``::error ...::message`` line."""
    return for_terminal(runner_data(text))


def annotation_property(text: str) -> str:
    """A ``key=value`` property of a workflow command (the runner's escapeProperty)."""
    return for_terminal(runner_data(text)).replace(":", "%3A").replace(",", "%2C")


def markdown_code(text: str) -> str:
    """A code span: controls escaped, a backtick cannot close it, a pipe cannot end
    the table cell (GitHub honours ``\\|`` inside code spans in tables)."""
    safe = for_terminal(text).replace("`", "\\x60").replace("|", "\\|")
    return f"`{safe}`"


_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#!|~&@])")


def markdown_text(text: str) -> str:
    """Plain text in a table cell: every markup character backslash-escaped."""
    return _MARKUP.sub(r"\\\1", for_terminal(text))
