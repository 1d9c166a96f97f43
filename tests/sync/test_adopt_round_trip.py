"""`adopt` round-trips for everything the store can hold (issue 24, class 4): whatever names,
keys and values are stored (names a YAML 1.1 writer emits plain but the manifest's YAML 1.2
reader takes for numbers, stored empty values, unicode), the appended manifest passes
`validate`, and a plan with the current values in the environment shows every adopted
secret unchanged. A stored secret is either adopted or skipped with a note, never lost."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.checks.validate import validate_manifest
from kitaru.naming import key_problem, name_problem
from kitaru.store.base import StoredSecret
from kitaru.sync.adopt import adopt, append_entries, scalar
from kitaru.sync.manifest import parse_manifest
from kitaru.sync.pipeline import run
from tests.sync.stores import MemoryStore

HEAD = "version: 1\nsecrets:\n  - name: already-here\n    state: absent\n"
# Plain in YAML 1.1 (PyYAML's writer) yet numbers, nulls or booleans in the reader's 1.2
# core schema, or the other way round.
DIALECT_NAMES = [
    "1e3", "1E3", "0x10", "0X1F", "0o7", "1_000", "yes", "on", "off", "no", "null", "Null",
    "true", "False", "2001-12-14", "1.5", "12e-3", "0b101", "010", "1e-3", "0x1p3",
    "1.", "0", "y", "n", "NaN", "inf",
]  # fmt: skip
DIALECT_KEYS = ["NULL", "TRUE", "ON", "YES", "Y", "N", "OFF", "null", "on", "yes", "true", "E3"]

NAMES = st.one_of(
    st.sampled_from(DIALECT_NAMES),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,16}", fullmatch=True),
).filter(lambda name: name_problem(name) is None)
KEYS = st.one_of(
    st.sampled_from(DIALECT_KEYS), st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
).filter(lambda key: key_problem(key) is None)
VALUES = st.one_of(
    st.sampled_from(["", " ", "\t", "\n", "  \r\n"]),  # stored empty (or white-space) values
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
)


@st.composite
def stores(draw: st.DrawFn) -> tuple[list[StoredSecret], dict[str, str]]:
    """Stored secrets whose keys each hold one value (a variable feeds every secret with
    that key, as the environment would)."""
    values = draw(st.dictionaries(KEYS, VALUES, min_size=1, max_size=6))
    identities = draw(st.lists(st.tuples(NAMES, st.booleans()), max_size=5, unique=True))
    secrets = []
    for i, (name, private) in enumerate(identities):
        keys = draw(st.lists(st.sampled_from(sorted(values)), min_size=1, max_size=4, unique=True))
        secrets.append(StoredSecret(f"id-{i}", name, private, {k: values[k] for k in keys}, "me"))
    return secrets, values


@given(stores())
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_adopted_output_validates_and_plans_unchanged(
    world: tuple[list[StoredSecret], dict[str, str]],
) -> None:
    secrets, values = world
    store = MemoryStore(secrets, user_id="me")
    existing, _ = parse_manifest(HEAD, "secrets.yaml")
    assert existing is not None
    found = adopt(manifest=existing, store=store)
    assert len(found.entries) + len(found.notes) == len(secrets)  # none lost silently
    text = append_entries(HEAD, found.entries)
    assert text.startswith(HEAD)
    assert not [f for f in validate_manifest(text, "secrets.yaml") if f.is_error]
    manifest, findings = parse_manifest(text, "secrets.yaml")
    assert manifest is not None, findings
    adopted = {(e.name, e.private) for e in found.entries}
    assert {(s.name, s.private) for s in manifest.secrets[1:]} == adopted
    environ = {key: value for key, value in values.items()}  # the current values
    done = run(manifest, environ=environ, store=store)
    for secret in done.plan.secrets:
        if (secret.name, secret.private) in adopted:
            assert secret.action == "unchanged", secret
            assert not secret.drift, secret.drift


@pytest.mark.parametrize("name", [n for n in DIALECT_NAMES if name_problem(n) is None])
def test_a_name_in_another_yaml_dialect_reads_back_as_itself(name: str) -> None:
    store = MemoryStore([StoredSecret("1", name, False, {"K": "v"}, "me")])
    found = adopt([name], store=store)
    (entry,) = found.entries
    manifest, findings = parse_manifest(append_entries(HEAD, [entry]), "secrets.yaml")
    assert manifest is not None, findings
    assert manifest.secrets[-1].name == name
    assert parse_manifest(f"version: 1\nsecrets:\n  - name: {scalar(name)}\n    keys: [K]\n", "m")[
        0
    ]


def test_a_stored_empty_value_is_adopted_as_optional_and_plans_unchanged() -> None:
    store = MemoryStore([StoredSecret("1", "app", False, {"EMPTY": "", "FULL": "v"}, "me")])
    found = adopt(["app"], store=store)
    (entry,) = found.entries
    assert entry.optional == {"EMPTY"}
    assert entry.as_json()["optional_keys"] == ["EMPTY"]
    text = append_entries(HEAD, found.entries)
    assert "  - key: EMPTY\n        optional: true\n" in text
    manifest, _ = parse_manifest(text, "secrets.yaml")
    assert manifest is not None
    plan = run(manifest, environ={"FULL": "v"}, store=store).plan
    assert [s.action for s in plan.secrets] == ["unchanged", "unchanged"]
