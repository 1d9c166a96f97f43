"""Benchmark (issue 29): read commands on the embedded store through the SQLite reader,
against ZenML's floor and the bare sqlite3 read of the same rows, whole processes, one run.

Floors, measured in the same rounds as the commands (benchmarks/validate.py's
`take_turns`: cases take turns, medians of wall and CPU time):
- ZenML's floor: `python -c "from zenml.client import Client; Client().zen_store"`, what
  every embedded command paid before the reader;
- the bare sqlite3 read: a Python process that opens the same `zenml.db` read-only and
  fetches the same rows (every secret's metadata and values);
- the CLI floors: a Python process that imports typer (the CLI's framework; every kitaru
  command but `validate` and `--help` pays it), and one that runs a one-option typer app
  (typer imports pydantic to convert parameters: what any typer command pays).

Targets: list, show, show --show-values, export, run -- true at most 0.1x ZenML's floor
and at most 5x the bare sqlite3 read; plan of 100 declared secrets at most 0.2x ZenML's
floor. `list` through ZenML's client (KITARU_STORE_CLIENT=zenml) is shown beside them.

Run:  .venv/bin/python benchmarks/embedded_reads.py [--rounds 15]
Writes benchmarks/results-embedded-reads.md (and prints it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from run_overhead import environment  # noqa: E402
from validate import KITARU, PYTHON, Case, machine_line, take_turns  # noqa: E402

from tests.conftest import DB_RELATIVE, isolation_env  # noqa: E402

RESULTS = REPO / "benchmarks" / "results-embedded-reads.md"
DECLARED = 100
SECRET = "bench-000"
READ_TARGET = 0.1
PLAN_TARGET = 0.2
SQLITE_TARGET = 5.0

SQLITE_READ = (
    "import sqlite3, sys; c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True); "
    'rows = c.execute(\'SELECT id, name, private, user_id, created, updated, "values" '
    "FROM secret WHERE internal = 0').fetchall()"
)


TYPER_APP = (
    "import typer\n"
    "app = typer.Typer()\n"
    "@app.command()\n"
    "def main(name: str = typer.Option(...)) -> None:\n"
    "    print(name)\n"
    "app()"
)


def prepare(root: Path) -> tuple[Path, Path, Path]:
    """An embedded store with DECLARED secrets, their manifest and .env file."""
    manifest = root / "secrets.yaml"
    env_file = root / "bench.env"
    lines = ["version: 1", "secrets:"]
    env_lines = []
    for index in range(DECLARED):
        name = f"bench-{index:03d}"
        lines += [f"  - name: {name}", f"    keys: [KEY_{index:03d}]"]
        env_lines.append(f"KEY_{index:03d}=value-{index:03d}-0123456789")
    manifest.write_text("\n".join(lines) + "\n")
    env_file.write_text("\n".join(env_lines) + "\n")
    subprocess.run(
        [KITARU, "secrets", "apply", "-f", str(manifest), "--env-file", str(env_file)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return manifest, env_file, root / "zenml" / DB_RELATIVE


def cases(manifest: Path, env_file: Path, database: Path) -> list[Case]:
    zenml_path = [
        PYTHON,
        "-c",
        "import os, sys; os.environ['KITARU_STORE_CLIENT'] = 'zenml'; "
        "from kitaru.cli.main import main; sys.argv[0] = 'kitaru'; main()",
    ]
    return [
        Case(
            "ZenML's floor", [PYTHON, "-c", "from zenml.client import Client; Client().zen_store"]
        ),
        Case("bare sqlite3 read", [PYTHON, "-c", SQLITE_READ, str(database)]),
        Case("CLI floor (import typer)", [PYTHON, "-c", "import typer"]),
        Case("typer app floor (one option)", [PYTHON, "-c", TYPER_APP, "--name", "x"]),
        Case("list", [KITARU, "secrets", "list"]),
        Case("show", [KITARU, "secrets", "show", SECRET]),
        Case("show --show-values", [KITARU, "secrets", "show", SECRET, "--show-values"]),
        Case("export", [KITARU, "secrets", "export", SECRET, "--format", "dotenv"]),
        Case("run -- true", [KITARU, "secrets", "run", SECRET, "--", "true"]),
        Case(
            f"plan ({DECLARED} secrets)",
            [KITARU, "secrets", "plan", "-f", str(manifest), "--env-file", str(env_file)],
        ),
        Case("list through ZenML's client", [*zenml_path, "secrets", "list"]),
    ]


def report(measured: list[Case], rounds: int) -> str:
    by_name = {case.name: case for case in measured}
    zenml_floor = by_name["ZenML's floor"]
    sqlite_floor = by_name["bare sqlite3 read"]
    lines = [
        "# Embedded reads without zenml (issue 29)",
        "",
        __doc__.split("\n\n")[1].replace("\n", " ") if __doc__ else "",
        "",
        f"Machine: {machine_line()}; {rounds} rounds, medians.",
        "",
        "| case | wall s | CPU s | wall / ZenML's floor | CPU / ZenML's floor "
        "| wall / sqlite3 read | CPU / sqlite3 read |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in measured:
        lines.append(
            f"| {case.name} | {case.wall_median:.3f} | {case.cpu_median:.3f} "
            f"| {case.wall_median / zenml_floor.wall_median:.3f}x "
            f"| {case.cpu_median / zenml_floor.cpu_median:.3f}x "
            f"| {case.wall_median / sqlite_floor.wall_median:.2f}x "
            f"| {case.cpu_median / sqlite_floor.cpu_median:.2f}x |"
        )
    lines += ["", "Targets (wall):"]
    for case in measured[4:-1]:
        target = PLAN_TARGET if case.name.startswith("plan") else READ_TARGET
        ratio = case.wall_median / zenml_floor.wall_median
        verdict = "met" if ratio <= target else "missed"
        line = f"- {case.name}: {ratio:.3f}x ZenML's floor (target {target}x: {verdict})"
        if not case.name.startswith("plan"):
            to_sqlite = case.wall_median / sqlite_floor.wall_median
            verdict = "met" if to_sqlite <= SQLITE_TARGET else "missed"
            line += f"; {to_sqlite:.2f}x the sqlite3 read (target {SQLITE_TARGET}x: {verdict})"
        lines.append(line)
    app_floor = by_name["typer app floor (one option)"]
    lines += [
        "",
        f"The typer app floor alone is {app_floor.wall_median / sqlite_floor.wall_median:.2f}x "
        f"(CPU {app_floor.cpu_median / sqlite_floor.cpu_median:.2f}x) the sqlite3 read: every "
        "typer command starts there. Against it:",
    ]
    for case in measured[4:-1]:
        lines.append(
            f"- {case.name}: {case.wall_median / app_floor.wall_median:.2f}x wall, "
            f"{case.cpu_median / app_floor.cpu_median:.2f}x CPU"
        )
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="kitaru-embedded-reads-") as temp:
        root = Path(temp)
        variables = {**os.environ, **isolation_env(root / "zenml")}
        for name in list(variables):
            if name.startswith(("ZENML_STORE_", "KITARU_")):
                del variables[name]
        with environment(variables):
            manifest, env_file, database = prepare(root)
            measured = take_turns(cases(manifest, env_file, database), rounds)
    text = report(measured, rounds)
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
