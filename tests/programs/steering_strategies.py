"""Hypothesis strategies over the keys that steer programs, drawn from the list itself.

``steering_key`` turns one of ``STEERING_KEYS``' patterns into a key it matches: exact
names as they are, ``*`` as random key text (so prefixes get random suffixes), ``[Pp]``
classes as a random choice of case. ``ordinary_key`` is any environment-variable name no
pattern matches, with the exact names in the wrong case among them.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

from kitaru.naming import is_valid_key
from kitaru.programs.steering_keys import STEERING_KEYS, steering_reason

_KEY_TEXT = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", max_size=12
)
_PIECE = re.compile(r"\[([^\]]+)\]|\*|[^\[*]")


@st.composite
def key_for(draw: st.DrawFn, pattern: str) -> str:
    out: list[str] = []
    for piece in _PIECE.finditer(pattern):
        if piece.group(1) is not None:
            out.append(draw(st.sampled_from(piece.group(1))))
        elif piece.group(0) == "*":
            out.append(draw(_KEY_TEXT))
        else:
            out.append(piece.group(0))
    return "".join(out)


PATTERNS = [pattern for pattern, _ in STEERING_KEYS]

steering_key = (
    st.sampled_from(PATTERNS).flatmap(key_for).filter(is_valid_key)  # "*" may give a digit
)

_exact_in_other_case = st.sampled_from(
    [p.lower() for p in PATTERNS if "*" not in p and "[" not in p and p.lower() != p]
)
ordinary_key = (
    st.one_of(st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,20}\Z"), _exact_in_other_case)
    .filter(is_valid_key)
    .filter(lambda key: steering_reason(key) is None)
)
