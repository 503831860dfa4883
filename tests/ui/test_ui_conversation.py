"""Scope chips, the override note, follow-ups through the conversation context, conversations kept in the
browser, copy/export without HTML (no browser; tests/ui/fake_assistant.py)."""

from __future__ import annotations

import csv
import io

import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant
from ui import conversations as conv
from ui import export, render, scope_view

Q = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"


@pytest.fixture()
def handlers(tmp_path):
    from ui.app import Handlers

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake")
    return Handlers(FakeAssistant(settings), settings)


def _final(handlers, q, history, answers, store, agency=None, year=None):
    return list(handlers.chat(q, history, agency, year, answers, store))[-1]


def test_chips_name_the_understood_scope_and_the_overridden_filter(handlers):
    hist, _, _, _, answers, cur, _, store, _ = _final(handlers, "淮安市2023年因属于行政查询事项不予公开的申请有几件？", [], {},
                                                      None, agency="测试局", year="2024")
    html = hist[-1]["content"]
    assert "机关</span>淮安市人民政府" in html and "年度</span>2023年" in html
    note = html[html.index("rqa-override"):]
    assert "「机关：测试局」" in note and "「年度：2024」" in note
    assert html.count("已忽略筛选条件") == 0  # the assistant's own warning is not repeated under the note
    assert '<details class="rqa-explain"><summary>理解为：' in html
    plain = scope_view.scope_chips_html({"answer": "x"})
    assert plain == ""  # an answer without explain: no chips, nothing invented


def test_follow_up_passes_the_previous_query_as_context(handlers):
    hist, _, _, _, answers, _, _, store, _ = _final(handlers, Q, [], {}, None)
    assert handlers.assistant.contexts[-1] is None
    hist, _, _, _, answers, _, _, store, _ = _final(handlers, "那2023年呢？", hist, answers, store)
    ctx = handlers.assistant.contexts[-1]
    assert ctx["scope"]["agencies"] == ["淮安市人民政府"] and ctx["scope"]["years"] == [2024]
    assert "沿用上一问：机关" in hist[-1]["content"] and "年度</span>2023年" in hist[-1]["content"]
    hist, _, _, _, answers, _, _, store, _ = _final(handlers, "那2022年呢？", hist, answers, store)
    assert handlers.assistant.contexts[-1]["scope"]["years"] == [2023]  # the chain goes on from the latest turn
    assert len(store["items"]) == 1 and len(store["items"][store["current"]]["answers"]) == 3


def test_conversations_new_rename_delete_and_restore(handlers):
    hist, _, _, _, answers, _, _, store, _ = _final(handlers, Q, [], {}, None)
    first = store["current"]
    assert store["items"][first]["title"].startswith("淮安市2024年")
    shown = handlers.new_conversation(store)
    assert shown[0] == [] and shown[1] == {}
    store = shown[6]
    second = store["current"]
    assert second != first and len(store["items"]) == 2
    store, dd, _ = handlers.rename_conversation(store, first, "  申请数  核对 ")
    assert store["items"][first]["title"] == "申请数 核对"
    chat, ans, store, _ = handlers.restore(conv.select(store, first))  # a reload brings the conversation back
    assert chat == hist and set(ans) == set(answers)
    fresh = handlers.restore(None)  # a new browser: the chat is left alone, never wiped
    assert fresh[2] == conv.empty() and fresh[0] == fresh[1] == {"__type__": "update"}  # gr.skip()
    shown = handlers.delete_conversation(store, first)
    assert first not in shown[6]["items"] and shown[6]["current"] == second
    assert conv.normalise("garbage") == conv.empty() and conv.normalise({"items": {"x": 1}})["items"] == {}


def test_marker_links_carry_answer_and_citation_and_jump_opens_the_source(handlers):
    hist, _, _, _, answers, _, _, _, _ = _final(handlers, Q, [], {}, None)
    entry = answers[str(len(hist) - 1)]
    assert f'href="#rqa-cite-{entry["id"]}-1"' in hist[-1]["content"]
    cards, source, source_phone, current = handlers.jump(answers, f"{entry['id']}-1~123")
    assert current is entry and 'class="rqa-card active"' in cards and "rqa-hit" in source
    assert source_phone == source  # the same panel opens under the answer on a phone
    assert all(x is not None and not isinstance(x, str) for x in handlers.jump(answers, "nope-1"))


def test_copy_and_export_have_no_html_and_spell_out_citations(handlers):
    *_, answers, cur, _, store, _ = _final(handlers, Q, [], {}, None)
    a = cur["answer"]
    for text in (export.answer_text(a), export.answer_text(a, md=True)):
        assert "<" not in text and "rqa-" not in text
        assert "[1] 淮安市人民政府 · 2024年 · 表三" in text and "105" in text
    rows = list(csv.reader(io.StringIO(export.answer_csv(a).lstrip("\ufeff"))))
    assert rows[0][:7] == ["引用", "机关", "年度", "表", "行", "列", "值"] and rows[1][3:7] == [
        "表三", "三、本年度办理结果（三）不予公开 8.属于行政查询事项", "总计", "105"]
    md = export.conversation_markdown("t", [e["answer"] for e in answers.values()])
    assert md.startswith("# t") and "## 第 1 问" in md and "<" not in md
