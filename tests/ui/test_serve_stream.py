"""The chat's steps (ui/chat.FIRST_STEP_S, STREAM_EVERY_S): an answer read at once goes out in one step, the
question with it; a slow one shows the question and a placeholder, then its text growing, at most one update per
interval."""

from __future__ import annotations

import time

import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant
from ui.app import Handlers
from ui.chat import CHAT_OUTPUTS

Q = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"  # the fake report's 表三 cell: 105


class SlowStream(FakeAssistant):
    """The fake's answer streamed in pieces ``gap`` seconds apart (a slow narrative answer)."""

    def __init__(self, settings, gap: float):
        super().__init__(settings)
        self.gap = gap

    def ask_stream(self, question, **kw):
        for item in super().ask_stream(question, **kw):
            if isinstance(item, str):
                time.sleep(self.gap)
            yield item


@pytest.fixture
def settings(tmp_path):
    return Settings(index_dir=tmp_path / "idx", embedding_model="fake")


def _run(handlers: Handlers) -> tuple[list[tuple], list[str]]:
    """The chat's steps and the last message's text at each step (the history list is updated in place)."""
    steps, texts = [], []
    for step in handlers.chat(Q, [], None, None, {}):
        steps.append(step)
        texts.append(step[0][-1]["content"])
    return steps, texts


def test_an_answer_read_at_once_is_one_step_with_its_question(settings):
    steps, texts = _run(Handlers(FakeAssistant(settings), settings))
    assert len(steps) == 1
    assert [m["role"] for m in steps[0][0]] == ["user", "assistant"] and Q in steps[0][0][0]["content"]
    assert "105" in texts[0] and "data-cite" in steps[0][CHAT_OUTPUTS.index("cards")]  # the final answer, its cards


def test_a_slow_answer_shows_its_question_and_a_placeholder_first(settings, monkeypatch):
    monkeypatch.setattr("ui.chat.FIRST_STEP_S", 0.05)

    class Slow(FakeAssistant):
        def ask_stream(self, question, **kw):
            time.sleep(0.2)
            yield from super().ask_stream(question, **kw)

    steps, texts = _run(Handlers(Slow(settings), settings))
    assert "正在查找" in texts[0] and Q in steps[0][0][0]["content"]
    assert "105" in texts[-1] and 2 <= len(steps) <= 3  # the pieces came at once after the wait


def test_an_answer_that_fails_in_its_thread_is_said_in_the_chat(settings):
    class Broken(FakeAssistant):
        def ask_stream(self, question, **kw):
            raise RuntimeError("索引读取失败")
            yield  # a generator

    steps, texts = _run(Handlers(Broken(settings), settings))
    assert len(steps) == 1 and texts[0].startswith("✗ 处理时出错")  # one line in the chat, details in the log


def test_a_slow_stream_shows_its_text_growing_at_most_once_per_interval(settings, monkeypatch):
    monkeypatch.setattr("ui.chat.STREAM_EVERY_S", 0.05)
    monkeypatch.setattr("ui.chat.FIRST_STEP_S", 0.02)
    qa = SlowStream(settings, gap=0.03)  # the fake's answer in 7 pieces of 6 characters: 0.21 s
    t0 = time.monotonic()
    steps, texts = _run(Handlers(qa, settings))
    took = time.monotonic() - t0
    deltas = texts[1:-1]
    assert 1 <= len(deltas) < 7  # growing text shown, fewer updates than pieces
    assert all(len(a) < len(b) for a, b in zip(deltas, deltas[1:]))
    assert len(deltas) <= took / 0.05 + 1
    assert "105" in texts[-1]


def test_without_coalescing_every_piece_is_an_update(settings, monkeypatch):
    monkeypatch.setattr("ui.chat.STREAM_EVERY_S", 0)
    monkeypatch.setattr("ui.chat.FIRST_STEP_S", 0)  # the placeholder at once
    qa = FakeAssistant(settings)
    pieces = -(-len(qa.ask(Q).answer) // 6)  # the fake streams its answer six characters at a time
    steps, _ = _run(Handlers(qa, settings))
    assert len(steps) == 2 + pieces  # placeholder, every piece, final


def test_a_page_that_goes_away_stops_its_answer_reader(settings, monkeypatch):
    """Closing the chat's steps early (the browser left mid-answer) stops the shared reader thread at the stream's
    next piece: a reader is not held by an answer nobody reads."""
    import threading

    monkeypatch.setattr("ui.chat.FIRST_STEP_S", 0.02)
    read, closed = [], threading.Event()

    class Endless(FakeAssistant):
        def ask_stream(self, question, **kw):
            try:
                while True:
                    time.sleep(0.01)
                    read.append(1)
                    yield "数"
            finally:
                closed.set()

    steps = Handlers(Endless(settings), settings).chat(Q, [], None, None, {})
    next(steps)  # the placeholder
    steps.close()
    assert closed.wait(2.0), "the stream was not closed"
    n = len(read)
    time.sleep(0.1)
    assert len(read) == n  # nothing read after the close


def test_answer_readers_are_reused_not_one_thread_per_question(settings):
    import threading

    threads = []

    class Seen(FakeAssistant):
        def ask_stream(self, question, **kw):
            threads.append(threading.current_thread())
            yield from super().ask_stream(question, **kw)

    h = Handlers(Seen(settings), settings)
    for _ in range(20):
        _run(h)
    assert len(threads) == 20 and len({id(t) for t in threads}) <= 4  # a few shared readers, not 20 threads
