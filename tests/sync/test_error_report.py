"""A plan/apply that failed before its report: one error document per output format."""

from __future__ import annotations

import json

from kitaru.checks.findings import Finding
from kitaru.errors import MissingValuesError, StoreError
from kitaru.sync.error_report import error_entries, render_error
from kitaru.sync.pipeline import ManifestProblems
from kitaru.sync.report import render_findings


def test_manifest_findings_render_as_they_always_did() -> None:
    findings = [Finding("s.yaml", 1, 1, "KS005", "missing required field 'version'")]
    err = ManifestProblems(findings)
    assert render_error(err, "json") == render_findings(findings, "json")
    assert render_error(err, "github") == render_findings(findings, "github")
    assert render_error(err, "text") is None and render_error(err, "markdown") is None


def test_any_other_failure_takes_the_same_shape() -> None:
    findings = [Finding("s.yaml", 1, 1, "KS005", "missing required field 'version'")]
    manifest_shape = json.loads(render_findings(findings, "json"))
    for err in (MissingValuesError("2 required value(s) not set"), StoreError("a\nb")):
        document = json.loads(render_error(err, "json") or "")
        assert set(document) == set(manifest_shape) and document["format_version"] == 1
        assert [set(e) for e in document["errors"]] == [set(manifest_shape["errors"][0])] * len(
            str(err).splitlines()
        )
        assert [e["message"] for e in error_entries(err)] == str(err).splitlines()
        github = (render_error(err, "github") or "").splitlines()
        assert len(github) == len(str(err).splitlines())
        assert all(line.startswith("::error title=kitaru::") for line in github)
