"""A question's traffic in the 问答 tab is the turn's own: the conversations saved in the browser are neither sent
with it nor returned (the server keeps their summary; the page merges each turn's record, ui/conversations.py), the
outputs reset at every question are reset beside the chat event, in the page, and no server-side state the chat
changes is hashed by Gradio at every step of the stream (no .change on it). Measured on the wire with the
benchmark's client (eval/load_client.py), which sends what the page sends."""

from __future__ import annotations

import copy
import json
import socket
import uuid

import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant
from ui import conversations as conv

Q = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"


def _app(tmp_path):
    from ui.app import build_app

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake", feedback_file=tmp_path / "fb.jsonl")
    return build_app(FakeAssistant(settings), settings), settings


def _chat_dep(app) -> tuple[dict, dict]:
    from eval.load_client import find_fns

    cfg = app.get_config_file()
    chat, _ = find_fns(cfg)
    return next(d for d in cfg["dependencies"] if d["id"] == chat), {c["id"]: c for c in cfg["components"]}


def test_the_chat_event_neither_takes_nor_returns_the_saved_conversations(tmp_path):
    app, _ = _app(tmp_path)
    dep, comps = _chat_dep(app)
    kinds = {i: (comps[i]["type"], (comps[i].get("props") or {}).get("elem_id")) for i in dep["inputs"] + dep["outputs"]}
    assert "browserstate" not in {kinds[i][0] for i in dep["inputs"] + dep["outputs"]}
    reset = {"rqa-question", "rqa-source", "rqa-source-m", "rqa-correct-row"}  # reset beside it, at once
    assert not reset & {kinds[i][1] for i in dep["outputs"]}
    cfg = app.get_config_file()
    beside = [d for d in cfg["dependencies"] if d["targets"] == dep["targets"] and d["id"] != dep["id"]]
    assert beside and all(not d["backend_fn"] for d in beside)  # in the page: no request
    assert reset <= {(comps[i].get("props") or {}).get("elem_id") for d in beside for i in d["outputs"]}
    states = {i for i in dep["outputs"] if comps[i]["type"] == "state"}
    watched = {t[0] for d in cfg["dependencies"] for t in d["targets"] if t[1] == "change"}
    assert states and not states & watched  # Gradio would hash such a state before and after every step


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _saved(entry: dict, n_convs: int, n_answers: int) -> dict:
    """A browser's saved conversations: ``n_convs`` of ``n_answers`` answers each, and a new one current."""
    s = conv.empty()
    for i in range(n_convs):
        s, cid = conv.new(s)
        c = s["items"][cid]
        c["title"] = f"第{i}个对话：淮安市2024年申请"
        for k in range(n_answers):
            e = copy.deepcopy(entry)
            e["id"] = uuid.uuid4().hex
            c["answers"][str(2 * k + 1)] = e
    return conv.new(s)[0]


def _turn_bytes(client) -> int:
    sent, received = client.bytes_sent, client.bytes_received
    client.chat(Q)
    return client.bytes_sent - sent + client.bytes_received - received


@pytest.mark.slow  # a Gradio server in this process
def test_a_turn_on_the_wire_does_not_grow_with_the_saved_conversations(tmp_path):
    from eval.load_client import StaffClient
    from ui.app import launch

    app, settings = _app(tmp_path)
    port = _free_port()
    launch(app, settings, port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        fresh = StaffClient(url)
        fresh.load()
        fresh.chat(Q)
        entry = next(iter(fresh.store["items"].values()))["answers"]["1"]
        small = _turn_bytes(fresh)  # the second question of a browser with one conversation

        full = StaffClient(url)
        full.store = _saved(entry, conv.MAX_CONVERSATIONS - 1, 5)
        stored = len(json.dumps(full.store, ensure_ascii=False).encode())
        full.load()  # the page opens: the saved conversations go to the server once, for the restore
        full.chat(Q)
        big = _turn_bytes(full)
        assert full.store["items"][full.store["current"]]["answers"].keys() == {"1", "3"}  # as long as fresh's
        assert len(full.store["items"]) == conv.MAX_CONVERSATIONS  # the page's copy kept every conversation
        labels = len(json.dumps(conv.choices(conv.meta(full.store)), ensure_ascii=False).encode())
        fresh.close()
        full.close()
    finally:
        app.close()
    assert stored > 100_000
    # only the conversation list's labels (in the last step and in the completed message) come on top
    assert big - small <= 2 * labels + 1024, (small, big, labels, stored)


def test_the_queue_sends_places_once_a_second_and_polls_calmly(tmp_path):
    from ui.serve_queue import QUEUE_POLL_S, STATUS_EVERY_S, configure_queue

    app, _ = _app(tmp_path)
    configure_queue(app, default_concurrency_limit=2, max_size=64)
    q = app._queue
    assert q.live_updates is False and q.update_intervals == STATUS_EVERY_S  # not to every page at every start
    assert q.sleep_when_free == QUEUE_POLL_S > 0.001 and q.max_size == 64
