"""A streaming filter that replaces secret values in a child's output with ``***``.

It works on bytes (output that is not UTF-8 passes through) and gives, chunk by chunk,
exactly what one substitution over the whole stream would give with the alternation of
every masked form (``masked_forms``), longest first: leftmost match wins, and the longest
form starting there. Only the tail that could still grow into a form is held back between
chunks, so ordinary output (a prompt, a progress line) passes at once; the tail is
written when the stream ends.

Speed does not depend on how many forms there are. Every occurrence of a form of at
least ``reach(s)`` bytes covers one whole 8-byte word at a position that is a multiple
of ``8 s``, and that word is one of the form's first ``8 s`` 8-grams: the buffer is read
as 8-byte words, every s-th is tested against the set of those grams in C
(``set.isdisjoint``), and only the words found there are looked at in Python. ``s`` is
the largest of 1, 2 and 4 that every form of at least ``LONG`` bytes allows. Shorter
forms (of short values) go through one regular expression, whose cost grows with their
number.
"""

from __future__ import annotations

import bisect
import copy
import re
import sys
from collections.abc import Iterable

from kitaru.errors import KitaruError
from kitaru.programs.masked_forms import masked_forms
from kitaru.runtime.redact import MASK

_MASK = MASK.encode()
WORD = 8
STRIDES = (1, 2, 4)  # words between two tested ones


def reach(stride: int) -> int:
    """The shortest form sure to cover a whole word at a multiple of ``stride`` words."""
    return stride * WORD + WORD - 1


LONG = reach(1)  # shorter forms go through the regular expression
_BLOCK = 512  # words tested together before looking at them one by one
MAX_FORMS = 50_000  # a few thousand lines of values; about 0.5 s and 100 MB to build
_WIDE = 1 << 16  # long forms times stride: above it, a smaller stride (anchors <= 8 * _WIDE)


def _word(gram: bytes) -> int:
    return int.from_bytes(gram, sys.byteorder)  # as memoryview.cast("Q") reads it


class TooMuchToMaskError(KitaruError):
    """The values have more forms to mask than ``MAX_FORMS``."""

    exit_code = 2


class StreamRedactor:
    """Feed chunks in order; each call returns the bytes safe to write now.

    Building one costs time and memory in proportion to the number of forms, which a
    co-user who can write a public secret controls (a value of 20,000 lines): more than
    ``MAX_FORMS`` is refused, before anything is built.
    """

    def __init__(self, values: Iterable[str]) -> None:
        forms: set[bytes] = set()
        for value in values:
            forms |= masked_forms(value)
            if len(forms) > MAX_FORMS:
                raise TooMuchToMaskError(
                    f"--redact masks at most {MAX_FORMS} forms of the values (their lines, "
                    "JSON, percent and base64 forms); these values have more: run without "
                    "--redact, or with fewer or shorter multi-line values"
                )
        self._active = bool(forms)
        longs = sorted(f for f in forms if len(f) >= LONG)
        # Test every stride-th word only, when every long form covers an aligned one.
        # With many forms, fewer anchors each (a smaller stride): the table stays small.
        self._stride = max(
            s
            for s in STRIDES
            if s == 1 or (all(len(f) >= reach(s) for f in longs) and len(longs) * s <= _WIDE)
        )
        span = self._stride * WORD
        # gram -> form index * span + offset; a gram that several places share: -1, and
        # the places in ``_shared`` (plain ints: no object per place for the collector).
        self._longs = longs
        self._anchors: dict[int, int] = {}
        self._shared: dict[int, list[int]] = {}
        for index, form in enumerate(longs):
            for offset in range(span):
                self._anchor(_word(form[offset : offset + WORD]), index * span + offset)
        self._anchor_set = frozenset(self._anchors)
        shorts = sorted((f for f in forms if len(f) < LONG), key=lambda f: (-len(f), f))
        self._short = re.compile(b"|".join(map(re.escape, shorts))) if shorts else None
        self._sorted = sorted(forms)  # a tail begins a form if the next form up starts with it
        self._held = b""

    def _anchor(self, gram: int, place: int) -> None:
        known = self._anchors.setdefault(gram, place)
        if known == place:
            return
        if known >= 0:
            self._anchors[gram] = -1
            self._shared[gram] = [known]
        self._shared[gram].append(place)

    def fresh(self) -> StreamRedactor:
        """A redactor for another stream, sharing this one's tables (built once)."""
        other = copy.copy(self)
        other._held = b""
        return other

    def feed(self, chunk: bytes) -> bytes:
        if not self._active:
            return chunk
        return self._mask(self._held + chunk, at_end=False)

    def finish(self) -> bytes:
        """The held tail, masked as the end of the stream."""
        data, self._held = self._held, b""
        return self._mask(data, at_end=True) if self._active else data

    def _mask(self, data: bytes, *, at_end: bool) -> bytes:
        ends: dict[int, int] = {}  # start of an occurrence -> end of the longest there
        partial: list[int] = []  # starts of a form cut off by the end of ``data``
        self._long(data, ends, partial)
        self._shorts(data, ends)
        if at_end:
            partial.clear()  # nothing more can come
        else:
            self._tail(data, partial)
        out: list[bytes] = []
        position = 0
        cut = sorted(partial)
        for start in sorted(ends):
            while cut and cut[0] < position:
                cut.pop(0)  # inside what was masked already
            if cut and cut[0] <= start:
                break  # a longer form may still start before or here
            if start < position:
                continue
            out += [data[position:start], _MASK]
            position = ends[start]
        while cut and cut[0] < position:
            cut.pop(0)
        keep = cut[0] if cut else len(data)
        out.append(data[position:keep])
        self._held = data[keep:]
        return b"".join(out)

    def _long(self, data: bytes, ends: dict[int, int], partial: list[int]) -> None:
        size, span = len(data), self._stride * WORD
        words = memoryview(data)[: size - size % WORD].cast("Q")[:: self._stride]
        anchors, shared, longs = self._anchors, self._shared, self._longs
        anchor_set = self._anchor_set
        for block in range(0, len(words), _BLOCK):
            if anchor_set.isdisjoint(words[block : block + _BLOCK]):
                continue
            for index in range(block, min(block + _BLOCK, len(words))):
                word = words[index]
                found = anchors.get(word)
                if found is None:
                    continue
                for place in shared[word] if found < 0 else (found,):
                    which, offset = divmod(place, span)
                    form = longs[which]
                    start = index * span - offset
                    if start < 0:
                        continue
                    if data.startswith(form, start):
                        ends[start] = max(ends.get(start, 0), start + len(form))
                    elif size - start < len(form) and form.startswith(data[start:]):
                        partial.append(start)

    def _shorts(self, data: bytes, ends: dict[int, int]) -> None:
        pattern = self._short
        if pattern is None:
            return
        for match in pattern.finditer(data):
            # finditer skips the starts inside a match; another form may start there.
            for start in range(match.start(), match.end()):
                found = match if start == match.start() else pattern.match(data, start)
                if found is not None:
                    ends[start] = max(ends.get(start, 0), found.end())

    def _tail(self, data: bytes, partial: list[int]) -> None:
        """The starts in the last bytes (too few to hold a tested word) whose rest begins
        a form."""
        size, forms = len(data), self._sorted
        for start in range(max(0, size - reach(self._stride) + 1), size):
            tail = data[start:]
            at = bisect.bisect_left(forms, tail)
            if at < len(forms) and forms[at] == tail:
                at += 1  # the form itself: whole, not cut
            if at < len(forms) and forms[at].startswith(tail):
                partial.append(start)
