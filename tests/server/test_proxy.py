"""The test load balancer (tests/server/proxy.py) never hangs up while a backend lives."""

from __future__ import annotations

import asyncio

from tests.server.proxy import HOST, RoundRobin
from tests.server.zenml_server import free_port


def test_concurrent_connections_each_try_every_backend_once() -> None:
    """One backend dead (a killed replica), one alive: every one of many concurrent
    connections reaches the live one. Fails on the old code, where concurrent connections
    shared the cycle's turns and one could try the dead backend twice."""

    async def scenario() -> list[bool]:
        live = await asyncio.start_server(lambda _r, w: w.close(), HOST, 0)
        live_port = live.sockets[0].getsockname()[1]
        balancer = RoundRobin([free_port(), live_port])
        try:
            upstreams = await asyncio.gather(*(balancer.connect() for _ in range(64)))
            reached = [upstream is not None for upstream in upstreams]
            for upstream in upstreams:
                if upstream is not None:
                    upstream[1].close()
            return reached
        finally:
            live.close()
            await live.wait_closed()

    assert all(asyncio.run(scenario()))
