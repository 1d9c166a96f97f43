"""A stand-in provider on 127.0.0.1: OpenAI chat completions and Anthropic messages.

A real HTTP server (stdlib, one thread per connection) so the real SDKs and their HTTP
stack run; it records what each request carried (path, headers, JSON body).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class StandIn:
    """The server's state: what it answers, and what it received."""

    reply: str | None = None  # None: "echo: <last message>"
    refuse_with: int | None = None  # answer this HTTP error, quoting the key it was sent
    received: list[Received] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    @property
    def openai_url(self) -> str:
        return f"{self.url}/v1"

    def keys_seen(self) -> list[str]:
        return [
            r.headers.get("authorization") or r.headers.get("x-api-key", "") for r in self.received
        ]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _answer(state: StandIn, path: str, body: dict[str, Any]) -> dict[str, Any]:
    last = body.get("messages", [{}])[-1].get("content", "")
    text = state.reply if state.reply is not None else f"echo: {last}"
    if path.endswith("/messages"):
        return {
            "id": "msg_standin",
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 7, "output_tokens": 3},
        }
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }


def _refusal(path: str, key: str) -> dict[str, Any]:
    message = f"Incorrect API key provided: {key}. You can find your API key elsewhere."
    if path.endswith("/messages"):
        return {"type": "error", "error": {"type": "authentication_error", "message": message}}
    return {
        "error": {"message": message, "type": "invalid_request_error", "code": "invalid_api_key"}
    }


def start() -> StandIn:
    state = StandIn()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {name.lower(): value for name, value in self.headers.items()}
            state.received.append(Received(self.path, headers, body))
            if self.path.endswith(("/chat/completions", "/messages")):
                if state.refuse_with is not None:
                    key = headers.get("x-api-key") or headers.get("authorization", "")
                    key = key.removeprefix("Bearer ")
                    status, payload = state.refuse_with, _refusal(self.path, key)
                else:
                    status, payload = 200, _answer(state, self.path, body)
            else:
                status, payload = 404, {"error": {"message": "no such path"}}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state._server = server
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state
