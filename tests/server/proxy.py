"""A round-robin TCP proxy on loopback: the load balancer in front of server replicas.

    python -m tests.server.proxy LISTEN_PORT BACKEND_PORT [BACKEND_PORT ...]

Each new client connection goes to the next backend; a backend that refuses the
connection (a killed replica) is skipped for the next one, as a health-checking load
balancer would. Bytes pass through unchanged; connections already open to a replica
die with it, exactly as they do behind a real proxy.
"""

from __future__ import annotations

import asyncio
import itertools
import sys

HOST = "127.0.0.1"


def log(text: str) -> None:
    """One line to the proxy's log (tests/server/topology.Proxy sends stdout there)."""
    import time

    print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


CONNECT_TIMEOUT_S = 2.0


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


class RoundRobin:
    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.turn = itertools.cycle(range(len(backends)))

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        # Each connection tries every backend once, starting at its turn. Taking the next
        # turn at every try let concurrent connections interleave on the shared cycle: one
        # could try the killed replica twice, never the live one, and hang up on its client
        # (the re-run of test_replicas' killed-replica test then failed in full runs).
        start = next(self.turn)
        for offset in range(len(self.backends)):
            port = self.backends[(start + offset) % len(self.backends)]
            try:
                upstream = await asyncio.wait_for(
                    asyncio.open_connection(HOST, port), CONNECT_TIMEOUT_S
                )
            except (OSError, asyncio.TimeoutError) as error:
                log(f"backend {port}: {type(error).__name__} {error}")
                continue
            local = upstream[1].get_extra_info("sockname")
            log(f"backend {port} from {local}")
            return upstream
        log("no backend")
        return None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = await self.connect()
        if upstream is None:
            writer.close()  # nobody alive behind the proxy: the client sees a hang-up
            return
        up_reader, up_writer = upstream
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def serve(listen: int, backends: list[int]) -> None:
    balancer = RoundRobin(backends)
    server = await asyncio.start_server(balancer.handle, HOST, listen, backlog=512)
    async with server:
        await server.serve_forever()


def main() -> None:
    listen, *backends = (int(arg) for arg in sys.argv[1:])
    asyncio.run(serve(listen, backends))


if __name__ == "__main__":
    main()
