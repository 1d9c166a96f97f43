"""A loopback TCP proxy that holds every chunk for a fixed delay each way.

A server on 127.0.0.1 answers in well under a millisecond of network time; a shared
ZenML server is tens of milliseconds away. Putting this proxy in front of the local
server gives the benchmark that distance, so serial and concurrent requests can be
compared where concurrency matters. Order within a connection is kept.

Run:  python benchmarks/latency_proxy.py LISTEN_PORT TARGET_PORT DELAY_MS
"""

from __future__ import annotations

import asyncio
import sys

HOST = "127.0.0.1"
CHUNK = 65536


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            if not data:
                break
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()

    delivery = asyncio.create_task(deliver())
    try:
        while data := await reader.read(CHUNK):
            queue.put_nowait((loop.time() + delay, data))
    except ConnectionError:
        pass
    queue.put_nowait((0.0, b""))
    try:
        await delivery
    except ConnectionError:
        pass
    finally:
        writer.close()


async def serve(listen_port: int, target_port: int, delay: float) -> None:
    async def connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(HOST, target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(
            _pump(reader, upstream_writer, delay),
            _pump(upstream_reader, writer, delay),
            return_exceptions=True,
        )

    server = await asyncio.start_server(connect, HOST, listen_port)
    async with server:
        await server.serve_forever()


def main() -> None:
    listen_port, target_port, delay_ms = (int(arg) for arg in sys.argv[1:4])
    asyncio.run(serve(listen_port, target_port, delay_ms / 1000.0))


if __name__ == "__main__":
    main()
