"""Benchmark (issue 5): plan and apply of 100 secrets against a local ZenML server,
serial (``KITARU_WORKERS=1``) versus concurrent (the default, 8 in flight), through
kitaru's REST store and through ZenML's client, with round-trip counts.

Timed inside one process with the sync SDK, after connecting: *connect* is the first
contact (version check, login, one small authenticated request), then a no-op
``plan`` of 100 declared secrets that all exist unchanged, an ``apply`` of 100 new
secrets (the server is emptied first, not timed) and a no-op ``apply``. Process
start-up and imports are not in these figures; whole-process figures are in
results-rest.md. The client logs in as a service account with an API key (CI's case),
with the token cache off, as on a fresh CI runner.

Two networks: the loopback itself, and the same server behind a proxy that holds every
chunk 20 ms each way (40 ms round trip), which is what a shared server away from the
runner looks like. Round trips are the requests the server logged. The *server floor*
is the same 1 list + 100 reads sent by a warm, logged-in raw httpx client with the same
concurrency: what no client can go below.

Run:  .venv/bin/python benchmarks/server_plan_apply.py [--repeat 3] [--delay-ms 20]
Writes benchmarks/results-server.md (and prints it).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeVar

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.rest_vs_client import SECRETS, write_manifest  # noqa: E402
from tests.conftest import isolation_env, reset_zenml_singletons  # noqa: E402 - after the repo is importable
from tests.server.zenml_server import (  # noqa: E402
    API,
    HOST,
    Identity,
    ServerApi,
    ZenMLServer,
    free_port,
    provision,
    zenml_env,
)

RESULTS = REPO / "benchmarks" / "results-server.md"
PROXY = REPO / "benchmarks" / "latency_proxy.py"
WORKER_SETTINGS = (1, 8)
CLIENTS = {"REST": "rest", "ZenML client": "zenml"}
TARGET_PLAN_S = 0.5  # issue 5: a no-op plan of 100 secrets, beyond connecting
MISSING = "kitaru-bench-no-such-secret"
T = TypeVar("T")


@dataclass
class Sample:
    seconds: float
    round_trips: int
    server_cpu: float = 0.0


@dataclass
class Row:
    network: str
    client: str
    workers: int
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    floor: list[Sample] = field(default_factory=list)

    def add(self, case: str, sample: Sample) -> None:
        self.samples.setdefault(case, []).append(sample)

    def seconds(self, case: str) -> float:
        return statistics.median(s.seconds for s in self.samples[case])

    def trips(self, case: str) -> int:
        return int(statistics.median(s.round_trips for s in self.samples[case]))

    def server_cpu(self, case: str) -> float:
        return statistics.median(s.server_cpu for s in self.samples[case])


class ServerMeter:
    """What a piece of work cost the server: the requests it logged (the round trips of
    any client) and the CPU seconds its process spent on them."""

    def __init__(self, server: ZenMLServer) -> None:
        self.requests = server.requests_logged
        assert server.pid is not None
        self.stat = Path(f"/proc/{server.pid}/stat")

    def cpu_seconds(self) -> float:
        fields = self.stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def measure(self, work: Callable[[], T]) -> tuple[T, Sample]:
        requests, cpu = self.requests(), self.cpu_seconds()
        started = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - started
        time.sleep(0.3)  # let the server flush its access log
        return result, Sample(elapsed, self.requests() - requests, self.cpu_seconds() - cpu)


@contextmanager
def kitaru_settings(variables: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def raw_floor(url: str, who: Identity, workers: int, meter: ServerMeter) -> Sample:
    """1 list + one GET per secret from a warm, logged-in httpx client."""
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    with httpx.Client(base_url=url + API, timeout=60, limits=limits) as http:
        token = http.post("/login", data=who.login_form()).json()["access_token"]
        http.cookies.clear()
        headers = {"Authorization": f"Bearer {token}"}
        http.get("/info", headers=headers)  # warm the connection

        def reads() -> None:
            page = http.get("/secrets", params={"size": 1000}, headers=headers).json()
            ids = [str(item["id"]) for item in page["items"]]
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(lambda i: http.get(f"/secrets/{i}", headers=headers), ids))

        return meter.measure(reads)[1]


def start_proxy(target_port: int, delay_ms: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(PROXY), str(port), str(target_port), str(delay_ms)],
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/health", timeout=2).status_code == 200:
                return process, f"http://{HOST}:{port}"
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("latency proxy did not start")


def run_row(
    row: Row,
    url: str,
    who: Identity,
    log: ServerMeter,
    api: ServerApi,
    manifest: Path,
    values: dict[str, str],
    root: Path,
    repeat: int,
) -> None:
    from kitaru.store import SecretStore, close_open_stores, open_store
    from kitaru.sync.pipeline import apply, plan

    env = {**isolation_env(root), **who.store_env(url)}
    settings = {
        "KITARU_STORE_CLIENT": CLIENTS[row.client],
        "KITARU_WORKERS": str(row.workers),
        "KITARU_TOKEN_CACHE": "0",
    }
    with zenml_env(env), kitaru_settings(settings):

        def connected() -> SecretStore:
            close_open_stores()
            reset_zenml_singletons()  # ZenML's client logs in afresh, as a new process would
            store = open_store()
            _, sample = log.measure(lambda: store.find(MISSING))
            row.add("connect", sample)
            return store

        connected()  # warm-up: imports, ZenML's first-run setup
        for _ in range(repeat):
            api.purge(who)
            store = connected()
            applied, sample = log.measure(partial(apply, manifest, environ=values, store=store))
            assert applied.ok and applied.writes == SECRETS, "apply must create every secret"
            row.add("apply new", sample)
            applied, sample = log.measure(partial(apply, manifest, environ=values, store=store))
            assert applied.ok and applied.writes == 0, "a second apply must write nothing"
            row.add("no-op apply", sample)

            row.floor.append(raw_floor(url, who, row.workers, log))
            store = connected()
            result, sample = log.measure(partial(plan, manifest, environ=values, store=store))
            assert not result.has_changes, "plan of an applied manifest must be a no-op"
            row.add("no-op plan", sample)
        close_open_stores()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--delay-ms", type=int, default=20, help="one-way proxy delay")
    options = parser.parse_args()
    networks = ["loopback", f"+{2 * options.delay_ms} ms round trip"]
    rows = [
        Row(network, client, workers)
        for network in networks
        for client in CLIENTS
        for workers in WORKER_SETTINGS
    ]
    user_floor: list[Sample] = []

    with tempfile.TemporaryDirectory(prefix="kitaru-server-bench-") as tmp:
        root = Path(tmp)
        (root / "server").mkdir()
        server = ZenMLServer(root / "server")
        server.start()
        proxy: subprocess.Popen[bytes] | None = None
        api: ServerApi | None = None
        try:
            users = provision(server, root / "server")
            proxy, proxy_url = start_proxy(server.port, options.delay_ms)
            urls = dict(zip(networks, [server.url, proxy_url], strict=True))
            api = ServerApi(server.url)
            manifest, values = write_manifest(root)
            log = ServerMeter(server)
            for index, row in enumerate(rows):
                print(f"{row.network} / {row.client} / workers {row.workers}", flush=True)
                run_row(
                    row,
                    urls[row.network],
                    users.robot,
                    log,
                    api,
                    manifest,
                    values,
                    root / f"client-{index}",
                    options.repeat,
                )
            user_floor = [raw_floor(server.url, users.alice, 1, log) for _ in range(options.repeat)]
        finally:
            if api is not None:
                api.close()
            if proxy is not None:
                proxy.terminate()
                proxy.wait(timeout=10)
            server.stop()

    report = render(rows, user_floor, options)
    RESULTS.write_text(report)
    print(report)


def median_of(samples: list[Sample], part: Callable[[Sample], float]) -> float:
    return statistics.median(part(sample) for sample in samples)


def render(rows: list[Row], user_floor: list[Sample], options: argparse.Namespace) -> str:
    cores = os.cpu_count() or 1

    def cell(row: Row, case: str) -> str:
        return f"{row.seconds(case):.2f} ({row.trips(case)})"

    lines = [
        "# kitaru against a ZenML server: plan and apply of "
        f"{SECRETS} secrets, serial versus concurrent",
        "",
        "\n\n".join(" ".join(part.split()) for part in (__doc__ or "").split("\n\n")[1:3]),
        "",
        f"Repeat: `.venv/bin/python benchmarks/server_plan_apply.py` (this run: `--repeat "
        f"{options.repeat} --delay-ms {options.delay_ms}`). Medians; seconds (round trips). "
        f"Target (issue 5): a no-op plan of {SECRETS} secrets takes at most "
        f"{TARGET_PLAN_S} s beyond connecting. *Server CPU* is the CPU time the server "
        "process spent on the case; with every core working for it, no client could finish "
        f"sooner than server CPU / {cores} cores.",
        "",
        "| network | client | workers | connect | no-op plan | server floor "
        "| plan minus floor | server CPU, plan | apply, 100 new | server CPU, apply "
        "| no-op apply | plan target met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        floor = median_of(row.floor, lambda sample: sample.seconds)
        plan_s = row.seconds("no-op plan")
        lines.append(
            f"| {row.network} | {row.client} | {row.workers} | {cell(row, 'connect')} "
            f"| {cell(row, 'no-op plan')} | {floor:.2f} | {plan_s - floor:+.2f} "
            f"| {row.server_cpu('no-op plan'):.2f} | {cell(row, 'apply new')} "
            f"| {row.server_cpu('apply new'):.2f} | {cell(row, 'no-op apply')} "
            f"| {'yes' if plan_s <= TARGET_PLAN_S else 'no'} |"
        )
    lines += ["", "Concurrent (8) versus serial (1), time ratio serial / concurrent:", ""]
    for network in dict.fromkeys(row.network for row in rows):
        for client in CLIENTS:
            serial, concurrent = (r for r in rows if r.network == network and r.client == client)
            ratios = ", ".join(
                f"{case} {serial.seconds(case) / concurrent.seconds(case):.1f}x"
                for case in ("no-op plan", "apply new", "no-op apply")
            )
            lines.append(f"- {network}, {client}: {ratios}")
    robot_floor = [sample for row in rows[:2] for sample in row.floor]  # loopback, REST
    lines += [
        "",
        f"Where the time goes: reading {SECRETS} secrets (1 list + {SECRETS} gets) costs "
        "this server "
        f"{median_of(robot_floor, lambda sample: sample.server_cpu):.2f} s of CPU with the "
        "service account's token and "
        f"{median_of(user_floor, lambda sample: sample.server_cpu):.2f} s with a user's "
        f"password token (wall {median_of(user_floor, lambda sample: sample.seconds):.2f} s, "
        "serial): ZenML 0.98 re-checks a service account's API key and records its last use "
        "on every request made with a token derived from it. A no-op plan needs every "
        "declared secret's values (the list endpoint has none), so this is the least any "
        "client can spend; kitaru's own share is the plan-minus-floor column.",
        "",
        f"Machine: {platform.machine()}, {cores} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end, Python {platform.python_version()}, "
        f"{date.today().isoformat()}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
