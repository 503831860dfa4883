"""Scope chips, the override note, follow-ups through the conversation context, conversations kept in the
browser, copy/export without HTML (no browser; tests/ui/fake_assistant.py)."""

from __future__ import annotations

import csv
import json
import io

import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant
from ui import conversations as conv
from ui import export, render, scope_view
from ui.chat import CHAT_OUTPUTS

Q = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"


@pytest.fixture()
def handlers(tmp_path):
    from ui.app import Handlers

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake")
    return Handlers(FakeAssistant(settings), settings)


class Page:
    """What the page holds between events: the chat, the answers (server state), the server's summary of the
    conversations and the conversations kept in the browser (each turn's record merged, as the page's script does)."""

    def __init__(self, handlers):
        self.h, self.history, self.answers, self.summary, self.store = handlers, [], {}, None, None

    def ask(self, q, agency=None, year=None) -> dict:
        out = dict(zip(CHAT_OUTPUTS, list(self.h.chat(q, self.history, agency, year, self.answers, self.summary))[-1]))
        assert out["shown"] == out["chatbot"]  # the server keeps the chat as shown
        self.history, self.answers, self.summary = out["chatbot"], out["answers"], out["summary"]
        self.store = conv.merge_turn(self.store, out["turn"])
        return out

    def show(self, shown: tuple) -> None:  # (chatbot, answers, current, cards, source, row, store, dropdown, summary)
        self.history, self.answers, self.store, self.summary = shown[0], shown[1], shown[6], shown[8]


def test_chips_name_the_understood_scope_and_the_overridden_filter(handlers):
    html = Page(handlers).ask("淮安市2023年因属于行政查询事项不予公开的申请有几件？", agency="测试局",
                              year="2024")["chatbot"][-1]["content"]
    assert "机关</span>淮安市人民政府" in html and "年度</span>2023年" in html
    note = html[html.index("rqa-override"):]
    assert "「机关：测试局」" in note and "「年度：2024」" in note
    assert html.count("已忽略筛选条件") == 0  # the assistant's own warning is not repeated under the note
    assert '<details class="rqa-explain"><summary>理解为：' in html
    plain = scope_view.scope_chips_html({"answer": "x"})
    assert plain == ""  # an answer without explain: no chips, nothing invented


def test_follow_up_passes_the_previous_query_as_context(handlers):
    page = Page(handlers)
    page.ask(Q)
    assert handlers.assistant.contexts[-1] is None
    page.ask("那2023年呢？")
    ctx = handlers.assistant.contexts[-1]
    assert ctx["scope"]["agencies"] == ["淮安市人民政府"] and ctx["scope"]["years"] == [2024]
    assert "沿用上一问：机关" in page.history[-1]["content"] and "年度</span>2023年" in page.history[-1]["content"]
    page.ask("那2022年呢？")
    assert handlers.assistant.contexts[-1]["scope"]["years"] == [2023]  # the chain goes on from the latest turn
    store = page.store
    assert len(store["items"]) == 1 and len(store["items"][store["current"]]["answers"]) == 3
    assert page.summary["items"][store["current"]]["n"] == 3


def test_conversations_new_rename_delete_and_restore(handlers):
    page = Page(handlers)
    page.ask(Q)
    hist, answers, store = page.history, page.answers, page.store
    first = store["current"]
    assert store["items"][first]["title"].startswith("淮安市2024年")
    assert page.summary["items"][first]["title"] == store["items"][first]["title"]
    shown = handlers.new_conversation(store)
    assert shown[0] == [] and shown[1] == {}
    store = shown[6]
    second = store["current"]
    assert second != first and len(store["items"]) == 2 and shown[8]["current"] == second
    page.show(shown)
    page.ask("那2023年呢？")  # into the new conversation: the page's copy and the server's summary agree
    store = page.store
    assert set(store["items"]) == {first, second} and store["current"] == second
    assert [label for label, _ in conv.choices(page.summary)] == [label for label, _ in conv.choices(store)]
    store, dd, _, summary = handlers.rename_conversation(store, first, "  申请数  核对 ")
    assert store["items"][first]["title"] == "申请数 核对" and summary["items"][first]["title"] == "申请数 核对"
    chat, ans, store, _, summary, shown_kept, views = handlers.restore(conv.select(store, first))  # a reload brings it back
    assert chat == hist == shown_kept and set(ans) == set(answers) and summary["current"] == first
    assert json.loads(views) == {"conv": True}  # 导出对话 enabled after a reload: the conversation has answers
    fresh = handlers.restore(None)  # a new browser: the chat is left alone, never wiped
    assert fresh[2] == conv.empty() and fresh[0] == fresh[1] == {"__type__": "update"}  # gr.skip()
    shown = handlers.delete_conversation(store, first)
    assert first not in shown[6]["items"] and shown[6]["current"] == second and first not in shown[8]["items"]
    assert conv.normalise("garbage") == conv.empty() and conv.normalise({"items": {"x": 1}})["items"] == {}


