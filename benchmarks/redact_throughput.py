"""Benchmark (issue 25): what `kitaru secrets run --redact` costs over the same run without.

A program writes ~200 MB of typical log lines (timestamp, level, worker, request fields);
every 500th line carries one of the injected values in one of the forms `--redact`
masks: as is, JSON-escaped, percent-encoded in a URL, base64 in an HTTP Basic header,
base64url, or (the PEM key) whole inside a JSON string and line by line. Each case is a
whole process: kitaru's `run_child` (what `secrets run` calls once it has the values)
starting that program, with `--redact`'s filters on stdout and stderr or without, its
output read through a pipe and discarded, timed from spawn to exit. Opening the store
and reading the secret cost the same with and without `--redact`, so leaving them out
makes the ratio stricter, not looser. Cases take turns, one run each per round.

Targets: with 20 values (one a PEM key) `--redact` costs at most 2x the same run
without; the cost stays linear in the number of values up to 200 (here: flat).

Run:  .venv/bin/python benchmarks/redact_throughput.py [--mb 200] [--rounds 3]
Writes benchmarks/results-redact.md (and prints it).
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from validate import machine_line  # noqa: E402

RESULTS = REPO / "benchmarks" / "results-redact.md"
TARGET = 2.0

PROGRAM = r"""
import base64, json, os, sys
from urllib.parse import quote
values = [os.environ[k] for k in sorted(os.environ) if k.startswith("BENCH_V_")]
total = int(sys.argv[1])
forms = []
for v in values:
    raw = v.encode()
    forms += [
        f"connected with token {v}",
        "payload " + json.dumps({"password": v, "user": "app"}),
        f"GET postgres://app:{quote(v, safe='')}@db:5432/orders",
        "Authorization: Basic " + base64.b64encode(b"app:" + raw).decode(),
        "cookie=" + base64.urlsafe_b64encode(b"s=" + raw).decode(),
    ]
