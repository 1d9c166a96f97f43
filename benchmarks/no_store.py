"""Benchmark: commands that need no store (`--help`, `schema`) against the library floor.

Every case is a whole process; cases take turns, one run each per round, so load from
other jobs spreads over all of them (benchmarks/validate.py's `Case` times them, wall and
CPU). Ratios are to the floor measured in the same run:

    python -c "import typer, yaml, pydantic"

Target (issue 20): every case at or under 1.0x the floor.

Run:  .venv/bin/python benchmarks/no_store.py [--rounds 15] [--out benchmarks/results-no-store.md]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import FLOOR, KITARU, PYTHON, REPO, Case, machine_line, take_turns

COMMANDS = [
    "set",
    "show",
    "list",
    "delete",
    "plan",
    "apply",
    "adopt",
    "validate",
    "validate-env",
    "schema",
]
TARGET_RATIO = 1.0


def cases() -> list[Case]:
    found = [Case('floor: python -c "import typer, yaml, pydantic"', [PYTHON, "-c", FLOOR])]
    found.append(Case("kitaru --help", [KITARU, "--help"]))
    found.append(Case("kitaru secrets --help", [KITARU, "secrets", "--help"]))
    found += [
        Case(f"kitaru secrets {command} --help", [KITARU, "secrets", command, "--help"])
        for command in COMMANDS
    ]
    found.append(Case("kitaru secrets schema", [KITARU, "secrets", "schema"]))
    return found


def measure(rounds: int) -> list[Case]:
    return take_turns(cases(), rounds)


def report(measured: list[Case], rounds: int) -> str:
    floor = measured[0]
    rows, misses = [], []
    for case in measured:
        ratio = case.wall_median / floor.wall_median
        rows.append(
            f"| {case.name} | {case.wall_median:.3f} | {ratio:.2f}x "
            f"| {case.cpu_median:.3f} | {case.cpu_median / floor.cpu_median:.2f}x |"
        )
        if case is not floor and ratio > TARGET_RATIO:
            misses.append(case.name)
    verdict = "met by every case" if not misses else "NOT met by " + ", ".join(misses)
    return "\n".join(
        [
            "# Commands without a store: whole-process time against the library floor",
            "",
            "Each case is a new process, timed from spawn to exit; cases take turns, one run "
            f"each per round, {rounds} rounds (after one unrecorded warm-up run each). "
            "Medians; ratios are to the library floor of the same run.",
            "",
            "Repeat: `.venv/bin/python benchmarks/no_store.py`",
            "",
            "| case | wall (s) | wall / floor | CPU (s) | CPU / floor |",
            "|---|---|---|---|---|",
            *rows,
            "",
            f"- Target: every case at or under {TARGET_RATIO:.1f}x the floor: {verdict}.",
            "- `--help` skips typer's pydantic coercion of the help flag "
            "(`kitaru/cli/fast_help.py`), so no help imports pydantic; `schema` prints the "
            "committed JSON Schema without building it.",
            "",
            machine_line(),
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results-no-store.md")
    args = parser.parse_args()
    text = report(measure(args.rounds), args.rounds)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