def test_a_failed_turn_is_kept_and_the_rebuilt_chat_is_the_chat_shown(handlers, monkeypatch):
    page = Page(handlers)
    page.ask(Q)
    monkeypatch.setattr(handlers.assistant, "ask_stream", lambda *a, **k: iter(["半句"]))  # no final answer
    out = page.ask("那2023年呢？")
    assert out["current"] is None and out["chatbot"][-1]["content"].startswith("✗")
    monkeypatch.undo()
    page.ask("那2022年呢？")
    history, answers = conv.messages(conv.current(page.store))
    assert history == page.history and len(history) == 6  # three turns, the failed one in its place
    assert set(answers) == set(page.answers) == {"1", "5"}
    assert page.summary["items"][page.store["current"]]["n"] == 2


def test_a_store_of_the_old_shape_is_read_with_its_failed_turns(handlers):
    page = Page(handlers)
    page.ask(Q)
    e = page.answers["1"]
    old = {"current": "c1", "items": {"c1": {"title": "旧", "created": 1, "updated": 2, "answers": {"3": e},
                                              "history": [{"role": "user", "content": "问一"},
                                                          {"role": "assistant", "content": "✗ 出错"},
                                                          *page.history]}}}
    chat, ans, store, _, summary, _, _ = handlers.restore(old)
    assert chat[:2] == [{"role": "user", "content": "问一"}, {"role": "assistant", "content": "✗ 出错"}]
    assert chat[2:] == page.history and set(ans) == {"3"} and "history" not in store["items"]["c1"]
    assert store["items"]["c1"]["notes"]["1"]["reply"] == "✗ 出错" and summary["items"]["c1"]["n"] == 1


def test_marker_links_carry_answer_and_citation_and_jump_opens_the_source(handlers):
    page = Page(handlers)
    page.ask(Q)
    hist, answers = page.history, page.answers
    entry = answers[str(len(hist) - 1)]
    assert f'href="#rqa-cite-{entry["id"]}-1"' in hist[-1]["content"]
    cards, source, source_phone, current, plain, md, downloads = handlers.jump(answers, f"{entry['id']}-1~123")
    assert current is entry and 'class="rqa-card active"' in cards and "rqa-hit" in source
    assert source_phone == source  # the same panel opens under the answer on a phone
    assert (plain, md, downloads) == handlers.export_views(entry)  # the copy / export views follow it
    assert all(x == {"__type__": "update"} for x in handlers.jump(answers, "nope-1"))  # gr.skip(): nothing moves


def test_copy_and_export_have_no_html_and_spell_out_citations(handlers):
    import json

    page = Page(handlers)
    out = page.ask(Q)
    cur, answers = out["current"], page.answers
    assert (out["plain"], out["md"], out["exports"]) == handlers.export_views(cur)  # with the answer, no file
    for text in (out["plain"], out["md"]):
        assert "<" not in text and "rqa-" not in text
        assert "[1] 淮安市人民政府 · 2024年 · 表三" in text and "105" in text
    downloads = json.loads(out["exports"])
    assert downloads["stem"] == f"回答-{cur['id'][:8]}" and downloads["csv"] == export.answer_csv(cur["answer"])
    rows = list(csv.reader(io.StringIO(downloads["csv"].lstrip("\ufeff"))))
    assert rows[0][:7] == ["引用", "机关", "年度", "表", "行", "列", "值"] and rows[1][3:7] == [
        "表三", "三、本年度办理结果（三）不予公开 8.属于行政查询事项", "总计", "105"]
    saved = json.loads(handlers.conversation_export(answers, page.summary))
    assert saved["name"] == "对话.md" and saved["text"].startswith("# 淮安市2024年")
    assert "## 第 1 问" in saved["text"] and "<" not in saved["text"]
    assert handlers.export_views(None) == ("", "", "")  # nothing shown: the buttons are disabled in the page
