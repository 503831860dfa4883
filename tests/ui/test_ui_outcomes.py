"""Honest outcomes: an upload with a failed file is not headlined 入库完成; a bad gold file is one Chinese
sentence naming the line and the field, with no folder path."""

from __future__ import annotations

import json

import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant


@pytest.fixture()
def handlers(tmp_path):
    from ui.app import Handlers

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake")
    return Handlers(FakeAssistant(settings), settings, gold_dir=tmp_path)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_failed_file_leads_the_headline(handlers, tmp_path):
    ok = tmp_path / "好报告.txt"
    ok.write_text("报告", encoding="utf-8")
    bad = tmp_path / "坏报告.txt"  # the fake refuses it
    bad.write_text("不是年报", encoding="utf-8")
    md = handlers.ingest([str(ok), str(bad)])
    head = md.splitlines()[0]
    assert "1 个文件未能入库" in head and "入库完成" not in head and "新入库 1 个" in head
    assert "坏报告.txt" in md
    md = handlers.ingest([str(tmp_path / "好报告.txt")])
    assert md.splitlines()[0].startswith("**✓ 入库完成") and "未能入库" not in md.splitlines()[0]


@pytest.mark.parametrize("line, field, words", [
    ({"id": "a", "type": "table", "answerable": True, "answer": "1", "answer_type": "number"}, "question", "缺少该字段"),
    ("{not json", None, "不是有效的 JSON"),
])
def test_bad_gold_file_is_one_sentence_naming_line_and_field(handlers, tmp_path, line, field, words):
    import gradio as gr

    good = {"id": "g1", "question": "淮安市2024年收到多少申请？", "type": "table", "answerable": True, "answer": "1",
            "answer_type": "number"}
    up = tmp_path / "upload-dir-7f3a" / "我的金标准.jsonl"
    up.parent.mkdir()
    up.write_text(json.dumps(good, ensure_ascii=False) + "\n" + (line if isinstance(line, str) else json.dumps(line))
                  + "\n", encoding="utf-8")
    with pytest.raises(gr.Error) as e:
        handlers.run_eval(None, str(up))
    msg = e.value.message
    assert "第 2 行" in msg and words in msg and "我的金标准.jsonl" in msg
    if field:
        assert f"「{field}」" in msg
    assert "upload-dir-7f3a" not in msg and "/" not in msg and msg.count("。") == 1


def test_eval_runs_on_its_own_index_never_the_live_one(tmp_path, monkeypatch, seeds_dir):
    from pathlib import Path

    from ui.app import Handlers

    monkeypatch.setenv("REPORTQA_SHARED", str(seeds_dir.parents[1]))
    settings = Settings(index_dir=tmp_path / "idx", cache_dir=tmp_path / "cache", embedding_model="fake")
    live = FakeAssistant(settings)
    h = Handlers(live, settings, gold_dir=tmp_path)
    gold_lines = (Path(__file__).resolve().parents[2] / "eval" / "gold" / "seeds.jsonl").read_text(
        encoding="utf-8").splitlines()[:3]
    up = tmp_path / "up" / "seeds.jsonl"  # named as the bundled set: its corpus is the seeds folder
    up.parent.mkdir()
    up.write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    summary, table, chart, misses = h.run_eval(None, str(up))
    assert live.asked == []  # the live index was never asked
    assert "评测索引" in summary and "seeds" in summary and "共 5 份报告" in summary
    assert "共 3 题" in summary
    assert any((tmp_path / "cache" / "eval-index").iterdir())
    again, *_ = h.run_eval(None, str(up))  # reused: nothing ingested again
    assert "本次新入库 0" in again


def test_report_detail_says_unreadable_tables_cannot_be_checked():
    from ingest.models import CellState
    from tests.ui.fake_assistant import make_report
    from ui.render import report_detail_markdown

    rep = make_report().model_copy(update={"findings": []})
    md = report_detail_markdown(rep)
    assert "- 表三：✓ 一致" in md and "- 表二：？ 无法核对（未填报或未读出）" in md and "- 表四：？ 无法核对" in md
    blank = rep.model_copy(update={"cells": [c.model_copy(update={"value": None, "state": CellState.blank})
                                             for c in rep.cells]})
    md = report_detail_markdown(blank)
    assert "- 表三：？ 无法核对（未填报或未读出）" in md and "✓ 一致" not in md
