"""The byte strings ``run --redact`` hides for one value: the value and the encoded forms
it commonly takes in logs.

For the value and each line of a multi-line value (``kitaru.runtime.redact.maskable``):

- the UTF-8 bytes as they are;
- JSON string escaping (ASCII-only as ``json.dumps`` writes it, and with UTF-8 kept), each
  also with ``/`` written ``\\/``;
- percent-encoding (``%XX`` for everything but letters, digits and ``-._~``; the same
  keeping ``/``, or ``!'()*`` as JavaScript's ``encodeURIComponent`` does; ``+`` for a
  space as HTML forms write it), with upper- and lower-case hex digits;
- base64, standard and URL-safe, at each of the three alignments the value can have in a
  longer encoded text, trimmed of the characters that also depend on the bytes around it
  (as GitHub's runner masks them): the one or two edge characters stay visible.

Forms shorter than ``MIN_LENGTH`` are left out, as short values are.
"""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import quote, quote_plus

from kitaru.runtime.redact import MIN_LENGTH, maskable

_URLSAFE = bytes.maketrans(b"+/", b"-_")
_HEX = re.compile(rb"%[0-9A-F]{2}")
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")
_PERCENT_SAFE = ("", "/", "!'()*")


def masked_forms(value: str) -> set[bytes]:
    """Every byte string to replace for ``value`` (empty for a value too short to hide)."""
    forms: set[bytes] = set()
    for part in maskable(value):
        forms |= part_forms(part)
    return {form for form in forms if len(form) >= MIN_LENGTH}


def part_forms(part: str) -> set[bytes]:
    raw = part.encode("utf-8")
    forms = {raw, *_base64_forms(raw)}
    if _UNRESERVED.fullmatch(part):
        return forms  # JSON and percent-encoding leave it as it is
    forms |= _json_forms(part)
    for percent in _percent_forms(part):
        forms |= {percent, _HEX.sub(lambda m: m.group().lower(), percent)}
    return forms


def _json_forms(part: str) -> set[bytes]:
    escaped = {
        json.dumps(part)[1:-1].encode("ascii"),
        json.dumps(part, ensure_ascii=False)[1:-1].encode("utf-8"),
    }
    return escaped | {form.replace(b"/", b"\\/") for form in escaped}


def _percent_forms(part: str) -> set[bytes]:
    forms = {quote(part, safe=safe).encode("ascii") for safe in _PERCENT_SAFE}
    forms |= {quote_plus(part, safe=safe).encode("ascii") for safe in _PERCENT_SAFE}
    return forms


def _base64_forms(raw: bytes) -> set[bytes]:
    """The characters of ``raw``'s base64 that only ``raw`` decides, for each offset."""
    forms: set[bytes] = set()
    for offset in range(3):  # bytes before ``raw`` in its first 3-byte group
        encoded = base64.b64encode(bytes(offset) + raw + bytes(2))
        first = -(-8 * offset // 6)  # the first character whose 6 bits are all raw's
        last = 8 * (offset + len(raw)) // 6  # past the last such character
        core = encoded[first:last]
        forms |= {core, core.translate(_URLSAFE)}
    return forms
