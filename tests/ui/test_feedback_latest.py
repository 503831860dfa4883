"""Feedback: the latest rating of an answer wins (a 👍 after a 👎-with-correction replaces it, and the other way
round), and what ``feedback-to-gold`` writes as the expected value is the correction, not the system's answer."""

from __future__ import annotations

import json

import gradio as gr
import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant
from ui.chat import CHAT_OUTPUTS
from ui.feedback import correction_number, feedback_to_gold, read_feedback

QUESTION = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"  # the fake answers 105


@pytest.fixture()
def handlers(tmp_path):
    from ui.app import Handlers

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake", feedback_file=tmp_path / "fb.jsonl")
    return Handlers(FakeAssistant(settings), settings)


def _ask(h):
    answers = dict(zip(CHAT_OUTPUTS, list(h.chat(QUESTION, [], None, None, {}))[-1]))["answers"]
    return answers, int(next(iter(answers)))


def _rate(h, answers, idx, liked):
    return h.like(answers, gr.LikeData(None, {"index": idx, "value": "", "liked": liked}))


def _gold(h):
    recs, bad = read_feedback(h.feedback.path)
    assert bad == 0
    return feedback_to_gold(recs)


@pytest.mark.filterwarnings("ignore::UserWarning")  # gr.Info outside a request
def test_thumbs_up_after_a_corrected_thumbs_down_replaces_it(handlers):
    answers, idx = _ask(handlers)
    _, pending, _ = _rate(handlers, answers, idx, False)
    handlers.submit_correction(pending, "应为106件")
    entries, _ = _gold(handlers)
    assert [(e["answer"], e["answer_type"]) for e in entries] == [("106", "number")]
    row, pending, _ = _rate(handlers, answers, idx, True)  # changed their mind: the system was right
    assert pending is None and row["visible"] is False  # the correction box closes
    entries, counts = _gold(handlers)
    assert [e["answer"] for e in entries] == ["105"] and counts["answers"] == 1 and counts["written"] == 1
    assert entries[0]["citations"] and entries[0]["source"].startswith("feedback 👍")


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_corrected_thumbs_down_after_a_thumbs_up_replaces_it(handlers):
    answers, idx = _ask(handlers)
    _rate(handlers, answers, idx, True)
    _, pending, _ = _rate(handlers, answers, idx, False)
    assert (_gold(handlers)[1]["written"], _gold(handlers)[1]["skipped"]) == (0, 1)  # 👎, no correction yet: no entry
    handlers.submit_correction(pending, "不是105件，是107件")
    entries, counts = _gold(handlers)
    assert [(e["answer"], e["answer_type"], e["citations"]) for e in entries] == [("107", "number", [])]
    assert counts == {"read": 3, "answers": 1, "written": 1, "skipped": 0}


@pytest.mark.parametrize("text, value, expected", [
    ("106", 105, "106"),
    ("共 1,050 件", 105, "1050"),
    ("应为106件", 105, "106"),
    ("正确答案是 106 件。", 105, "106"),
    ("淮安市2024年应为106件", 105, "106"),  # the year is not the value
    ("不是105，是106", 105, "106"),  # the system's wrong value is dropped
    ("106或107", 105, None),  # two candidates: not a number, kept as text
    ("网站和政务新媒体", 105, None),
    ("主要通过政府网站公开，共3项", None, None),  # a text answer's correction stays text
])
def test_correction_number(text, value, expected):
    assert correction_number(text, {"value": value}) == expected


def test_cli_writes_the_correction_as_the_expected_value(tmp_path):
    from typer.testing import CliRunner

    from eval.metrics import load_gold
    from ui.cli import _register, app
    from ui.feedback import FeedbackStore

    _register()
    answer = {"question": QUESTION, "answer": "共105件[1]。", "answerable": True, "value": 105, "intent": "cell",
              "citations": [{"agency": "淮安市人民政府", "year": 2024, "table": "表三", "row": "8.属于行政查询事项",
                             "column": "总计", "value": "105"}]}
    fb = tmp_path / "fb.jsonl"
    store = FeedbackStore(fb)
    store.record(answer, answer_id="a", rating="down")
    store.record(answer, answer_id="a", rating="down", correct_answer="应为 98 件")
    out = tmp_path / "gold.jsonl"
    res = CliRunner().invoke(app, ["feedback-to-gold", str(fb), str(out), "--json"])
    assert res.exit_code == 0, res.output
    gold = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(g["question"], g["answer"], g["answer_type"]) for g in gold] == [(QUESTION, "98", "number")]
    assert len(load_gold(out)) == 1
