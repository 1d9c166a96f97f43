"""find_secret looks through every container a checkpoint may return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from kitaru.runtime.scan import SecretRead, find_secret

TOKEN = "ghp_scan-canary-31415"
READS = [
    SecretRead("other", "UNUSED", "not-in-output-zz"),
    SecretRead("github-creds", "GITHUB_TOKEN", TOKEN),
]


class Payload(BaseModel):
    label: str
    nested: dict[str, Any]


@dataclass
class Box:
    content: object


def hit(obj: object) -> tuple[str, str] | None:
    read = find_secret(obj, READS)
    return None if read is None else (read.secret, read.key)


def test_finds_the_value_in_every_supported_shape() -> None:
    expected = ("github-creds", "GITHUB_TOKEN")
    shapes: list[object] = [
        TOKEN,
        f"Bearer {TOKEN}",
        TOKEN.encode(),
        bytearray(b"x" + TOKEN.encode()),
        {"key": TOKEN},
        {TOKEN: "as a key"},
        [1, (2, [f"..{TOKEN}.."])],
        {frozenset({TOKEN})},
        Payload(label="ok", nested={"deep": [TOKEN]}),
        Box(Box({"k": TOKEN})),
    ]
    for shape in shapes:
        assert hit(shape) == expected, type(shape)


def test_derived_values_and_opaque_objects_pass() -> None:
    assert hit(f"Loaded token with length {len(TOKEN)}") is None
    assert hit({"length": len(TOKEN), "prefix": TOKEN[:4]}) is None
    assert hit(iter([TOKEN])) is None  # an iterator is not consumed
    assert hit(None) is None


def test_a_secret_object_returned_whole_is_found() -> None:
    from kitaru.models import Secret

    secret = Secret(name="github-creds", id="1", private=False, values={"GITHUB_TOKEN": TOKEN})
    assert hit(secret) == ("github-creds", "GITHUB_TOKEN")


def test_cycles_end() -> None:
    loop: list[object] = []
    loop.append(loop)
    assert hit(loop) is None
    loop.append(TOKEN)
    assert hit(loop) is not None


def test_short_values_match_only_whole_strings() -> None:
    reads = [SecretRead("pins", "PIN", "42")]
    assert find_secret("42", reads) is not None
    assert find_secret(b"42", reads) is not None
    assert find_secret("length 42", reads) is None
    assert find_secret("anything", [SecretRead("e", "EMPTY", "")]) is None


leaves = st.one_of(st.text(alphabet="abc xyz", max_size=8), st.integers(), st.none())
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.text(alphabet="abc", max_size=3), children, max_size=4),
    ),
    max_leaves=20,
)


def embed(tree: object, path: list[int]) -> object:
    """The tree with the token placed somewhere inside it."""
    if isinstance(tree, list) and tree:
        index = path[0] % len(tree) if path else 0
        return [*tree[:index], embed(tree[index], path[1:]), *tree[index + 1 :]]
    if isinstance(tree, dict) and tree:
        key = sorted(tree)[path[0] % len(tree) if path else 0]
        return {**tree, key: embed(tree[key], path[1:])}
    if isinstance(tree, tuple):
        return (embed(tree[0], path[1:]), tree[1])
    return [tree, f"prefix{TOKEN}suffix"]


@given(trees)
def test_trees_without_the_value_pass(tree: object) -> None:
    assert hit(tree) is None


@given(trees, st.lists(st.integers(min_value=0, max_value=10), max_size=6))
def test_the_value_is_found_wherever_it_is_placed(tree: object, path: list[int]) -> None:
    assert hit(embed(tree, path)) == ("github-creds", "GITHUB_TOKEN")
