"""The plan an MCP client sees: what would be written, never whether a value matches.

`kitaru secrets plan` tells "unchanged" from a changed value; through MCP that would let a
client that picks the .env file test guesses against stored values it may never read. So
this view keeps only the facts of the CLI's JSON report that no value decides: which
declared keys the store holds ("present", whether equal or not), which it lacks ("add"),
which --prune removes, and drift other than ``value``. Two guesses, equal and different,
give identical reports. A pure projection: the report is built once, by kitaru.sync.report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kitaru.sync.plan import INFORMATIONAL

if TYPE_CHECKING:
    from kitaru.sync.plan import Plan

# Per-key actions that a stored value could decide; both read as "present" here.
_VALUE_DECIDED = {"change", "unchanged"}
# Fields of a drift entry the view keeps (the CLI's report says more than a client needs).
_DRIFT_FIELDS = ("kind", "secret", "private", "key", "id", "message", "file", "line", "col")


def _drift(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{f: d[f] for f in _DRIFT_FIELDS} for d in entries if d["kind"] != "value"]


def _action(secret: Mapping[str, Any]) -> str:
    """create / skip for a new secret; any stored one is "exists", changed or not, unless
    the manifest declares it absent ("delete": a fact no value decides)."""
    if secret["id"] is None or secret["action"] == "delete":
        return str(secret["action"])
    return "exists"


def _secret(secret: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": secret["name"],
        "private": secret["private"],
        "action": _action(secret),
        "id": secret["id"],
        "stored_private": secret["stored_private"],
        "keys": [
            {
                "key": key["key"],
                "action": "present" if key["action"] in _VALUE_DECIDED else key["action"],
                "source": key["source"],
            }
            for key in secret["keys"]
        ],
        "skipped_optional": list(secret["skipped_optional"]),
        "drift": _drift(secret["drift"]),
        "line": secret["line"],
        "col": secret["col"],
    }


def value_blind(report: Mapping[str, Any]) -> dict[str, Any]:
    """A plan report (``kitaru.sync.report.report_data``) without anything a stored value
    decides (see the module docstring)."""
    if report["command"] != "plan":
        raise ValueError("only a plan report has a value-blind view")
    secrets = [_secret(secret) for secret in report["secrets"]]
    drift = _drift(report["drift"])
    actions = [secret["action"] for secret in secrets]
    return {
        "format_version": report["format_version"],
        "command": "plan",
        "values_compared": False,
        "manifest": report["manifest"],
        "prune": report["prune"],
        "targets": list(report["targets"]),
        "max_age": report["max_age"],
        "summary": {
            "create": actions.count("create"),
            "exists": actions.count("exists"),
            "skip": actions.count("skip"),
            "delete": actions.count("delete"),
            "drift": sum(1 for d in drift if d["kind"] not in INFORMATIONAL),
            "unmanaged": len(report["unmanaged"]),
        },
        "secrets": secrets,
        "drift": drift,
        "unmanaged": [dict(entry) for entry in report["unmanaged"]],
    }


def value_blind_report(plan: Plan) -> dict[str, Any]:
    """The value-blind view of a ``Plan``: its report, projected."""
    from kitaru.sync.report import report_data

    return value_blind(report_data(plan))
