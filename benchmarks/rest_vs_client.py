"""Benchmark: kitaru against a local ZenML server, REST store versus ZenML's client.

Whole processes of the real console script, as CI runs them, logged in as a service
account with an API key: `kitaru secrets list --keys` (the listing plus one read per
secret; the listing alone: benchmarks/list_scale.py) with 10 and with 100 secrets on the
server, a no-op `kitaru secrets plan` of 100 secrets, and `kitaru secrets apply` of 100
new secrets (3 keys each; the server is emptied before every apply, not timed). The
same commands with `KITARU_STORE_CLIENT=zenml` give the ZenML-client path.

Round trips are the requests the server logged during each process (uvicorn's access
log). The *server floor* is the same requests sent by one warm, logged-in httpx client
in this process (8 at a time): what no client can beat. The REST path keeps its token
between processes (KITARU_TOKEN_CACHE); its cold start (a login) is reported apart.

Run:  .venv/bin/python benchmarks/rest_vs_client.py [--repeat 5] [--client-repeat 3]
Writes benchmarks/results-rest.md (and prints it).
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import isolation_env  # noqa: E402 - after the repo is importable
from tests.server.zenml_server import (  # noqa: E402
    API,
    Identity,
    ServerApi,
    ZenMLServer,
    provision,
)

RESULTS = REPO / "benchmarks" / "results-rest.md"
SECRETS = 100
FEW = 10
KEYS = 3
WORKERS = 8
CLI = [sys.executable, "-c", "from kitaru.cli.main import main; main()"]
MIN_SPEEDUP = 5.0
TARGETS = {  # from issue 9
    f"list ({FEW} secrets)": 0.6,
    f"list ({SECRETS} secrets)": 0.6,
    f"no-op plan ({SECRETS})": 1.0,
    f"apply ({SECRETS} new)": 3.0,
}


@dataclass
class Sample:
    seconds: float
    round_trips: int


@dataclass
class Case:
    name: str
    rest: list[Sample] = field(default_factory=list)
    client: list[Sample] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    own: dict[str, list[float]] = field(default_factory=lambda: {"rest": [], "client": []})

    def measure(
        self,
        runner: Runner,
        path: str,
        env: dict[str, str],
        args: list[str],
        floor: Callable[[], float],
        reset: Callable[[], object] | None = None,
    ) -> None:
        """Each run is paired with a floor measured just before it, so the difference
        (the client's own time) is not skewed by the machine's load drifting."""
        for _ in range(runner.repeats[path]):
            if reset is not None:
                reset()
            floor_s = floor()
            if reset is not None:
                reset()
            sample = runner.run(env, *args)
            getattr(self, path).append(sample)
            self.floor.append(floor_s)
            self.own[path].append(sample.seconds - floor_s)


def median(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def trips(samples: list[Sample]) -> int:
    return int(statistics.median(s.round_trips for s in samples))


def write_manifest(root: Path) -> tuple[Path, dict[str, str]]:
    lines = ["version: 1", "secrets:"]
    values: dict[str, str] = {}
    for index in range(SECRETS):
        lines += [f"  - name: bench-{index:03d}", "    keys:"]
        for key in range(KEYS):
            variable = f"BENCH_{index:03d}_{key}"
            lines.append(f"      - {variable}")
            values[variable] = secrets.token_hex(16)
    manifest = root / "secrets.yaml"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest, values


class Runner:
    """Runs one CLI process and counts the requests the server logged meanwhile."""

    def __init__(self, server: ZenMLServer, root: Path, repeats: dict[str, int]) -> None:
        self.server = server
        self.root = root
        self.repeats = repeats

    def run(self, env: dict[str, str], *args: str) -> Sample:
        before = self.server.requests_logged()
        started = time.perf_counter()
        result = subprocess.run(
            [*CLI, *args], env=env, cwd=self.root, capture_output=True, text=True, timeout=600
        )
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"kitaru {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        time.sleep(0.3)  # let the server flush its access log
        return Sample(elapsed, self.server.requests_logged() - before)


class Floor:
    """The requests a command needs, from a warm logged-in client: the server's share."""

    def __init__(self, url: str, who: Identity) -> None:
        self.http = httpx.Client(
            base_url=url + API,
            timeout=60,
            limits=httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS),
        )
        token = self.http.post("/login", data=who.login_form()).json()["access_token"]
        self.http.cookies.clear()
        self.headers = {"Authorization": f"Bearer {token}"}

    def _each(self, work: Callable[[int], object], count: int) -> None:
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(work, range(count)))

    def _ids(self) -> list[str]:
        page = self.http.get("/secrets", params={"size": 1000}, headers=self.headers).json()
        return [str(item["id"]) for item in page["items"]]

    def read_all(self) -> float:
        started = time.perf_counter()
        ids = self._ids()
        self._each(lambda i: self.http.get(f"/secrets/{ids[i]}", headers=self.headers), len(ids))
        return time.perf_counter() - started

    def create(self, values: dict[str, str]) -> float:
        started = time.perf_counter()
        self._ids()

        def post(index: int) -> None:
            keys = {f"BENCH_{index:03d}_{k}": values[f"BENCH_{index:03d}_{k}"] for k in range(KEYS)}
            body = {"name": f"bench-{index:03d}", "private": False, "values": keys}
            self.http.post("/secrets", json=body, headers=self.headers).raise_for_status()

        self._each(post, SECRETS)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per REST case")
    parser.add_argument("--client-repeat", type=int, default=3, help="runs per ZenML case")
    options = parser.parse_args()
    cases = {name: Case(name) for name in TARGETS}
    few, many, plan_case, apply_case = cases.values()

    with tempfile.TemporaryDirectory(prefix="kitaru-rest-bench-") as tmp:
        root = Path(tmp)
        (root / "server").mkdir()
        server = ZenMLServer(root / "server")
        server.start()
        api: ServerApi | None = None
        try:
            users = provision(server, root / "server")
            robot = users.robot
            api = ServerApi(server.url)
            floor = Floor(server.url, robot)
            manifest, values = write_manifest(root)
            base = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("ZENML_", "KITARU_"))},
                **values,
                **robot.store_env(server.url),
            }
            envs = {
                "rest": {**base, **isolation_env(root / "rest")},
                "client": {
                    **base,
                    **isolation_env(root / "client"),
                    "KITARU_STORE_CLIENT": "zenml",
                },
            }
            for env in envs.values():
                env.pop("ZENML_LOGGING_VERBOSITY", None)  # the CLI's own default
            repeats = {"rest": options.repeat, "client": options.client_repeat}
            runner = Runner(server, root, repeats)
            plan = ["secrets", "plan", "-f", str(manifest)]
            apply = ["secrets", "apply", "-f", str(manifest)]

            cold = runner.run(envs["rest"], "secrets", "list")  # logs in, fills the cache
            runner.run(envs["client"], "secrets", "list")  # ZenML's first-run setup

            for index in range(FEW):
                body = {"name": f"few-{index}", "values": {"K": secrets.token_hex(8)}}
                api.request(robot, "POST", "/secrets", json=body).raise_for_status()
            for path, env in envs.items():
                few.measure(runner, path, env, ["secrets", "list", "--keys"], floor.read_all)
            api.purge(robot)

            def empty() -> None:
                assert api is not None
                api.purge(robot)

            for path, env in envs.items():
                apply_case.measure(
                    runner, path, env, apply, lambda: floor.create(values), reset=empty
                )
            empty()
            runner.run(envs["rest"], *apply)  # the manifest's state, for plan and list
            for path, env in envs.items():
                plan_case.measure(runner, path, env, plan, floor.read_all)
                many.measure(runner, path, env, ["secrets", "list", "--keys"], floor.read_all)
            # The same reads with a user's password token (the secrets are public).
            by_password = Floor(server.url, users.alice)
            password_floor = statistics.median(
                by_password.read_all() for _ in range(options.repeat)
            )
            no_cache = {**envs["rest"], "KITARU_TOKEN_CACHE": "0"}
            cold_plan = runner.run(no_cache, *plan)
        finally:
            if api is not None:
                api.close()
            server.stop()

    report = render(list(cases.values()), cold, cold_plan, password_floor, options)
    RESULTS.write_text(report)
    print(report)


