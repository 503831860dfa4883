"""A tiny OpenAI chat-completions server for tests (stdlib only, 127.0.0.1, random port).

It answers ``POST /v1/chat/completions`` with canned replies, one per request
in order (the last one repeats), non-streaming or as SSE ``data: {...}`` chunks
ending with ``data: [DONE]`` when the request asks ``"stream": true``. Every
request (path, headers, JSON body) is recorded for inspection.

    with OpenAIFixtureServer([Reply("淮安市新收申请3119件[1]。")]) as srv:
        settings = Settings(llm="openai:fake-model", llm_base_url=srv.base_url, llm_api_key="test")
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One canned reply: ``content`` (split into ``chunks`` pieces when streamed),
    or an HTTP error ``status``; ``delay`` seconds before answering (a stalled server)."""

    content: str = ""
    status: int = 200
    delay: float = 0.0
    chunks: int = 4


@dataclass
class Received:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]  # names lower-cased
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def text(self) -> str:
        """All message contents joined (what the model was shown)."""
        out: list[str] = []
        for m in self.messages:
            c = m.get("content")
            if isinstance(c, str):
                out.append(c)
            elif isinstance(c, list):
                out.extend(str(p.get("text", "")) for p in c if isinstance(p, dict))
        return "\n".join(out)


def _split(text: str, n: int) -> list[str]:
    if not text:
        return [""]
    size = max(1, -(-len(text) // max(1, n)))
    return [text[i:i + size] for i in range(0, len(text), size)]


class OpenAIFixtureServer:
    """Context manager running the fixture server in a daemon thread."""

    def __init__(self, replies: list[Reply] | None = None, model: str = "fake-model"):
        self.replies = list(replies or [Reply("证据不足")])
        self.model = model
        self.requests: list[Received] = []
        self._release = threading.Event()  # set on close: stalled handlers return at once
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> OpenAIFixtureServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                return None

            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw.decode("utf-8")) if raw else {}
                except ValueError:
                    body = {}
                with server._lock:
                    server.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    idx = min(len(server.requests) - 1, len(server.replies) - 1)
                    reply = server.replies[idx]
                if reply.delay and server._release.wait(reply.delay):
                    return  # closing: drop the connection
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                elif reply.status != 200:
                    self._json(reply.status, {"error": {"message": "fixture error", "type": "server_error"}})
                elif body.get("stream"):
                    self._sse(reply, body)
                else:
                    self._json(200, server._completion(reply.content))

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _sse(self, reply: Reply, body: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                for event in server._chunks(reply, include_usage):
                    self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="openai-fixture", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._release.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIFixtureServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- payloads
    def _completion(self, content: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fixture",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop", "logprobs": None}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }

    def _chunks(self, reply: Reply, include_usage: bool) -> list[dict[str, Any]]:
        def chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
            return {"id": "chatcmpl-fixture", "object": "chat.completion.chunk", "created": int(time.time()),
                    "model": self.model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

        events = [chunk({"role": "assistant", "content": ""}, None)]
        events += [chunk({"content": piece}, None) for piece in _split(reply.content, reply.chunks)]
        events.append(chunk({}, "stop"))
        if include_usage:
            events.append({"id": "chatcmpl-fixture", "object": "chat.completion.chunk", "created": int(time.time()),
                           "model": self.model, "choices": [],
                           "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}})
        return events
