"""The streaming redactor: chunk by chunk, what one substitution over the whole would give."""

from __future__ import annotations

import base64
import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kitaru.programs import redact_stream
from kitaru.programs.masked_forms import masked_forms
from kitaru.programs.redact_stream import LONG, StreamRedactor, TooMuchToMaskError

SECRETS = ["hunter2-canary", "hunter2-canary-longer", "pem-line-one\npem-line-two"]


def whole(values: list[str], data: bytes) -> bytes:
    parts = sorted({f for v in values for f in masked_forms(v)}, key=lambda p: (-len(p), p))
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


# Values with characters every encoding changes, long and short, one on several lines.
ENCODED = ['p@ss w/rd+é"x:7', "tok_9f8e7d6c5b4a3928", "Ab1!", "-----BEGIN K-----\nQUJD+/==\n"]


def forms_in_context(value: str) -> list[bytes]:
    """How a program might print the value: JSON, in a URL, in a Basic header."""
    import base64
    import json
    from urllib.parse import quote, quote_plus

    raw = value.encode()
    return [
        json.dumps({"password": value}).encode(),
        json.dumps({"password": value}, ensure_ascii=False).encode(),
        f"postgres://app:{quote(value, safe='')}@db:5432/x".encode(),
        f"q={quote_plus(value)}&n=1".encode(),
        f"q={quote(value, safe='').lower()}".encode(),
        b"Authorization: Basic " + base64.b64encode(b"user:" + raw),
        b"Authorization: Basic " + base64.b64encode(b"us:" + raw + b"!"),
        b"token=" + base64.b64encode(raw),
        b"u=" + base64.urlsafe_b64encode(b"xy" + raw),
    ]


def test_json_escaped_percent_encoded_and_base64_forms_are_masked() -> None:
    """Fails on the old filter, which masked only the literal bytes."""
    value = ENCODED[0]
    for line in forms_in_context(value):
        masked = streamed([value], [line])
        assert masked != line, line
        rest = masked.replace(b"***", b"\0")
        # what is left of the value's encoding is at most the two edge characters
        for form in masked_forms(value):
            assert form not in masked
        assert b"\0" in rest


def test_a_pem_key_in_json_is_masked_whole() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(["QUJDREVGR0hJSktMTU5PUFFSU1RV"] * 3) + "\n"
    import json

    line = json.dumps({"key": pem}).encode()
    assert streamed([pem], split(line, list(range(0, len(line), 5)))) == b'{"key": "***"}'


def test_a_form_split_at_every_point_is_held_and_masked() -> None:
    value = "tok_9f8e7d6c5b4a3928-long-enough-for-words"
    data = b"a " + value.encode() + b" b"
    for cut in range(len(data) + 1):
        assert streamed([value], [data[:cut], data[cut:]]) == b"a *** b"


@pytest.mark.parametrize("length", [15, 22, 23, 38, 39, 70])
def test_a_value_at_every_offset_and_cut_is_masked(length: int) -> None:
    """Whatever stride the lengths allow (every 1, 2 or 4 words tested)."""
    value = ("k9" * length)[:length]
    for before in range(40):
        data = b"x" * before + value.encode() + b"!"
        for cut in (0, before + 3, before + length // 2, len(data) - 1):
            assert streamed([value], [data[:cut], data[cut:]]) == b"x" * before + b"***!"


def test_a_long_value_does_not_hold_ordinary_output() -> None:
    redactor = StreamRedactor(["tok_9f8e7d6c5b4a3928-long-enough-for-words"])
    assert redactor.feed(b"x" * 100 + b"\n") == b"x" * 100 + b"\n"
    assert redactor.feed(b"tok_9f8e7d6c5b4a3928-long") == b""
    assert redactor.feed(b"-enough-for-words!") == b"***!"


def noisy(values: list[str]) -> st.SearchStrategy[bytes]:
    pieces = [f for v in values for f in sorted(masked_forms(v))]
    pieces += [p[: len(p) // 2] for p in pieces] + [b"x", b"\n", b"%", b"\\", b"=", b"+"]
    return st.lists(st.sampled_from(pieces), max_size=12).map(b"".join)


@given(st.data(), st.lists(st.sampled_from(ENCODED), min_size=1, max_size=4, unique=True))
def test_any_chunking_of_encoded_forms_gives_the_whole_stream_substitution(
    data: st.DataObject, values: list[str]
) -> None:
    text = data.draw(noisy(values))
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=10))
    assert streamed(values, split(text, cuts)) == whole(values, text)


@given(
    st.lists(st.text("ab+/=%\n", min_size=LONG - 3, max_size=4 * LONG), min_size=1, max_size=3),
    st.lists(
        st.sampled_from([b"a", b"b", b"+", b"/", b"ab", b"ba", b"=\n", b"YWJh"]), max_size=200
    ),
    st.lists(st.integers(0, 400), max_size=12),
)
def test_any_chunking_around_the_long_form_threshold(
    values: list[str], pieces: list[bytes], cuts: list[int]
) -> None:
    text = b"".join(pieces)
    assert streamed(values, split(text, cuts)) == whole(values, text)


def test_whitespace_around_too_little_is_not_masked() -> None:
    data = b"def f():\n    return 1\n\n\n\n\n  ab  \n"
    assert streamed(["    ", "\n\n\n\n\n", "  ab  "], [data]) == data
    assert streamed([" abcd "], [b"x abcd y"]) == b"x***y"  # the value with its spaces


def test_more_forms_than_the_bound_are_refused_before_building(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A co-user's public value of thousands of lines cost seconds and hundreds of MB."""
    monkeypatch.setattr(redact_stream, "MAX_FORMS", 100)
    lines = "\n".join(f"line-{n:04d}-of-a-hostile-value" for n in range(40))
    with pytest.raises(TooMuchToMaskError, match="at most 100 forms") as caught:
        StreamRedactor(["hunter2-canary", lines])
    assert "hostile" not in str(caught.value) and caught.value.exit_code == 2
    StreamRedactor(["hunter2-canary", lines.split("\n", 5)[0]])  # within the bound


def test_many_forms_take_a_smaller_stride_and_mask_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = [f"tok_{n:02d}_9f8e7d6c5b4a3928-long-enough-for-words" for n in range(30)]
    wide = StreamRedactor(values)
    monkeypatch.setattr(redact_stream, "_WIDE", 8)
    narrow = StreamRedactor(values)
    assert (wide._stride, narrow._stride) == (4, 1)
    encoded = base64.b64encode(values[3].encode())
    data = b"x".join(v.encode() for v in values) + b" and base64 " + encoded
    for redactor in (wide, narrow):
        out = b"".join(redactor.feed(chunk) for chunk in split(data, list(range(0, 2000, 13))))
        assert out + redactor.finish() == whole(values, data)


def test_fresh_shares_the_tables_and_holds_its_own_tail() -> None:
    first = StreamRedactor(SECRETS)
    second = first.fresh()
    assert second._anchors is first._anchors and second._short is first._short
    assert first.feed(b"a hunter2-ca") == b"a "
    assert second.feed(b"b ") == b"b "
    assert second.finish() == b"" and first.feed(b"nary\n") == b"***\n"