def render(
    cases: list[Case],
    cold: Sample,
    cold_plan: Sample,
    password_floor: float,
    options: argparse.Namespace,
) -> str:
    lines = [
        "# kitaru against a ZenML server: REST store versus ZenML's client",
        "",
        f"Local ZenML {_zenml_version()} server (uvicorn, SQLite, loopback), started by "
        "tests/server/zenml_server.py. Every command is a new process of the real console "
        "script, logged in as a service account with an API key (`ZENML_STORE_URL` + "
        f"`ZENML_STORE_API_KEY`), secrets of {KEYS} keys. ZenML-client path: the same "
        "commands with `KITARU_STORE_CLIENT=zenml`.",
        "",
        f"Repeat: `.venv/bin/python benchmarks/rest_vs_client.py` (this run: `--repeat "
        f"{options.repeat} --client-repeat {options.client_repeat}`). Medians. Round trips: "
        "requests the server logged during the process. Server floor: the same requests from "
        f"one warm, logged-in httpx client, {WORKERS} at a time, measured just before each "
        "run; a client's own time is the median of (run minus its floor): start-up, imports, "
        "login and kitaru's work.",
        "",
        "| case | REST (s) | ZenML client (s) | speedup | server floor (s) "
        "| client's own time REST / ZenML (s) | round trips REST / ZenML "
        "| target: REST under | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case in cases:
        rest, client = median(case.rest), median(case.client)
        floor = statistics.median(case.floor)
        own_rest, own_client = (statistics.median(case.own[p]) for p in ("rest", "client"))
        speedup = client / rest
        target = TARGETS[case.name]
        met = rest < target and speedup >= MIN_SPEEDUP
        lines.append(
            f"| {case.name} | {rest:.2f} | {client:.2f} | {speedup:.1f}x | {floor:.2f} "
            f"| {own_rest:.2f} / {own_client:.2f} ({own_client / max(own_rest, 0.01):.0f}x) "
            f"| {trips(case.rest)} / {trips(case.client)} "
            f"| {target:g} s and {MIN_SPEEDUP:g}x | {'yes' if met else 'no'} |"
        )
    lines += [
        "",
        "Runs (s):",
        "",
    ]
    for case in cases:
        lines.append(
            f"- {case.name}: REST {', '.join(f'{s.seconds:.2f}' for s in case.rest)}; "
            f"ZenML client {', '.join(f'{s.seconds:.2f}' for s in case.client)}; "
            f"floor {', '.join(f'{f:.2f}' for f in case.floor)}"
        )
    lines += [
        "",
        f"Cold REST start (the run's first process, which logs in and caches the token): "
        f"`list` of an empty server {cold.seconds:.2f} s, {cold.round_trips} round trips. "
        f"With the token cache off (`KITARU_TOKEN_CACHE=0`, a login in every process), "
        f"no-op plan of {SECRETS}: {cold_plan.seconds:.2f} s, {cold_plan.round_trips} round "
        "trips. ZenML's client logs in again in every process when its credentials come "
        "from the environment.",
        "",
        f"Where a target is missed, the server floor already exceeds it: reading {SECRETS} "
        f"secrets takes this server {statistics.median(cases[1].floor):.2f} s with the "
        f"service account's token, and {password_floor:.2f} s with a user's password token "
        "(ZenML re-checks an API key and records its last use on every request made with "
        "a token derived from it). No client can go below the floor; the client's own time "
        "is what kitaru controls.",
        "",
        "REST round trips: `GET /info` (version check), one paged `GET /secrets`, one "
        "`GET /secrets/{id}` per secret listed or declared that exists, one `POST` per new "
        f"secret; at most {WORKERS} at a time over keep-alive connections.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared with other jobs; "
        f"load average {os.getloadavg()[0]:.1f} at the end), Python "
        f"{platform.python_version()}, {date.today().isoformat()}.",
        "",
    ]
    return "\n".join(lines)


def _zenml_version() -> str:
    from importlib.metadata import version

    return version("zenml")


if __name__ == "__main__":
    main()