out = sys.stdout
written = i = 0
while written < total:
    if i % 500 == 0:
        form = forms[(i // 500) % len(forms)]
        line = f"2026-12-06T13:11:{i % 60:02d}.{i % 1000:03d}Z WARN  audit {form}\n"
    else:
        line = (
            f"2026-12-06T13:11:{i % 60:02d}.{i % 1000:03d}Z INFO  worker-{i % 8} request "
            f"id={i:08x} path=/api/v1/items/{i % 977} status=200 duration_ms={i % 97}.{i % 10} "
            f"user=u{i % 13}\n"
        )
    out.write(line)
    written += len(line)
    i += 1
out.flush()
"""

PARENT = r"""
import os, sys
from kitaru.programs.child import run_child
from kitaru.programs.redact_stream import StreamRedactor
values = [os.environ[k] for k in sorted(os.environ) if k.startswith("BENCH_V_")]
filters = None
if sys.argv[1] == "redact":
    out, err = sys.stdout.buffer, sys.stderr.buffer
    filters = [(StreamRedactor(values), out), (StreamRedactor(values), err)]
sys.exit(run_child(sys.argv[2:], dict(os.environ), filters))
"""


def pem() -> str:
    body = base64.b64encode(secrets.token_bytes(1218)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n"


def values(count: int) -> list[str]:
    made = [pem()]
    made += [f"sk_live_{secrets.token_urlsafe(18 + i % 12)}" for i in range(count - 1)]
    return made


def run_case(mode: str, env: dict[str, str], size: int, out: int) -> tuple[float, float]:
    """Wall and CPU seconds (kitaru's and the program's together)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    program = [sys.executable, "-c", PROGRAM, str(size)]
    if mode == "cat":  # the floor of any filter: the same output through a pipe and cat
        program = ["sh", "-c", '"$@" | cat', "sh", *program]
    subprocess.run(
        [sys.executable, "-c", PARENT, mode, *program], env=env, stdout=out, cwd=REPO, check=True
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def check_masking(env: dict[str, str]) -> None:
    """A 2 MB run read whole: no masked form of any value is left, and masks are there."""
    done = subprocess.run(
        [sys.executable, "-c", PARENT, "redact", sys.executable, "-c", PROGRAM, "2000000"],
        env=env,
        capture_output=True,
        cwd=REPO,
        check=True,
    )
    injected = [env[k] for k in sorted(env) if k.startswith("BENCH_V_")]
    assert not leaked(done.stdout, injected), leaked(done.stdout, injected)
    assert done.stdout.count(b"***") >= done.stdout.count(b" WARN ") > 0


def leaked(output: bytes, injected: list[str]) -> list[str]:
    from kitaru.programs.masked_forms import masked_forms

    return [v[:6] + "..." for v in injected if any(f in output for f in masked_forms(v))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--counts", default="20,50,100,200")
    options = parser.parse_args()
    size = options.mb * 1_000_000
    counts = [int(c) for c in options.counts.split(",")]
    base = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_V_")}
    base["PYTHONPATH"] = str(REPO)
    envs = {n: {**base, **{f"BENCH_V_{i:03d}": v for i, v in enumerate(values(n))}} for n in counts}
    check_masking(envs[counts[0]])
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    devnull = os.open(os.devnull, os.O_WRONLY)
    for round_ in range(options.rounds):
        print(f"round {round_ + 1}/{options.rounds}", flush=True)
        for n in counts:
            for mode in ("plain", "cat", "redact"):
                if mode != "redact" and n != counts[0]:
                    continue  # without --redact the values' number changes nothing
                wall, cpu = run_case(mode, envs[n], size, devnull)
                walls.setdefault(f"{mode}:{n}", []).append(wall)
                cpus.setdefault(f"{mode}:{n}", []).append(cpu)
    plain = statistics.median(walls[f"plain:{counts[0]}"])
    plain_cpu = statistics.median(cpus[f"plain:{counts[0]}"])
    rows = [f"| without --redact | - | {plain:.2f} | 1.00x | {plain_cpu:.2f} | 1.00x |"]
    cat, cat_cpu = (statistics.median(d[f"cat:{counts[0]}"]) for d in (walls, cpus))
    rows.append(
        f"| without, piped through `cat` | - | {cat:.2f} | {cat / plain:.2f}x | {cat_cpu:.2f} "
        f"| {cat_cpu / plain_cpu:.2f}x |"
    )
    for n in counts:
        wall = statistics.median(walls[f"redact:{n}"])
        cpu = statistics.median(cpus[f"redact:{n}"])
        rows.append(
            f"| --redact | {n} | {wall:.2f} | {wall / plain:.2f}x | {cpu:.2f} "
            f"| {cpu / plain_cpu:.2f}x |"
        )
    first = statistics.median(walls[f"redact:{counts[0]}"]) / plain
    most = statistics.median(walls[f"redact:{counts[-1]}"]) / plain
    text = "\n".join(
        [
            "# `kitaru secrets run --redact`: cost over the same run without",
            "",
            f"A program writes {options.mb} MB of log lines; every 500th carries an injected "
            "value (one of them a PEM key) as is, JSON-escaped, percent-encoded, in a Basic "
            "header (base64) or base64url. Whole processes (kitaru's `run_child` and the "
            "program), output to /dev/null; medians of "
            f"{options.rounds} rounds, cases taking turns. Without `--redact` the program "
            "writes to /dev/null itself (nothing cheaper), with it through a pipe, kitaru's "
            "filter and kitaru's write. CPU is kitaru's and the program's together. A 2 MB "
            "run read whole has no masked form of any of the 20 values left, and a `***` "
            "for each injected line.",
            "",
            f"Repeat: `.venv/bin/python benchmarks/redact_throughput.py --mb {options.mb} "
            f"--rounds {options.rounds}`",
            "",
            "| case | values | wall (s) | wall / without | CPU (s) | CPU / without |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            f"- 20 values: **{first:.2f}x** the run without `--redact`, wall (target at most "
            f"{TARGET:.0f}x: {'met' if first <= TARGET else 'NOT met'}). The filter runs on "
            "the second core while the program writes, so the wall time grows less than "
            "the CPU time. Piping the same output through `cat` (the least any filter "
            "costs: a pipe, a read and a write per chunk) is shown for scale.",
            f"- CPU: `--redact` with 20 values costs "
            f"**{statistics.median(cpus[f'redact:{counts[0]}']) / cat_cpu:.2f}x** what piping "
            "through `cat` costs: what it adds over the run without is the pipe any filter "
            "needs. On a loaded shared machine the wall times move by far more than that "
            "(here wall is several times CPU); the CPU columns are the steadier measure.",
            f"- {counts[-1]} values: **{most:.2f}x**; the scan tests 8-byte words against one "
            "set, so its cost does not grow with the number of values (forms shorter than 15 "
            "bytes, of values shorter than about 11 characters, go through a regular "
            "expression whose cost does).",
            "",
            machine_line(),
            "",
        ]
    )
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
