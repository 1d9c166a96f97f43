"""Adoption, pure: entries from stored secrets, YAML scalars, and the byte-exact append."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kitaru.naming import is_quotable, shown
from kitaru.store.base import StoredSecret
from kitaru.sync.adopt import AdoptError, Entry, append_entries, entries_for, scalar
from kitaru.sync.manifest import parse_manifest

CANARY = "kitaru-canary-adopt-pure-6b0f2e"


@given(st.text(max_size=40))
@settings(max_examples=300)
def test_a_scalar_reads_back_as_exactly_its_text_or_is_refused(text: str) -> None:
    try:
        written = scalar(text)
    except ValueError:
        return
    assert "\n" not in written
    assert yaml.safe_load(f"key: {written}") == {"key": text}


@pytest.mark.parametrize("text", ["true", "ON", "null", "1.0", "0x1F", "~", "- x", "a: b"])
def test_scalars_yaml_would_misread_are_quoted(text: str) -> None:
    assert scalar(text) != text
    assert yaml.safe_load(f"[{scalar(text)}]") == [text]


HOSTILE = [
    "bad name!",
    "nl\nname",
    "ghp_" + "a1B2" * 9,  # a credential's shape
    "8a2f4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b",  # an ID's shape
    "x" * 300,
    "\x1b]8;;http://evil\x07",
]


def test_store_names_and_keys_the_grammar_cannot_hold_are_skipped_with_a_quoted_note() -> None:
    stored = [StoredSecret(f"id-{i}", name, False, {"K": CANARY}) for i, name in enumerate(HOSTILE)]
    stored += [
        StoredSecret("k1", "bad-key", False, {"bad-key": CANARY}),
        StoredSecret("k2", "cred-key", False, {"ghp_" + "a1B2" * 9: CANARY}),
        StoredSecret("k3", "empty", True, {}),
        StoredSecret("k4", "true", True, {"ON": CANARY, "B": None}),
        StoredSecret("k5", "cased", False, {"API_KEY": CANARY, "api_key": CANARY}),  # KS203
    ]
    found = entries_for(stored)
    assert found.entries == (Entry("true", True, ("B", "ON")),)
    assert len(found.notes) == len(stored) - 1
    text = "\n".join(found.notes)
    for name in HOSTILE:  # each note quotes its name only by the house rule
        assert f"secret {shown(name)}: " in text
        assert name not in text or is_quotable(name)
    assert "ghp_" not in text and CANARY not in text
    assert "skipped public secret 'bad-key': 1 of its key names" in text
    assert "skipped public secret 'cased': its entry would not pass" in text


def _manifest(secrets: list[dict[str, object]], comment: str, crlf: bool, trailing: bool) -> str:
    body = yaml.safe_dump({"version": 1, "secrets": secrets}, sort_keys=False)
    text = f"# {comment}\n{body}# end {comment}"
    text = text + "\n" if trailing else text
    return text.replace("\n", "\r\n") if crlf else text


_names = st.sampled_from(["app", "db.creds", "true", "x-1", "ON", "null"])
_secret = st.fixed_dictionaries(
    {"name": _names, "keys": st.lists(st.sampled_from(["A", "B_KEY"]), min_size=1, unique=True)}
)
_entry = st.builds(
    Entry,
    st.sampled_from(["new", "1.5", "yes", "n.e-w"]),
    st.booleans(),
    st.lists(st.sampled_from(["K", "ON", "NULL", "Y"]), min_size=1, unique=True).map(tuple),
)


@given(
    st.lists(_secret, min_size=1, max_size=3, unique_by=lambda s: s["name"]),
    st.lists(_entry, min_size=1, max_size=3, unique_by=lambda e: (e.name, e.private)),
    st.sampled_from(["kept", "ünïcode ✓", ""]),
    st.booleans(),
    st.booleans(),
)
@settings(max_examples=150)
def test_append_keeps_every_byte_and_reads_back_as_old_plus_new(
    secrets: list[dict[str, object]],
    entries: list[Entry],
    comment: str,
    crlf: bool,
    trailing: bool,
) -> None:
    text = _manifest(secrets, comment, crlf, trailing)
    result = append_entries(text, entries)
    assert result.startswith(text)
    manifest, findings = parse_manifest(result, "m.yaml")
    assert manifest is not None, findings
    tail = manifest.secrets[len(secrets) :]
    assert [(s.name, s.private, tuple(k.key for k in s.keys)) for s in tail] == [
        (e.name, e.private, e.keys) for e in entries
    ]
    if crlf:
        assert "\n" not in result.replace("\r\n", "")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("version: 1\nsecrets: []\n", "not a block list"),
        ("version: 1\nsecrets: [{name: a, keys: [A]}]\n", "not a block list"),
        ("secrets:\n  - name: a\n    keys: [A]\nversion: 1\n", "not its last top-level key"),
        ("{version: 1, secrets: [{name: a, keys: [A]}]}\n", "not a block mapping"),
        ("version: 1\nsecrets:\n  - name: a\n    keys: [A]\n...\n", "document end marker"),
        ("version: 1\nsecrets:\n  -\n    name: a\n    keys: [A]\n", "laid out"),
        ("version: 1\nsecrets:\n  - name: a\n", "run `kitaru secrets validate`"),
    ],
)
def test_a_manifest_that_cannot_take_a_pure_append_is_refused(text: str, why: str) -> None:
    with pytest.raises(AdoptError, match=why):
        append_entries(text, [Entry("new", False, ("K",))])


_stored_names = st.sampled_from(["app", "true", "1.5", "db.creds", "ON", "x-y_z"])
_stored_keys = st.sets(st.sampled_from(["A", "ON", "NULL", "Y", "B_KEY"]), min_size=1)


@given(
    st.lists(
        st.tuples(_stored_names, st.booleans(), _stored_keys),
        unique_by=lambda s: (s[0], s[1]),
        max_size=5,
    ),
    st.sets(st.tuples(_stored_names, st.booleans()), max_size=2),
)
@settings(max_examples=100, deadline=None)
def test_adopted_entries_plan_unchanged_against_the_store_they_came_from(
    secrets: list[tuple[str, bool, set[str]]], declared: set[tuple[str, bool]]
) -> None:
    from kitaru.sync.adopt import adopt
    from kitaru.sync.pipeline import run
    from tests.sync.stores import MemoryStore

    value = {key: f"{CANARY}-{key}" for _, _, keys in secrets for key in keys}
    store = MemoryStore(
        [
            StoredSecret(f"id-{i}", name, private, {key: value[key] for key in keys}, "me")
            for i, (name, private, keys) in enumerate(secrets)
        ]
    )
    head = "version: 1\nsecrets:\n" + "".join(
        f"  - name: {scalar(n)}\n    private: {str(p).lower()}\n    state: absent\n"
        for n, p in sorted(declared)
    )
    head = head if declared else head + "  - name: unrelated\n    state: absent\n"
    existing, _ = parse_manifest(head, "m.yaml")
    assert existing is not None
    found = adopt(manifest=existing, store=store)
    assert {(e.name, e.private) for e in found.entries} == {
        (n, p) for n, p, _ in secrets if (n, p) not in declared | {("unrelated", False)}
    }
    text = append_entries(head, found.entries)
    manifest, findings = parse_manifest(text, "m.yaml")
    assert manifest is not None, findings
    adopted = {(e.name, e.private) for e in found.entries}
    done = run(manifest, environ=value, store=store)
    for secret in done.plan.secrets:
        if (secret.name, secret.private) in adopted:
            assert secret.action == "unchanged" and not secret.drift
