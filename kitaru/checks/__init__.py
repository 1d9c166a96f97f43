"""Offline checks behind `kitaru secrets validate`, `validate-env` and the pre-commit hooks.

Rules with stable codes (``findings``), the manifest's schema and rules, the `.env` lint,
credential detection and allow comments. Nothing here opens a store or imports zenml or
pydantic; ``kitaru.sync`` builds on ``manifest_rules`` to load manifests for plan/apply.
"""
