"""Run one flow of workflows.py in a process of its own: `python -m tests.runtime.run_flow NAME`.

A module, not `python -c`, so ZenML can tell the source root from the main module.
"""

from __future__ import annotations

import sys

from tests.runtime import workflows

if __name__ == "__main__":
    getattr(workflows, sys.argv[1])()
