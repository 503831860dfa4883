"""Web-app pieces without a browser: HTML rendering, feedback -> gold, handlers over a fake assistant, /ask API."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant, make_report
from ui import conversations as conv
from ui import render
from ui.chat import CHAT_OUTPUTS
from ui.feedback import FeedbackStore, feedback_to_gold, make_record, read_feedback, to_gold_entry

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _cell_citation(report, row_key="withheld_inquiry", column="total", **over):
    cell = next(c for c in report.cells if c.row == row_key and c.column == column)
    c = {"id": 1, "report_id": report.id, "agency": report.agency, "year": report.year, "source": report.source,
         "page": cell.page, "section": "三、收到和处理政府信息公开申请情况", "table": cell.table, "row": cell.row_label,
         "column": cell.column_label, "value": cell.display_value(), "quote": cell.quote}
    c.update(over)
    return c


def _answer(**over):
    rep = make_report()
    a = {"question": "淮安市2024年因属于行政查询事项不予公开的申请有几件？", "answer": "共105件[1]。", "answerable": True,
         "value": 105, "citations": [_cell_citation(rep)], "warnings": [], "intent": "cell"}
    a.update(over)
    return a


# ---------------------------------------------------------------------- rendering


def test_cards_name_agency_year_table_row_column_value_page_and_quote():
    html = render.citation_cards_html(_answer())
    assert 'data-cite="1"' in html
    for text in ("淮安市人民政府", "2024年", "表三", "三、本年度办理结果（三）不予公开 8.属于行政查询事项", "总计", "105",
                 "第4页", "szfgs2024.pdf"):
        assert text in html, text


def test_cards_escape_user_and_report_text():
    a = _answer(question=EVIL, citations=[_cell_citation(make_report(), agency=EVIL, quote=EVIL, row=EVIL)],
                warnings=[EVIL])
    for html in (render.citation_cards_html(a), render.answer_markdown(a | {"answer": EVIL + "[1]"})):
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;" in html


def test_answer_markdown_shows_warnings_and_citation_badges():
    md = render.answer_markdown(_answer(warnings=["表三未填报（空白），不等于 0。"]))
    assert '<sup class="rqa-ref">[1]</sup>' in md
    assert "表三未填报（空白），不等于 0。" in md and "rqa-warn" in md
    refusal = render.answer_markdown({"question": "q", "answer": "没有这方面的信息。", "answerable": False, "citations": []})
    assert "没有这方面的信息" in refusal and "rqa-refusal" in refusal


def test_label_parts_split_printed_levels():
    assert render.label_parts("三、本年度办理结果（三）不予公开 8.属于行政查询事项") == [
        "三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"]
    assert render.label_parts("三、本年度办理结果（一）予以公开") == ["三、本年度办理结果", "（一）予以公开"]
    assert render.label_parts("一、本年新收政府信息公开申请数量") == ["一、本年新收政府信息公开申请数量"]
    assert render.label_parts("行政诉讼 复议后起诉") == ["行政诉讼 复议后起诉"]


def test_table_highlights_exactly_the_cited_cell():
    rep = make_report()
    html = render.source_panel_html(rep, _cell_citation(rep))
    hits = re.findall(r'<td class="[^"]*rqa-hit[^"]*">([^<]*)</td>', html)
    assert hits == ["105"]
    assert '<tr class="rqa-hitrow">' in html
    assert "法人或其他组织" in html and "（三）不予公开" in html
    assert "未填报" in html  # a blank cell is not shown as 0


def test_find_cell_is_loose_on_row_wording_and_strict_on_column():
    rep = make_report()
    cell = render.find_cell(rep.cells, "表三", "属于行政查询事项", "自然人")
    assert cell is not None and cell.row == "withheld_inquiry" and cell.column == "natural"
    assert render.find_cell(rep.cells, "表三", "属于行政查询事项", "不存在的列") is None
    assert render.find_cell(rep.cells, "表四", "属于行政查询事项", "总计") is None


def test_table_cells_escape_report_text():
    rep = make_report()
    evil = rep.model_copy(update={"cells": [c.model_copy(update={"row_label": EVIL, "column_label": EVIL})
                                            for c in rep.cells]})
    html = render.table_html(evil.cells, "表三")
    assert "<script" not in html and "&lt;script&gt;" in html


def test_paragraph_citation_highlights_the_sentence_and_escapes_the_rest():
    rep = make_report()
    sec = rep.sections[0].children[0]
    c = {"id": 2, "agency": rep.agency, "year": rep.year, "source": rep.source, "page": 2, "section": sec.path,
         "table": None, "row": None, "column": None, "value": None, "quote": "2024年，本机关共收到政府信息公开申请3119件。"}
    html = render.source_panel_html(rep, c)
    assert '<mark class="rqa-hit">2024年，本机关共收到政府信息公开申请3119件。</mark>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # the section text carries a script tag


def test_find_span_ignores_whitespace_differences():
    text = "本机关 共收到\n申请 3119 件。其他。"
    a, b = render.find_span(text, "本机关共收到申请3119件。")
    assert text[a:b].replace(" ", "").replace("\n", "") == "本机关共收到申请3119件。"
    assert render.find_span(text, "完全不相干的一句话") is None


def test_report_rows_and_ingest_summary():
    infos = FakeAssistant().reports()
    rows = render.report_rows(infos)
    assert rows[0][:3] == ["淮安市人民政府", 2024, "szfgs2024.pdf"] and rows[0][6] == "不一致 1 处"
    md = render.ingest_result_markdown([{"path": "/tmp/x/a<b>.pdf", "status": "failed", "reason": "not a report"}])
    assert "✗ 失败" in md and "a&lt;b&gt;.pdf" in md and "not a report" in md


# ---------------------------------------------------------------------- feedback -> gold


def _rec(answer, rating, correct=None, answer_id="a1", ts=1.0):
    r = make_record(answer, answer_id=answer_id, rating=rating, correct_answer=correct)
    r["ts"] = ts
    return r


def test_thumbs_up_number_keeps_answer_and_citations():
    e = to_gold_entry(_rec(_answer(), "up"))
    assert e["answer_type"] == "number" and e["answer"] == "105" and e["answerable"] is True
    assert e["type"] == "table"
    assert e["citations"] == [{"agency": "淮安市人民政府", "year": 2024, "table": "表三",
                               "row": "三、本年度办理结果（三）不予公开 8.属于行政查询事项", "column": "总计"}]


def test_thumbs_up_refusal_and_text():
    refusal = to_gold_entry(_rec({"question": "火星市？", "answer": "无", "answerable": False, "citations": []}, "up"))
    assert refusal["answer_type"] == "refusal" and refusal["answerable"] is False
    text = to_gold_entry(_rec(_answer(value=None, intent="narrative", answer="共105件[1]。"), "up"))
    assert text["answer_type"] == "text" and text["must_include"] == ["105"] and text["type"] == "narrative"


def test_thumbs_down_without_correction_is_skipped_with_correction_used():
    assert to_gold_entry(_rec(_answer(), "down")) is None
    num = to_gold_entry(_rec(_answer(), "down", "共 1,050 件"))
    assert num["answer_type"] == "number" and num["answer"] == "1050" and num["citations"] == []
    text = to_gold_entry(_rec(_answer(), "down", "网站和政务新媒体"))
    assert text["answer_type"] == "text" and text["must_include"] == ["网站和政务新媒体"]
    ref = to_gold_entry(_rec(_answer(), "down", "报告中没有这个数据，无法回答"))
    assert ref["answer_type"] == "refusal" and ref["answerable"] is False


def test_latest_record_per_answer_wins_and_questions_dedupe():
    recs = [_rec(_answer(), "down", answer_id="a1", ts=1), _rec(_answer(), "down", "106", answer_id="a1", ts=2),
            _rec(_answer(question="另一个问题"), "down", answer_id="a2", ts=3),
            _rec(_answer(), "up", answer_id="a3", ts=4)]
    entries, counts = feedback_to_gold(recs)
    assert counts == {"read": 4, "answers": 3, "written": 1, "skipped": 1}
    assert [e["answer"] for e in entries] == ["105"]  # a3 (👍, later) replaces a1's correction for the same question


def test_feedback_store_appends_jsonl(tmp_path):
    store = FeedbackStore(tmp_path / "sub" / "feedback.jsonl")
    store.record(_answer(), answer_id="x", rating="up")
    store.record(_answer(), answer_id="x", rating="down", correct_answer="  ")
    (tmp_path / "sub" / "feedback.jsonl").open("a", encoding="utf-8").write("not json\n")
    recs, bad = read_feedback(tmp_path / "sub" / "feedback.jsonl")
    assert [r["rating"] for r in recs] == ["up", "down"] and recs[1]["correct_answer"] is None and bad == 1


def test_cli_feedback_to_gold(tmp_path):
    from typer.testing import CliRunner

    from ui.cli import _register, app

    _register()
    fb = tmp_path / "fb.jsonl"
    store = FeedbackStore(fb)
    store.record(_answer(), answer_id="a", rating="up")
    store.record(_answer(question="Q2"), answer_id="b", rating="down")
    out = tmp_path / "gold.jsonl"
    res = CliRunner().invoke(app, ["feedback-to-gold", str(fb), str(out), "--json"])
    assert res.exit_code == 0, res.output
    counts = json.loads(res.stdout.strip().splitlines()[-1])
    assert counts["written"] == 1 and counts["skipped"] == 1
    gold = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert gold[0]["question"] == _answer()["question"] and gold[0]["answer"] == "105"
    from eval.metrics import load_gold  # the written file is a valid gold set

    assert len(load_gold(out)) == 1
    missing = CliRunner().invoke(app, ["feedback-to-gold", str(tmp_path / "nope.jsonl"), str(out)])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


# ---------------------------------------------------------------------- handlers over the fake assistant


@pytest.fixture()
def handlers(tmp_path):
    from ui.app import Handlers

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake", upload_max_mb=1)
    return Handlers(FakeAssistant(settings), settings)


def test_chat_streams_then_shows_final_answer_and_cards(handlers, monkeypatch):
    monkeypatch.setattr("ui.chat.STREAM_EVERY_S", 0)  # every delta shown (the coalescing: test_serve_stream.py)
    monkeypatch.setattr("ui.chat.FIRST_STEP_S", 0)  # the placeholder at once
    steps = list(handlers.chat("淮安市2024年因属于行政查询事项不予公开的申请有几件？", [], "全部机关", "全部年度", {}))
    assert len(steps) >= 3  # placeholder, deltas, final
    out = dict(zip(CHAT_OUTPUTS, steps[-1]))
    history, cards, answers, current = out["chatbot"], out["cards"], out["answers"], out["current"]
    assert history[-1]["role"] == "assistant" and "105" in history[-1]["content"]
    assert 'data-cite="1"' in cards and current["answer"]["value"] == 105
    assert answers[str(len(history) - 1)] is current
    store = conv.merge_turn(None, out["turn"])  # the turn's record, merged into the browser's conversations
    assert conv.messages(conv.current(store)) == (history, answers)  # a reload rebuilds exactly this chat
    assert handlers.assistant.asked[-1] == ("淮安市2024年因属于行政查询事项不予公开的申请有几件？", None, None)
    list(handlers.chat("q", [], "淮安市人民政府", "2024", {}))
    assert handlers.assistant.asked[-1] == ("q", "淮安市人民政府", 2024)
    html = handlers.open_citation(current, 1)
    assert "rqa-hit" in html and ">105<" in html


def test_ask_api_returns_the_answer_object(handlers):
    import gradio as gr

    d = handlers.ask_api("淮安市2024年因属于行政查询事项不予公开的申请有几件？", None, None)
    assert {"question", "answer", "answerable", "value", "citations", "warnings"} <= set(d)
    assert d["value"] == 105 and d["citations"][0]["row"].endswith("属于行政查询事项")
    with pytest.raises(gr.Error):
        handlers.ask_api("   ")


@pytest.mark.filterwarnings("ignore::UserWarning")  # gr.Warning outside a request
def test_ingest_checks_type_and_size_and_reports_each_file(handlers, tmp_path):
    good = tmp_path / "新报告.txt"
    good.write_text("报告", encoding="utf-8")
    bad_type = tmp_path / "evil.exe"
    bad_type.write_bytes(b"MZ")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"0" * (1024 * 1024 + 1))
    md = handlers.ingest([str(good), str(bad_type), str(big)])
    assert "新入库 1 个" in md and "2 个文件未能入库" in md and "入库完成" not in md
    assert "不支持的文件类型" in md and "上限" in md
    assert [p.name for p in handlers.assistant.ingested] == ["新报告.txt"]
    stored = list(handlers.upload_dir.glob("*/新报告.txt"))  # content-addressed: <hash>/<original name>
    assert len(stored) == 1 and stored[0].read_text(encoding="utf-8") == "报告"
    rows, ids = handlers.reports_table()
    assert len(rows) == len(ids) == 2


def test_like_records_feedback(handlers):
    import gradio as gr

    out = dict(zip(CHAT_OUTPUTS, list(handlers.chat("淮安市2024年因属于行政查询事项不予公开的申请有几件？", [], None, None,
                                                    {}))[-1]))
    answers, current = out["answers"], out["current"]
    idx = next(iter(answers))
    row, pending, _ = handlers.like(answers, gr.LikeData(None, {"index": idx, "value": "", "liked": False}))
    assert pending is current
    handlers.submit_correction(pending, "106")
    recs, _ = read_feedback(handlers.feedback.path)
    assert [(r["rating"], r["correct_answer"]) for r in recs] == [("down", None), ("down", "106")]
    entries, _ = feedback_to_gold(recs)
    assert entries[0]["answer"] == "106"


def test_eval_views_from_metrics():
    from ui.app import eval_views

    metrics = {"overall": {"n": 4, "answer_accuracy": 0.75, "citation_recall": 1.0, "citation_precision": 0.5,
                           "refusal_accuracy": None, "latency_p50_ms": 3.2, "latency_p95_ms": 9.9},
               "by_type": {"table": {"n": 4, "answer_accuracy": 0.75}}}
    summary, table, chart, misses = eval_views({"metrics": metrics}, "x.jsonl")
    assert "75.0%" in summary
    assert table["value"][0][:3] == ["全部", 4, "75.0%"]
    assert table["value"][1][0] == "表格取值"  # gold types in Chinese
    bars = re.findall(r'rqa-bar-label">([^<]+)</span><span class="rqa-bar-track"><span class="rqa-bar-fill" '
                      r'style="width:([\d.]+)%"></span><span class="rqa-bar-value">([^<]+)<', chart)
    assert bars == [("答案准确率", "75.0", "75.0%"), ("引用召回率", "100.0", "100.0%"), ("引用精确率", "50.0", "50.0%")]


# ---------------------------------------------------------------------- the Gradio app and its /ask endpoint


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_ask_endpoint_over_gradio_client_behind_login(tmp_path):
    from gradio_client import Client

    from ui.app import build_app, launch

    import httpx

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake", auth="staff:pw123")
    app = build_app(FakeAssistant(settings), settings)
    port = _free_port()
    launch(app, settings, port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert httpx.post(url + "gradio_api/call/ask", json={"data": ["q", None, None]}).status_code == 401
        client = Client(url, auth=("staff", "pw123"), verbose=False)
        got = client.predict("淮安市2024年因属于行政查询事项不予公开的申请有几件？", None, None, api_name="/ask")
        assert isinstance(got, dict) and got["value"] == 105 and got["citations"][0]["agency"] == "淮安市人民政府"
        api = client.view_api(print_info=False, return_format="dict")
        assert "/ask" in api["named_endpoints"]  # the UI's own events stay private (/ingest is for scripts)
        assert set(api["named_endpoints"]) <= {"/ask", "/ingest"}
    finally:
        app.close()


def test_auth_is_parsed_strictly():
    from ui.app import parse_auth

    assert parse_auth("staff:s3cr:et") == ("staff", "s3cr:et")
    assert parse_auth(None) is None
    for bad in ("nocolon", ":pw", "user:"):
        with pytest.raises(ValueError):
            parse_auth(bad)


def test_upload_suffixes_match_the_ingester():
    from ingest.indexer import SUPPORTED_SUFFIXES
    from ui.app import ALLOWED_SUFFIXES

    assert set(ALLOWED_SUFFIXES) == set(SUPPORTED_SUFFIXES)
    assert Path("x.HTM").suffix.lower() in ALLOWED_SUFFIXES
