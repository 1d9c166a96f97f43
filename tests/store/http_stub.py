"""A tiny loopback HTTP server for the REST store's transport faults: answers
/api/v1/info like a ZenML 0.98.0 server, and other paths as a test says."""

from __future__ import annotations

import json
import ssl
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kitaru.store.rest_auth import ServerConnection
from kitaru.store.server_config import ServerConfig
from tests.server.zenml_server import HOST

TOKEN = "bearer-canary-4410"
VALUE = "value-canary-93aa"
Behaviour = Callable[[BaseHTTPRequestHandler], None]


class Stub:
    """Answers /api/v1/info like a ZenML 0.98.0 server; other paths do ``behaviour``."""

    def __init__(self, behaviour: Behaviour, tls: ssl.SSLContext | None = None) -> None:
        self.calls: Counter[str] = Counter()
        self.headers: list[str] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def handle_any(self) -> None:
                stub.calls[f"{self.command} {self.path.split('?')[0]}"] += 1
                stub.headers.append(str(self.headers))
                if self.path.startswith("/api/v1/info"):
                    self.reply(200, {"version": "0.98.0"})
                else:
                    behaviour(self)

            def reply(self, status: int, payload: object) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = handle_any

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://{HOST}:{self.server.server_address[1]}"
        # a short poll: shutdown() waits for it (0.5 s by default, in every test)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def busy(handler: BaseHTTPRequestHandler) -> None:
    handler.reply(503, {"detail": "busy"})  # type: ignore[attr-defined]


def hang_up(handler: BaseHTTPRequestHandler) -> None:
    handler.close_connection = True  # no answer at all: the client sees a reset


def connection(url: str, **config: object) -> ServerConnection:
    return ServerConnection(ServerConfig(url=url, api_token=TOKEN, **config))  # type: ignore[arg-type]
