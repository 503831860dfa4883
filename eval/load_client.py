"""A light client of the web app that speaks the browser's own protocol: one staff member, one session.

A page in the browser joins Gradio's queue (``POST /gradio_api/queue/join`` with the event's
``fn_index`` and its session hash) and reads the session's event stream
(``GET /gradio_api/queue/data``) until the event completes; its keep-alive connection is reused.
:class:`StaffClient` does exactly that, so a load test measures the server and not the cost of
``gradio_client`` (which opens a new HTTP client, with a new TLS context, for every call: about
60 ms of client CPU per question, measured with eval/bench_load.py on 2026-12-02).

Two paths:

- ``chat(question)``: the 问答 box's submit event (the generator handler staff use). The chat
  history and the saved conversations are sent back with every question, as the page does, so a
  staff member's conversation grows over the run; returns the answer dict of the turn.
- ``api(question)``: the named endpoint ``/ask`` through the same queue; returns the answer dict.

No Gradio import here: httpx only (and ``gradio_client.utils.apply_diff`` for the streamed diffs).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

CHAT_ELEM_ID = "rqa-question"  # the 问答 text box; its submit event is the chat handler


class ServerError(RuntimeError):
    """The server answered the event with an error (its message kept)."""


class StaffClient:
    """One staff member's page: a session hash, a login cookie, one keep-alive connection."""

    def __init__(self, url: str, auth: tuple[str, str] | None = None, timeout: float = 120.0):
        import httpx

        self.base = url.rstrip("/")
        self.http = httpx.Client(timeout=timeout)
        if auth:
            r = self.http.post(f"{self.base}/login", data={"username": auth[0], "password": auth[1]})
            r.raise_for_status()
        cfg = self.http.get(f"{self.base}/config")
        cfg.raise_for_status()
        self.prefix = self.base + (cfg.json().get("api_prefix") or "/gradio_api")
        self.chat_fn, self.api_fn = find_fns(cfg.json())
        self.session = uuid.uuid4().hex[:11]
        self.history: list = []
        self.store: Any = None  # the saved conversations (the page's BrowserState), sent back each time
        self.events = 0  # SSE messages read (estimation, starts, generating, completed)

    # ------------------------------------------------------------------ paths

    def chat(self, question: str) -> dict:
        """Ask in the chat (the conversation goes on); the answer dict of this turn.

        The answers live in a ``gr.State`` (kept by the server for the session, never sent), so the
        answer is read from the saved conversation the page keeps (the ``BrowserState`` output)."""
        out = self._run(self.chat_fn, [question, self.history, None, None, None, self.store])
        history, store = out[0], out[7]
        if isinstance(history, list):
            self.history = history
        if isinstance(store, dict) and not _is_update(store):
            self.store = store
        conv = ((self.store or {}).get("items") or {}).get((self.store or {}).get("current")) or {}
        entry = (conv.get("answers") or {}).get(str(len(self.history) - 1))
        if not isinstance(entry, dict) or not isinstance(entry.get("answer"), dict):
            last = self.history[-1] if self.history else None
            raise ServerError(f"chat gave no answer: {str(last)[:200]}")
        return entry["answer"]

    def api(self, question: str, agency: str | None = None, year: int | None = None) -> dict:
        """The /ask endpoint through the queue; the answer dict."""
        return self._run(self.api_fn, [question, agency, year])[0]

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ protocol

    def _run(self, fn_index: int, data: list) -> list:
        from gradio_client.utils import apply_diff

        body = {"data": data, "event_data": None, "fn_index": fn_index, "trigger_id": None,
                "session_hash": self.session}
        r = self.http.post(f"{self.prefix}/queue/join", json=body)
        if r.status_code == 503:
            raise ServerError("queue full")
        r.raise_for_status()
        event_id = r.json()["event_id"]
        values: list | None = None
        with self.http.stream("GET", f"{self.prefix}/queue/data", params={"session_hash": self.session}) as s:
            for line in s.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                kind = msg.get("msg")
                if kind == "unexpected_error":
                    raise ServerError(str(msg.get("message"))[:300])
                if msg.get("event_id") != event_id:
                    continue
                self.events += 1
                if kind == "process_generating":
                    data_out = (msg.get("output") or {}).get("data") or []
                    if values is None:
                        values = list(data_out)
                    else:
                        values = [apply_diff(v, d) for v, d in zip(values, data_out)]
                elif kind == "process_completed":
                    out = msg.get("output") or {}
                    if not msg.get("success", True):
                        raise ServerError(str(out.get("error") or out)[:300])
                    return list(out.get("data") or values or [])
        raise ServerError("event stream ended without a result")


def find_fns(config: dict) -> tuple[int | None, int | None]:
    """(fn_index of the chat box's submit event, fn_index of the named endpoint /ask) from /config."""
    elem = {c["id"]: (c.get("props") or {}).get("elem_id") for c in config.get("components", [])}
    chat = api = None
    for d in config.get("dependencies", []):
        if api is None and d.get("api_name") == "ask":
            api = d["id"]
        if chat is None and (d.get("types") or {}).get("generator") and any(
                elem.get(t[0]) == CHAT_ELEM_ID and t[1] == "submit" for t in d.get("targets", [])):
            chat = d["id"]
    return chat, api


def _is_update(v: Any) -> bool:
    return isinstance(v, dict) and v.get("__type__") == "update"
