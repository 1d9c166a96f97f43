"""The streaming redactor: chunk by chunk, what one substitution over the whole would give."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from kitaru.programs.redact_stream import StreamRedactor
from kitaru.runtime.redact import maskable

SECRETS = ["hunter2-canary", "hunter2-canary-longer", "pem-line-one\npem-line-two"]


def whole(values: list[str], data: bytes) -> bytes:
    parts = sorted({p.encode() for v in values for p in maskable(v)}, key=lambda p: (-len(p), p))
    if not parts:
        return data
    return re.compile(b"|".join(map(re.escape, parts))).sub(b"***", data)


def streamed(values: list[str], chunks: list[bytes]) -> bytes:
    redactor = StreamRedactor(values)
    return b"".join(redactor.feed(chunk) for chunk in chunks) + redactor.finish()


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(max(c, 0), len(data)) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


def test_a_value_in_one_write_is_masked() -> None:
    assert streamed(SECRETS, [b"token=hunter2-canary\n"]) == b"token=***\n"


def test_a_value_split_over_two_writes_is_masked() -> None:
    assert streamed(SECRETS, [b"token=hunter2-ca", b"nary done\n"]) == b"token=*** done\n"


def test_the_longest_value_wins() -> None:
    assert streamed(SECRETS, [b"a hunter2-canary-lo", b"nger b\n"]) == b"a *** b\n"


def test_a_value_on_many_lines_and_a_multiline_value() -> None:
    data = b"hunter2-canary\n" * 500 + b"pem-line-one\npem-line-two\n"
    assert streamed(SECRETS, split(data, list(range(3, len(data), 7)))) == b"***\n" * 501


def test_output_that_cannot_become_a_value_is_not_held() -> None:
    redactor = StreamRedactor(SECRETS)
    assert redactor.feed(b"Password: ") == b"Password: "
    assert redactor.feed(b"xx hunt") == b"xx "  # could still become a value
    assert redactor.feed(b"ing\n") == b"hunting\n"


def test_bytes_that_are_not_utf8_pass() -> None:
    assert streamed(SECRETS, [b"\xff\xfe hunter2-canary \x80"]) == b"\xff\xfe *** \x80"


def test_nothing_to_mask_passes_every_chunk_at_once() -> None:
    redactor = StreamRedactor(["ab"])  # shorter than maskable's minimum
    assert redactor.feed(b"ab cd") == b"ab cd"


ALPHABET = st.sampled_from([b"a", b"b", b"c", b"\n", b"ab", b"abc", b"bca", b"\xff"])


@given(
    st.lists(st.text("abc\n", min_size=4, max_size=9), min_size=1, max_size=4),
    st.lists(ALPHABET, max_size=60).map(b"".join),
    st.lists(st.integers(0, 80), max_size=12),
)
def test_any_chunking_gives_the_whole_stream_substitution(
    values: list[str], data: bytes, cuts: list[int]
) -> None:
    assert streamed(values, split(data, cuts)) == whole(values, data)
