"""The served app's queue: no per-event monitoring DataFrame (ui/serve_queue.py); and the benchmark's
StaffClient (eval/load_client.py) speaking the browser's queue protocol, chat path and /ask, behind a login."""

from __future__ import annotations

import socket

import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant
from ui.serve_queue import QUEUE_ENV

pytestmark = pytest.mark.slow  # two Gradio servers in this process

Q = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"  # the fake report's 表三 cell: 105


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_and_count(tmp_path, monkeypatch, env: dict[str, str] | None, n: int = 5) -> tuple[int, list[dict]]:
    """Launch the app (login required), ask ``n`` questions over /ask and one in the chat; how often Gradio
    built its monitoring DataFrame, and the answers."""
    import gradio.queueing as gq

    from eval.load_client import StaffClient
    from ui.app import build_app, launch

    for key in QUEUE_ENV:
        monkeypatch.delenv(key, raising=False)  # restored after the test: launch's defaults do not leak
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    built = []
    real = gq.Queue._get_df

    def counting(records):
        built.append(len(records))
        return real(records)

    monkeypatch.setattr(gq.Queue, "_get_df", staticmethod(counting))
    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake", auth="staff:pw123")
    app = build_app(FakeAssistant(settings), settings)
    port = _free_port()
    launch(app, settings, port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = StaffClient(f"http://127.0.0.1:{port}/", auth=("staff", "pw123"))
        answers = [client.api(Q) for _ in range(n)]
        answers.append(client.chat(Q))
        client.close()
    finally:
        app.close()
    return len(built), answers


def test_no_monitoring_dataframe_per_event_and_staff_client_paths(tmp_path, monkeypatch):
    built, answers = _serve_and_count(tmp_path, monkeypatch, None)
    assert built == 0
    assert all(a["value"] == 105 and a["answerable"] for a in answers), answers
    assert all(a["citations"][0]["agency"] == "淮安市人民政府" for a in answers)


def test_gradio_defaults_rebuild_it_after_every_event_and_an_operator_may_keep_them(tmp_path, monkeypatch):
    # Gradio's own defaults, set by the operator: kept (setdefault), and then the frame is rebuilt per event
    built, answers = _serve_and_count(tmp_path, monkeypatch, {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "1",
                                                              "GRADIO_ANALYTICS_MAX_EVENTS": "10000"})
    assert built >= 5
    assert answers[-1]["value"] == 105


def test_staff_client_finds_the_chat_and_ask_events_in_the_config():
    from eval.load_client import find_fns
    from ui.app import build_app

    settings = Settings(index_dir="/nonexistent-idx", embedding_model="fake")
    app = build_app(FakeAssistant(settings), settings)
    cfg = app.get_config_file()
    chat, api = find_fns(cfg)
    assert app.fns[chat].name == "chat" and app.fns[chat].fn.__name__ == "chat"
    assert app.fns[api].api_name == "ask"


def test_sessions_kept_in_memory_are_bounded_by_the_setting(tmp_path):
    import httpx

    from ui.app import build_app, launch

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake", web_sessions=5)
    app = build_app(FakeAssistant(settings), settings)
    port = _free_port()
    launch(app, settings, port=port, prevent_thread_lock=True, quiet=True)
    base = f"http://127.0.0.1:{port}/gradio_api/call/ask"
    try:
        with httpx.Client(timeout=30) as h:
            for _ in range(12):  # each plain-HTTP call is a new session
                eid = h.post(base, json={"data": [Q, None, None]}).json()["event_id"]
                body = h.get(f"{base}/{eid}").text
                assert "event: complete" in body and "105" in body
        assert len(app.state_holder.session_data) <= 5
    finally:
        app.close()


def test_start_up_objects_are_frozen_out_of_collections_and_new_garbage_is_still_collected(tmp_path):
    """ui.serve_queue.freeze_start_up: what the app holds after start-up is no longer walked by a full collection
    (it was, ~0.25 s per collection on a served index); a reference cycle made afterwards is still freed."""
    import gc
    import weakref

    from ingest.settings import Settings
    from tests.ui.fake_assistant import FakeAssistant
    from ui.app import build_app
    from ui.serve_queue import freeze_start_up

    s = Settings(index_dir=tmp_path / "idx", embedding_model="fake", cache_dir=tmp_path / "cache")
    app = build_app(FakeAssistant(s), s)
    try:
        kept = freeze_start_up()
        assert all(o is not app for o in gc.get_objects(generation=2))  # frozen: in no generation a collection walks
        assert kept > 10_000  # the app and everything imported for it

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
