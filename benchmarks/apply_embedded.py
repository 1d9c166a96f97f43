"""Benchmark: `kitaru secrets apply` of 100 secrets x 5 keys on a fresh embedded store.

Phases: create everything, a no-op re-apply, then 10% of the secrets changed. Each phase
runs the real CLI code path in its own process, with the store wrapped to count calls
(kitaru's SecretStore, not ZenML, is wrapped), and is compared with ZenML's own floor
measured in the same run on the same store:

    python -c "from zenml.client import Client; Client().zen_store"

Run:  .venv/bin/python benchmarks/apply_embedded.py [--secrets 100] [--keys 5] [--repeat 3]
Writes benchmarks/results-apply-embedded.md (and prints it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import isolation_env  # noqa: E402 - after the repo is importable

RESULTS = REPO / "benchmarks" / "results-apply-embedded.md"
FLOOR = "from zenml.client import Client; Client().zen_store"
# The same work ending like kitaru's CLI does (os._exit after flushing): no teardown.
FLOOR_NO_TEARDOWN = FLOOR + "; import os; os._exit(0)"

# The CLI's own entry point, with open_store() returning a counting wrapper that reports
# its counts, and how long kitaru worked once the store was open, when the CLI closes it.
DRIVER = """
import json, os, sys, time
sys.path.insert(0, os.environ["BENCH_REPO"])
import kitaru.store
from tests.sync.stores import CountingStore

real_open = kitaru.store.open_store

class Recording(CountingStore):
    def close(self):
        super().close()
        report = {
            "calls": dict(self.calls),
            "after_open_s": time.perf_counter() - self.opened,
            # CPU of the whole process except importing zenml and opening its store
            "cpu_outside_open_s": time.process_time() - self.open_cpu,
        }
        with open(os.environ["BENCH_COUNTS"], "w") as out:
            json.dump(report, out)

def open_counting():
    cpu = time.process_time()
    inner = real_open()
    inner.max_workers  # opens ZenML's store now, so the window below is kitaru's own work
    store = Recording(inner)
    store.opened = time.perf_counter()
    store.open_cpu = time.process_time() - cpu
    return store

