"""A light client of the web app that speaks the browser's own protocol: one staff member, one session.

A page in the browser joins Gradio's queue (``POST /gradio_api/queue/join`` with the event's
``fn_index`` and its session hash) and reads the session's event stream
(``GET /gradio_api/queue/data``) until the event completes; its keep-alive connection is reused.
:class:`StaffClient` does exactly that, so a load test measures the server and not the cost of
``gradio_client`` (which opens a new HTTP client, with a new TLS context, for every call: about
60 ms of client CPU per question, measured with eval/bench_load.py on 2026-12-02).

Two paths:

- ``chat(question)``: the 问答 box's submit event (the generator handler staff use). The event's
  inputs are sent as the page sends them (the chat history, so a staff member's conversation grows
  over the run; the saved conversations too, for a server that takes them); returns the answer dict
  of the turn.
- ``api(question)``: the named endpoint ``/ask`` through the same queue; returns the answer dict.

No Gradio import here: httpx only (and ``gradio_client.utils.apply_diff`` for the streamed diffs). The
page's own script that merges a turn's record into the saved conversations is ``ui.conversations.merge_turn``.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

CHAT_ELEM_ID = "rqa-question"  # the 问答 text box; its submit event is the chat handler
TURN_ELEM_ID = "rqa-turn"  # the hidden box with a turn's record for the saved conversations


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
        self.config = cfg.json()
        self.deps = {d["id"]: d for d in self.config.get("dependencies", [])}
        self.chat_fn, self.api_fn = find_fns(self.config)
        self.chat_inputs, self.chat_outputs = event_io(self.config, self.chat_fn)
        self.beside, self.after, self.on_change = companions(self.config, self.chat_fn)
        self.answered_at: float | None = None  # when the last chat answer was complete (before its follow-ups)
        self.session = uuid.uuid4().hex[:11]
        self.history: list = []
        self.store: Any = None  # the saved conversations (the page's BrowserState), sent back each time
        self.events = 0  # SSE messages read (estimation, starts, generating, completed)
        self.bytes_sent = 0  # request bodies (JSON) of the events run
        self.bytes_received = 0  # their results: the event stream's messages, /run/predict's bodies

    # ------------------------------------------------------------------ paths

    def chat(self, question: str) -> dict:
        """Ask in the chat (the conversation goes on); the answer dict of this turn.

        The event's inputs are filled as the page fills them, by kind (read from /config): the question box, the
        chat history the page shows, the saved conversations (``BrowserState``) when the event takes them; other
        inputs (filters, server-side ``gr.State``) as None. The answer is read from the turn's record (the hidden
        box ``rqa-turn``, merged into the saved conversations as the page's script does) or, from a server before
        2026-12-02, from the saved conversations the event returned."""
        data = self._fill(self.chat_inputs, question)
        out, changed = self._run(self.chat_fn, data, beside=[(i, self._fill(event_io(self.config, i)[0], question))
                                                             for i in self.beside])
        self.answered_at = time.monotonic()
        record = None
        for kind, value in zip(self.chat_outputs, out):
            if kind == "chatbot" and isinstance(value, list):
                self.history = value
            elif kind == "browserstate" and isinstance(value, dict) and not _is_update(value):
                self.store = value
            elif kind == "turn" and isinstance(value, str) and value:
                record = json.loads(value)
        if record is not None:
            from ui.conversations import merge_turn

            self.store = merge_turn(self.store, record)
        conv = ((self.store or {}).get("items") or {}).get((self.store or {}).get("current")) or {}
        entry = (conv.get("answers") or {}).get(str(len(self.history) - 1))
        for fn in [*self.after, *(f for sid in changed for f in self.on_change.get(sid, []))]:
            self._run(fn, self._fill(event_io(self.config, fn)[0], question))  # what the page runs after the answer
        if not isinstance(entry, dict) or not isinstance(entry.get("answer"), dict):
            last = self.history[-1] if self.history else None
            raise ServerError(f"chat gave no answer: {str(last)[:200]}")
        return entry["answer"]

    def load(self) -> None:
        """What the page runs when it opens: its load events (the saved conversations sent once, for the restore),
        the outputs kept as the page keeps them."""
        for d in self.config.get("dependencies", []):
            if d.get("backend_fn") and any(t[1] == "load" for t in d.get("targets", [])):
                kinds = event_io(self.config, d["id"])
                out, _ = self._run(d["id"], self._fill(kinds[0], ""))
                for kind, value in zip(kinds[1], out):
                    if kind == "chatbot" and isinstance(value, list):
                        self.history = value
                    elif kind == "browserstate" and isinstance(value, dict) and not _is_update(value):
                        self.store = value

    def _fill(self, kinds: list[str], question: str) -> list:
        return [question if kind == "question" else self.history if kind == "chatbot"
                else self.store if kind == "browserstate" else None for kind in kinds]

    def api(self, question: str, agency: str | None = None, year: int | None = None) -> dict:
        """The /ask endpoint through the queue; the answer dict."""
        out = self._run(self.api_fn, [question, agency, year])[0][0]
        self.answered_at = time.monotonic()
        return out

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ protocol

    def _run(self, fn_index: int, data: list, beside: list[tuple[int, list]] = ()) -> tuple[list, list]:
        """One event through the queue (or, for an event the page runs at once, ``/run/predict``): its output
        values and the server-side states it changed (whose change events the page then triggers). ``beside``:
        events the page runs at once on the same trigger, sent once this one is queued."""
        from gradio_client.utils import apply_diff

        body = {"data": data, "event_data": None, "fn_index": fn_index, "trigger_id": None,
                "session_hash": self.session}
        raw = json.dumps(body, ensure_ascii=False).encode()
        self.bytes_sent += len(raw)
        headers = {"content-type": "application/json"}
        if not (self.deps.get(fn_index) or {}).get("queue", True):
            r = self.http.post(f"{self.prefix}/run/predict", content=raw, headers=headers)
            r.raise_for_status()
            self.bytes_received += len(r.content)
            return list(r.json().get("data") or []), []
        r = self.http.post(f"{self.prefix}/queue/join", content=raw, headers=headers)
        if r.status_code == 503:
            raise ServerError("queue full")
        r.raise_for_status()
        event_id = r.json()["event_id"]
        for fn, args in beside:
            self._run(fn, args)
        values: list | None = None
        changed: list = []  # per message: the page fires a state's change event for each (ids may repeat)
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
                self.bytes_received += len(line.encode())
                changed.extend((msg.get("output") or {}).get("changed_state_ids") or [])
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
                    return list(out.get("data") or values or []), changed
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


def companions(config: dict, chat_fn: int | None) -> tuple[list[int], list[int], dict[int, list[int]]]:
    """The server events the page runs with a question besides the chat event: those it runs at once on the same
    trigger (the box's submit), those chained after it (``.then``), and by component the change events of
    server-side states (run when the chat changed that state)."""
    deps = config.get("dependencies", [])
    chat = next((d for d in deps if d.get("id") == chat_fn), None) or {}
    triggers = {tuple(t) for t in chat.get("targets", [])}
    beside = [d["id"] for d in deps if d.get("backend_fn") and d["id"] != chat_fn and not d.get("queue", True)
              and triggers & {tuple(t) for t in d.get("targets", [])}]
    after = [d["id"] for d in deps if d.get("backend_fn") and d.get("trigger_after") == chat_fn]
    states = {c["id"] for c in config.get("components", []) if c.get("type") == "state"}
    on_change: dict[int, list[int]] = {}
    for d in deps:
        for cid, event in d.get("targets", []):
            if event == "change" and cid in states and d.get("backend_fn"):
                on_change.setdefault(cid, []).append(d["id"])
    return beside, after, on_change


def event_io(config: dict, fn_index: int | None) -> tuple[list[str], list[str]]:
    """The kinds of an event's inputs and outputs: 'question' (the 问答 box), 'turn' (a turn's record), or the component's type
    ('chatbot', 'browserstate', 'state', 'dropdown', ...)."""
    comps = {c["id"]: c for c in config.get("components", [])}
    dep = next((d for d in config.get("dependencies", []) if d.get("id") == fn_index), None) or {}

    def kind(cid: int) -> str:
        c = comps.get(cid) or {}
        elem = (c.get("props") or {}).get("elem_id")
        return {CHAT_ELEM_ID: "question", TURN_ELEM_ID: "turn"}.get(elem) or str(c.get("type"))

    return [kind(i) for i in dep.get("inputs", [])], [kind(i) for i in dep.get("outputs", [])]


def _is_update(v: Any) -> bool:
    return isinstance(v, dict) and v.get("__type__") == "update"
