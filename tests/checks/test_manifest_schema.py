"""The one manifest schema: the checks, the models and the committed JSON Schema agree."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kitaru.checks.manifest_schema import KEY, MANIFEST, SECRET, Shape
from kitaru.sync.manifest import KeySpec, Manifest, SecretSpec, manifest_json_schema, parse_manifest
from tests.conftest import REPO

CORPUS = Path(__file__).parent / "corpus" / "manifests"
GOOD = sorted((CORPUS / "good").glob("*.yaml"))


@pytest.mark.parametrize(
    ("shape", "model", "extra"),
    [
        (KEY, KeySpec, {"position"}),
        (SECRET, SecretSpec, {"position"}),
        (MANIFEST, Manifest, {"path", "declared_in"}),  # where it was read, not schema fields
    ],
    ids=["key", "secret", "manifest"],
)
def test_models_have_the_schemas_fields_and_defaults(
    shape: Shape, model: type[Any], extra: set[str]
) -> None:
    fields = {f.name: f for f in dataclasses.fields(model)}
    assert set(fields) - extra == {spec.attribute for spec in shape.fields}
    for attribute, default in shape.defaults().items():
        assert fields[attribute].default == default


def test_schema_describes_version_one() -> None:
    schema = manifest_json_schema()
    assert schema["properties"]["version"]["const"] == 1
    assert schema["additionalProperties"] is False
    secret = schema["$defs"]["SecretSpec"]
    assert set(secret["properties"]) == {"name", "private", "prune", "keys", "state", "create_only"}
    assert secret["properties"]["state"]["enum"] == ["present", "absent"]
    assert secret["else"] == {"required": ["keys"]}
    items = secret["properties"]["keys"]["items"]["anyOf"]
    assert {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"} in items


# Documents close to valid ones, so the structural rules are exercised near their edges.
_scalar = st.sampled_from([None, True, False, 0, 1, 2, 1.0, "", "yes", "1", "A_KEY", "b-key"])
_value = st.one_of(_scalar, st.lists(_scalar, max_size=2), st.just({"key": "A_KEY"}))
_key_entry = st.one_of(
    st.sampled_from(["A_KEY", "B_KEY", "c_key", 3, None]),
    st.dictionaries(
        st.sampled_from(["key", "from", "optional", "create_only", "opt", "value"]),
        st.one_of(_scalar, st.sampled_from(["A_KEY", "B_KEY", "FROM_VAR"])),
        max_size=3,
    ),
)
_secret = st.one_of(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["app", "db.creds", "x y", 5])},
        optional={
            "private": st.one_of(st.booleans(), _scalar),
            "prune": st.one_of(st.booleans(), _scalar),
            "keys": st.one_of(st.lists(_key_entry, max_size=3), _scalar),
            "state": st.sampled_from(["present", "absent", "gone", None]),
            "create_only": st.one_of(st.booleans(), _scalar),
            "privte": _scalar,
        },
    ),
    _scalar,
)
_document = st.fixed_dictionaries(
    {},
    optional={
        "version": st.one_of(st.just(1), _scalar),
        "env_file": st.one_of(st.just(".env"), _scalar),
        "secrets": st.one_of(st.lists(_secret, max_size=3), _value),
        "extra": _scalar,
    },
)
_STRUCTURAL = {"KS003", "KS004", "KS005", "KS006"}


_EDITOR = jsonschema.Draft202012Validator(manifest_json_schema())


def _plain(manifest: Manifest) -> dict[str, Any]:
    """The manifest back as the mapping it was read from, with every default written out."""
    return {
        "version": manifest.version,
        "env_file": manifest.env_file,
        "secrets": [
            {
                "name": s.name,
                "private": s.private,
                "prune": s.prune,
                "state": s.state,
                "create_only": s.create_only,
                "keys": [
                    {
                        "key": k.key,
                        "from": k.from_,
                        "optional": k.optional,
                        "create_only": k.create_only,
                    }
                    for k in s.keys
                ],
            }
            for s in manifest.secrets
        ],
    }


def _with_defaults(document: dict[str, Any]) -> dict[str, Any]:
    defaults = {"private": False, "prune": False, "state": "present", "create_only": False}
    key_defaults = {"from": None, "optional": False, "create_only": False}
    return {
        "version": document["version"],
        "env_file": document.get("env_file"),
        "secrets": [
            {
                **defaults,
                **secret,
                "keys": [
                    {**key_defaults, **({"key": k} if isinstance(k, str) else k)}
                    for k in secret.get("keys", [])
                ],
            }
            for secret in document["secrets"]
        ],
    }


@given(_document)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_checks_agree_with_the_json_schema(document: dict[str, Any]) -> None:
    """The checks and the JSON Schema editors use come from one schema: they agree."""
    text = yaml.safe_dump(document, sort_keys=False)
    manifest, findings = parse_manifest(text, "m.yaml")
    # JSON Schema counts 1.0 as the integer 1; the manifest rule (KS004) wants `version: 1`.
    accepted = _EDITOR.is_valid(document) and type(document.get("version")) is not float
    if manifest is not None:
        assert accepted
        assert _plain(manifest) == _with_defaults(document)
    if not accepted:
        assert findings
    else:
        assert not {f.code for f in findings} & _STRUCTURAL


# --- the committed JSON Schema ------------------------------------------------------------

SCHEMA_COPY = REPO / "kitaru" / "sync" / "manifest.schema.json"


def test_committed_schema_equals_the_generated_one() -> None:
    from kitaru.checks.manifest_schema import json_schema_text

    assert SCHEMA_COPY.read_text() == json_schema_text(), (
        "regenerate it: python -c 'from kitaru.checks.manifest_schema import json_schema_text; "
        'print(json_schema_text(), end="")\' > kitaru/sync/manifest.schema.json'
    )


def test_example_points_at_the_committed_schema() -> None:
    example = REPO / "examples" / "secrets.yaml"
    first = example.read_text().splitlines()[0]
    target = first.removeprefix("# yaml-language-server: $schema=")
    assert (example.parent / target).resolve() == SCHEMA_COPY


@pytest.mark.parametrize("path", [*GOOD, REPO / "examples" / "secrets.yaml"], ids=lambda p: p.stem)
def test_editors_accept_good_manifests(path: Path) -> None:
    schema = json.loads(SCHEMA_COPY.read_text())
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(path.read_text()))


@pytest.mark.parametrize(
    "name",
    [
        "ks003_unknown_field",
        "ks004_wrong_type",
        "ks005_missing_version",
        "ks006_unsupported_version",
    ],
)
def test_editors_reject_structurally_bad_manifests(name: str) -> None:
    schema = json.loads(SCHEMA_COPY.read_text())
    document = yaml.safe_load((CORPUS / "bad" / f"{name}.yaml").read_text())
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(document))