kitaru.store.open_store = open_counting
from kitaru.cli.main import main
main(sys.argv[1:])
"""


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 2):
        sys.exit(f"{args[2][:40]}... failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def write_inputs(root: Path, n_secrets: int, n_keys: int) -> tuple[Path, Path, dict[str, str]]:
    manifest = root / "secrets.yaml"
    lines = ["version: 1", "secrets:"]
    values: dict[str, str] = {}
    for i in range(n_secrets):
        lines.append(f"  - name: bench-{i:03d}")
        lines.append(f"    private: {'true' if i % 2 else 'false'}")
        lines.append("    keys:")
        for k in range(n_keys):
            variable = f"BENCH_{i:03d}_KEY_{k}"
            lines.append(f"      - key: KEY_{k}\n        from: {variable}")
            values[variable] = secrets.token_hex(16)
    manifest.write_text("\n".join(lines) + "\n")
    return manifest, root / "bench.env", values


def write_env(path: Path, values: dict[str, str]) -> None:
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--secrets", type=int, default=100)
    parser.add_argument("--keys", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="floor and no-op repetitions")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kitaru-bench-") as tmp:
        root = Path(tmp)
        env = {**os.environ, **isolation_env(root / "zenml")}
        env.pop("ZENML_LOGGING_VERBOSITY", None)  # the CLI's own default, as users get it
        env.update(BENCH_REPO=str(REPO), BENCH_COUNTS=str(root / "counts.json"))
        manifest, env_file, values = write_inputs(root, options.secrets, options.keys)
        write_env(env_file, values)
        floor_cmd = [sys.executable, "-c", FLOOR]
        apply_cmd = [
            sys.executable,
            "-c",
            DRIVER,
            "secrets",
            "apply",
            "-f",
            str(manifest),
            "--env-file",
            str(env_file),
            "-o",
            "json",
        ]

        timed(floor_cmd, env, root)  # creates the empty store (not measured)
        floors = [timed(floor_cmd, env, root) for _ in range(options.repeat)]
        bare_cmd = [sys.executable, "-c", FLOOR_NO_TEARDOWN]
        bares = [timed(bare_cmd, env, root) for _ in range(options.repeat)]

        def phase(name: str, runs: int = 1) -> dict[str, object]:
            walls, inner = [], []
            counts: dict[str, int] = {}
            for _ in range(runs):
                walls.append(timed(apply_cmd, env, root))
                report = json.loads((root / "counts.json").read_text())
                counts = report["calls"]
                inner.append(report["after_open_s"])
            return {
                "phase": name,
                "wall": statistics.median(walls),
                "after_open": statistics.median(inner),
                "calls": counts,
            }

        rows = [phase("create")]
        rows.append(phase("no-op", options.repeat))
        changed = sorted({v for v in values if v.endswith("_KEY_0")})[: options.secrets // 10]
        values.update({variable: secrets.token_hex(16) for variable in changed})
        write_env(env_file, values)
        rows.append(phase(f"{len(changed)} changed"))
        floors += [timed(floor_cmd, env, root) for _ in range(options.repeat)]
        bares += [timed(bare_cmd, env, root) for _ in range(options.repeat)]

    report = render(rows, floors, bares, options)
    RESULTS.write_text(report)
    print(report)


def render(
    rows: list[dict[str, object]],
    floors: list[float],
    bares: list[float],
    options: argparse.Namespace,
) -> str:
    writes = ("create", "update", "delete")
    floor, bare = statistics.median(floors), statistics.median(bares)
    lines = [
        "# `kitaru secrets apply` on the embedded store",
        "",
        f"{options.secrets} secrets x {options.keys} keys, fresh embedded store in a temp dir "
        "(isolation env as in tests/conftest.py), values from an --env-file; every phase is "
        "a new process running the real CLI with the store wrapped to count calls.",
        "",
        "Repeat: `.venv/bin/python benchmarks/apply_embedded.py` "
        f"(this run: `--secrets {options.secrets} --keys {options.keys} "
        f"--repeat {options.repeat}`).",
        "",
        f'ZenML\'s floor, `python -c "{FLOOR}"` on the same store: median **{floor:.2f} s** '
        f"(runs: {', '.join(f'{f:.2f}' for f in floors)}); the same ending with `os._exit` "
        f"like kitaru's CLI (no interpreter teardown): median **{bare:.2f} s** "
        f"(runs: {', '.join(f'{f:.2f}' for f in bares)}).",
        "",
        "| phase | wall (s) | beyond floor (s) | beyond floor without teardown (s) "
        "| kitaru after store open (s) | store calls | writes |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        calls = row["calls"]
        assert isinstance(calls, dict)
        wall, after = float(row["wall"]), float(row["after_open"])  # type: ignore[arg-type]
        shown = ", ".join(f"{name} {count}" for name, count in sorted(calls.items()))
        n_writes = sum(calls.get(name, 0) for name in writes)
        lines.append(
            f"| {row['phase']} | {wall:.2f} | {wall - floor:+.2f} | {wall - bare:+.2f} "
            f"| {after:.2f} | {shown} "
            f"| {n_writes} |"
        )
    lines += [
        "",
        "- *beyond floor*: the phase's wall time minus ZenML's floor. The CLI ends with "
        "`os._exit` once output is flushed, skipping the interpreter teardown the floor "
        "process pays, so this can be negative; *without teardown* compares with the floor "
        "ended the same way, which is kitaru's own added cost (manifest, values, plan, apply, "
        "report).",
        "- *kitaru after store open*: from ZenML's store being open to the store being "
        "closed: one paged list, one get per declared secret that exists, one write per "
        "changed secret (embedded stores run calls one at a time).",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared with other jobs), "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
