"""Benchmark (issue 19): `list` of 1,000 secrets on a local SQLite ZenML server, against
the floor of the same paged request(s) from a raw, warm httpx client.

Timed inside one process after connecting (login and first contact are not in these
figures): the SDK's ``list_secrets()`` and the CLI's ``secrets list -o json`` (in-process,
rendering included), through kitaru's REST store and through ZenML's client, as a user
with a password token and as a service account with an API key. The *floor* is the same
listing, ``GET /secrets?size=10000`` page by page, from a logged-in httpx client whose
connection is already open: what no client can go below. ``--keys`` (the listing plus
one read per secret, 8 at a time) is measured too, against its own floor (the same
requests from the raw client with 8 connections). Requests are the ones the server
logged; every sample starts after a ``gc.collect()``.

Run:  .venv/bin/python benchmarks/list_scale.py [--secrets 1000] [--repeat 5] [--keys-repeat 2]
Writes benchmarks/results-list-scale.md (and prints it).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import secrets
import statistics
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.server_plan_apply import Sample, ServerMeter, kitaru_settings  # noqa: E402
from tests.conftest import isolation_env, reset_zenml_singletons  # noqa: E402
from tests.server.zenml_server import (  # noqa: E402
    API,
    Identity,
    ServerApi,
    ZenMLServer,
    provision,
    zenml_env,
)

RESULTS = REPO / "benchmarks" / "results-list-scale.md"
CLIENTS = {"REST": "rest", "ZenML client": "zenml"}
WORKERS = 8
PAGE = 10_000


class RawClient:
    """A logged-in httpx client with warm connections: the floor."""

    def __init__(self, url: str, who: Identity) -> None:
        limits = httpx.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS)
        self.http = httpx.Client(base_url=url + API, timeout=120, limits=limits)
        token = self.http.post("/login", data=who.login_form()).json()["access_token"]
        self.http.cookies.clear()
        self.headers = {"Authorization": f"Bearer {token}"}
        self.http.get("/info", headers=self.headers)

    def listing(self) -> list[str]:
        ids: list[str] = []
        page = 1
        while True:
            params = {"page": page, "size": PAGE, "hydrate": "false"}
            answer = self.http.get("/secrets", params=params, headers=self.headers).json()
            ids += [str(item["id"]) for item in answer["items"]]
            if page >= answer["total_pages"]:
                return ids
            page += 1

    def listing_and_reads(self) -> None:
        ids = self.listing()
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda i: self.http.get(f"/secrets/{i}", headers=self.headers), ids))

    def close(self) -> None:
        self.http.close()


@dataclass
class Row:
    """One identity and client; every kitaru sample is paired with a floor sample taken
    just before it, so a busy machine slows both."""

    who: str
    client: str
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    floors: dict[str, list[Sample]] = field(default_factory=dict)

    def add(self, case: str, sample: Sample, floor: Sample) -> None:
        self.samples.setdefault(case, []).append(sample)
        self.floors.setdefault(case, []).append(floor)

    def seconds(self, case: str) -> float:
        return statistics.median(s.seconds for s in self.samples[case])

    def floor(self, case: str) -> float:
        return statistics.median(s.seconds for s in self.floors[case])

    def ratio(self, case: str) -> float:
        pairs = zip(self.samples[case], self.floors[case], strict=True)
        return statistics.median(own.seconds / floor.seconds for own, floor in pairs)

    def cell(self, case: str) -> str:
        trips = int(statistics.median(s.round_trips for s in self.samples[case]))
        return f"{self.seconds(case):.3f} ({trips})"

    def floor_cell(self, case: str) -> str:
        trips = int(statistics.median(s.round_trips for s in self.floors[case]))
        return f"{self.floor(case):.3f} ({trips})"


def fill(api: ServerApi, who: Identity, count: int) -> None:
    def post(index: int) -> None:
        body = {
            "name": f"scale-{index:05d}",
            "private": False,
            "values": {"K": secrets.token_hex(8)},
        }
        api.request(who, "POST", "/secrets", json=body).raise_for_status()

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(post, range(count)))


def measure_row(
    row: Row,
    url: str,
    who: Identity,
    meter: ServerMeter,
    root: Path,
    count: int,
    repeat: int,
    keys_repeat: int,
) -> None:
    from typer.testing import CliRunner

    import kitaru
    from kitaru.cli.app import app
    from kitaru.store import close_open_stores, open_store

    runner = CliRunner()
    raw = RawClient(url, who)
    assert len(raw.listing()) == count
    env = {**isolation_env(root), **who.store_env(url)}
    settings = {"KITARU_STORE_CLIENT": CLIENTS[row.client], "KITARU_WORKERS": str(WORKERS)}
    with zenml_env(env), kitaru_settings(settings):
        close_open_stores()
        reset_zenml_singletons()
        store = open_store()
        assert len(kitaru.list_secrets(store=store)) == count  # connect, log in, warm up

        def cli_list() -> None:
            result = runner.invoke(app, ["secrets", "list", "-o", "json"])
            assert result.exit_code == 0 and result.stdout.count('"name"') == count

        cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
            "sdk list": (lambda: kitaru.list_secrets(store=store), raw.listing),
            "cli list -o json": (cli_list, raw.listing),
            "sdk list keys": (
                lambda: kitaru.list_secrets(keys=True, store=store),
                raw.listing_and_reads,
            ),
        }
        rounds = [("sdk list", "cli list -o json")] * repeat + [("sdk list keys",)] * keys_repeat
        for cases_of_round in rounds:  # the slow keys=True rounds last: their garbage too
            for case in cases_of_round:
                work, floor = cases[case]
                gc.collect()
                floor_sample = meter.measure(floor)[1]
                gc.collect()
                row.add(case, meter.measure(work)[1], floor_sample)
        close_open_stores()
    raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--secrets", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keys-repeat", type=int, default=2, help="rounds of keys=True")
    options = parser.parse_args()
    rows: list[Row] = []

    with tempfile.TemporaryDirectory(prefix="kitaru-list-bench-") as tmp:
        root = Path(tmp)
        (root / "server").mkdir()
        server = ZenMLServer(root / "server")
        server.start()
        api: ServerApi | None = None
        try:
            users = provision(server, root / "server")
            api = ServerApi(server.url)
            fill(api, users.alice, options.secrets)
            meter = ServerMeter(server)
            identities = {"user (password)": users.alice, "service account (API key)": users.robot}
            for index, (who_name, who) in enumerate(identities.items()):
                for client in CLIENTS:
                    print(f"{who_name} / {client}", flush=True)
                    row = Row(who_name, client)
                    client_root = root / f"client-{index}-{CLIENTS[client]}"
                    measure_row(
                        row,
                        server.url,
                        who,
                        meter,
                        client_root,
                        options.secrets,
                        options.repeat,
                        options.keys_repeat,
                    )
                    rows.append(row)
        finally:
            if api is not None:
                api.close()
            server.stop()

    report = render(rows, options)
    RESULTS.write_text(report)
    print(report)


def render(rows: list[Row], options: argparse.Namespace) -> str:
    lines = [
        f"# kitaru secrets list: {options.secrets} secrets on a SQLite ZenML server",
        "",
        " ".join((__doc__ or "").split("\n\n")[1].split()),
        "",
        f"Repeat: `.venv/bin/python benchmarks/list_scale.py --secrets {options.secrets} "
        f"--repeat {options.repeat} --keys-repeat {options.keys_repeat}`. Medians; seconds "
        "(requests the server logged); the ratio is the median of kitaru's time over the "
        "floor measured just before it.",
        "",
        "| identity | client | floor: listing | SDK list | ratio | CLI list -o json | ratio "
        "| floor: listing + reads | SDK list keys=True | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.who} | {row.client} | {row.floor_cell('sdk list')} "
            f"| {row.cell('sdk list')} | {row.ratio('sdk list'):.2f}x "
            f"| {row.cell('cli list -o json')} | {row.ratio('cli list -o json'):.2f}x "
            f"| {row.floor_cell('sdk list keys')} | {row.cell('sdk list keys')} "
            f"| {row.ratio('sdk list keys'):.2f}x |"
        )
    lines += [
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end, Python {platform.python_version()}, "
        f"{date.today().isoformat()}.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
