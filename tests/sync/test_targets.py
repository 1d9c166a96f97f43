"""``--target`` (pure): the manifest cut down, undeclared names refused, no false unmanaged."""

from __future__ import annotations

import pytest
from hypothesis import given

from kitaru.errors import KitaruError
from kitaru.sync.manifest import Manifest, parse_manifest
from kitaru.sync.plan import Drift, Plan
from kitaru.sync.targets import only, scoped
from tests.sync.example import MANIFEST
from tests.test_careless_input import canaries


def _manifest() -> Manifest:
    manifest, findings = parse_manifest(MANIFEST, "secrets.yaml")
    assert manifest is not None, findings
    return manifest


def test_only_keeps_the_named_secrets_in_manifest_order() -> None:
    manifest = _manifest()
    assert only(manifest, []) is manifest
    cut = only(manifest, ["db-creds", "openai-creds", "db-creds"])
    assert [s.name for s in cut.secrets] == ["openai-creds", "db-creds"]


def test_an_undeclared_target_is_one_error_naming_each() -> None:
    with pytest.raises(KitaruError) as err:
        only(_manifest(), ["db-creds", "nope", "x\nevil"])
    assert str(err.value) == (
        "--target 'nope', (a 6-character string, not shown): the manifest declares no secret "
        "of that name"
    )


def test_scoped_drops_untargeted_manifest_secrets_from_unmanaged() -> None:
    unmanaged = tuple(
        Drift("unmanaged", name, private, "left alone", None, f"id-{name}")
        for name, private in (("github-creds", True), ("db-creds", False), ("stray", False))
    )
    plan = Plan("secrets.yaml", (), unmanaged)
    assert scoped(plan, _manifest(), []) is plan
    targeted = scoped(plan, _manifest(), ["openai-creds", "openai-creds"])
    assert [d.secret for d in targeted.unmanaged] == ["stray"]
    assert targeted.targets == ("openai-creds",)


@given(canaries)
def test_a_value_given_as_a_target_is_described_not_quoted(canary: str) -> None:
    with pytest.raises(KitaruError) as err:
        only(_manifest(), [canary])
    assert canary not in str(err.value)
