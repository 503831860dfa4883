"""The scorer on hand-made answers: numbers, text, lists, refusals, loose citations, precision, aggregation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.metrics import (
    GoldError,
    GoldQuestion,
    aggregate,
    answer_correct,
    citation_matches,
    citation_supports,
    load_gold,
    numbers_in,
    percentile,
    score_question,
    summarize,
)

ROOT = Path(__file__).resolve().parents[2]

CELL = {"agency": "淮安市人民政府", "year": 2024, "table": "表三", "row": "本年新收政府信息公开申请数量", "column": "总计"}


def gold(**kw) -> GoldQuestion:
    base = {"id": "q", "question": "淮安市人民政府2024年本年新收政府信息公开申请多少件？", "type": "table",
            "answerable": True, "answer": "3119", "answer_type": "number", "citations": [CELL]}
    base.update(kw)
    return GoldQuestion.model_validate(base)


def cite(**kw) -> dict:
    c = {"id": 1, "agency": "淮安市人民政府", "year": 2024, "source": "szfgs2024.pdf", "page": 4,
         "section": "三、收到和处理政府信息公开申请情况", "table": "表三",
         "row": "一、本年新收政府信息公开申请数量", "column": "总计", "value": "3119",
         "quote": "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119"}
    c.update(kw)
    return c


def ans(answer: str, answerable: bool = True, value=None, citations=()) -> dict:
    return {"question": "q", "answer": answer, "answerable": answerable, "value": value,
            "citations": list(citations), "warnings": []}


# ---------------------------------------------------------------------------- numbers


def test_number_with_thousands_separator_counts():
    g = gold()
    assert answer_correct(g, ans("淮安市人民政府2024年本年新收申请3,119件。[1]"))[0]
    assert answer_correct(g, ans("共3，119件"))[0]  # full-width separator, NFKC
    assert answer_correct(g, ans("3119件"))[0]


def test_number_is_compared_numerically_not_as_substring():
    g = gold(answer="96171.6")
    assert answer_correct(g, ans("收费金额为96,171.60万元"))[0]
    assert answer_correct(g, ans("见表", value=96171.60))[0]
    assert not answer_correct(g, ans("收费金额为96171.65万元"))[0]
    # 0 is not "in" 2021, and 31 is not "in" 3119
    assert not answer_correct(gold(answer="0"), ans("2021年共3119件"))[0]
    assert not answer_correct(gold(answer="31"), ans("共3119件"))[0]
    assert answer_correct(gold(answer="0"), ans("2021年新收申请0件"))[0]


def test_citation_markers_are_not_numbers_of_the_answer():
    assert numbers_in("共5件[1][2]，另见[3, 4]") == [5]
    assert not answer_correct(gold(answer="1"), ans("未填报[1]"))[0]


def test_value_alone_is_enough_and_wrong_value_does_not_hide_text():
    g = gold()
    assert answer_correct(g, ans("答案见引用", value=3119))[0]
    assert answer_correct(g, ans("共3119件", value=95))[0]
    ok, why = answer_correct(g, ans("共95件", value=95))
    assert not ok and "3119" in why


def test_answerable_question_refused_is_wrong_even_if_number_appears():
    ok, why = answer_correct(gold(), ans("语料中没有3119这个数", answerable=False))
    assert not ok and "refused" in why


# ---------------------------------------------------------------------------- text / list / refusal


def test_text_needs_every_must_include():
    g = gold(answer_type="text", answer="…", must_include=["未填报", "表三"], citations=[])
    assert answer_correct(g, ans("该报告表三 未 填报任何数字"))[0]  # whitespace ignored
    ok, why = answer_correct(g, ans("该报告表三为0"))
    assert not ok and "未填报" in why


def test_list_needs_every_item():
    g = gold(answer_type="list", answer="…", items=["3119", "21", "95"], citations=[])
    assert answer_correct(g, ans("淮安市3,119件；洪泽区2023年21件；2024年95件"))[0]
    assert not answer_correct(g, ans("淮安市3119件；洪泽区2023年21件"))[0]


def test_refusal():
    g = gold(answerable=False, answer_type="refusal", answer="无法回答", citations=[])
    assert answer_correct(g, ans("语料中没有该信息。", answerable=False))[0]
    ok, why = answer_correct(g, ans("共95件", answerable=True))
    assert not ok and "refusing" in why


# ---------------------------------------------------------------------------- citations


def test_loose_citation_matching():
    assert citation_matches(CELL, cite())
    # agency: substring of the returned agency
    assert citation_matches({**CELL, "agency": "洪泽区"}, cite(agency="淮安市洪泽区人民政府"))
    assert not citation_matches({**CELL, "agency": "淮安市洪泽区人民政府"}, cite(agency="洪泽区"))
    # row: substring after removing spaces and punctuation ("一、" prefix, quotes, full-width brackets)
    assert citation_matches({"row": "三安全一稳定"}, cite(row="3.危及“三安全 一稳定”"))
    assert citation_matches({"section": "总体情况"}, cite(section="一、总体情况 / （二）依申请公开情况"))
    # column and table: equal (after the same normalisation), not substring
    assert not citation_matches({**CELL, "column": "总计"}, cite(column="总计（合计）"))
    assert citation_matches({**CELL, "column": "法律服务机构"}, cite(column=" 法律服务机构 "))
    assert not citation_matches({**CELL, "table": "表三"}, cite(table="表四"))
    # year: equal; a string year from JSON is fine
    assert citation_matches(CELL, cite(year="2024"))
    assert not citation_matches(CELL, cite(year=2023))
    # a given field missing from the returned citation fails the match; absent expected fields are free
    assert not citation_matches(CELL, {"id": 1, "source": "szfgs2024.pdf"})
    assert citation_matches({"agency": "淮安市人民政府", "year": 2024, "table": "表三"}, cite(row=None, column=None))


def test_met_and_unmet_citations_any_returned_citation_may_meet():
    g = gold(citations=[CELL, {**CELL, "column": "自然人"}])
    s = score_question(g, ans("3119件", citations=[cite(id=1, column="商业企业"), cite(id=2)]))
    assert [c["column"] for c in s.met] == ["总计"]
    assert [c["column"] for c in s.unmet] == ["自然人"]
    assert s.to_dict()["citation_recall"] == 0.5


def test_precision_support_definition():
    g = gold()
    # matches an expected citation
    assert citation_supports(g, cite())
    # another cell, but its value is the expected number
    assert citation_supports(g, cite(row="（七）总计", column="总计", value="3,119", quote=""))
    # narrative sentence quoting the number
    assert citation_supports(g, {"id": 1, "agency": "淮安市人民政府", "year": 2024, "section": "一、总体情况",
                                 "quote": "全年共收到申请3119件"})
    # unrelated cell: no
    assert not citation_supports(g, cite(row="上年结转政府信息公开申请数量", value="34", quote="二、上年结转 34"))
    # naive-style citation (source only): no
    assert not citation_supports(g, {"id": 1, "source": "szfgs2024.pdf"})
    # text questions: only expected matches count, quotes with numbers do not
    t = gold(answer_type="text", answer="…", must_include=["3119"])
    assert not citation_supports(t, cite(row="（七）总计", value="3119"))
    assert citation_supports(t, cite())


def test_precision_is_pooled_over_answerable_questions_only():
    g1 = gold(id="a")
    g2 = gold(id="b", answerable=False, answer_type="refusal", answer="无", citations=[])
    s1 = score_question(g1, ans("3119件", citations=[cite(id=1), cite(id=2, row="上年结转", value="34", quote="34")]))
    s2 = score_question(g2, ans("无法回答", answerable=False, citations=[cite()]))  # returned but refused: ignored
    m = aggregate([s1, s2])
    assert m["citation_precision"] == 0.5
    assert m["counts"]["citations_returned"] == 2
    assert m["refusal_accuracy"] == 1.0
    assert m["answer_accuracy"] == 1.0


# ---------------------------------------------------------------------------- aggregation


def test_aggregate_by_type_refusals_and_latency():
    qs = [gold(id="t1", type="table"), gold(id="t2", type="table", answer="95"),
          gold(id="r1", type="refusal", answerable=False, answer_type="refusal", answer="无", citations=[]),
          gold(id="r2", type="refusal", answerable=False, answer_type="refusal", answer="无", citations=[])]
    got = [ans("3119件", citations=[cite()]), ans("无", answerable=False),
           ans("无", answerable=False), ans("共5件", answerable=True)]
    scores = [score_question(q, a, latency_ms=ms) for q, a, ms in zip(qs, got, [10, 20, 30, 40])]
    s = summarize(scores)
    o = s["overall"]
    assert o["n"] == 4 and o["answer_accuracy"] == 0.5
    assert o["citation_recall"] == 0.5  # 1 of 2 expected citations (t2's is unmet)
    assert o["refusal_accuracy"] == 0.5
    assert o["false_refusal_rate"] == 0.5
    assert o["latency_p50_ms"] == 25.0
    assert o["latency_p95_ms"] == pytest.approx(38.5)
    assert s["by_type"]["table"]["answer_accuracy"] == 0.5
    assert s["by_type"]["refusal"]["citation_recall"] is None
    assert s["by_type"]["refusal"]["refusal_accuracy"] == 0.5


def test_error_is_scored_wrong():
    s = score_question(gold(), None, latency_ms=5.0, error="RuntimeError: boom")
    assert not s.correct and s.error and s.unmet == [CELL]
    assert aggregate([s])["counts"]["errors"] == 1


def test_percentile():
    assert percentile([], 50) is None
    assert percentile([7.0], 95) == 7.0
    assert percentile([1, 2, 3, 4], 50) == 2.5


# ---------------------------------------------------------------------------- gold files


def test_gold_sets_load():
    for name in ("seeds.jsonl", "pdfs.jsonl"):
        qs = load_gold(ROOT / "eval" / "gold" / name)
        assert len(qs) > 50
        assert all(q.expected_value is not None for q in qs if q.answer_type == "number")


def test_bad_gold_lines_are_reported_with_line_numbers(tmp_path):
    good = {"id": "a", "question": "?", "type": "table", "answerable": True, "answer": "5", "answer_type": "number"}
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps(good) + "\n" + json.dumps({**good, "id": "b", "answer": "五"}) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"g.jsonl:2: .*number"):
        load_gold(p)
    p.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="duplicate id"):
        load_gold(p)
    p.write_text(json.dumps({**good, "answer_type": "refusal"}) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="refusal"):
        load_gold(p)
    p.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(GoldError, match="not JSON"):
        load_gold(p)


def test_strict_accuracy_does_not_count_a_wrong_value_rescued_by_quoted_text():
    g = gold(answer="53")
    got = ans("据报告原文，相关数字为 3119：全市共受理申请3119件，其中商业企业53件", value=3119)
    s = score_question(g, got)
    assert s.correct and not s.correct_strict  # the contract's rule: the number appears in the answer
    assert score_question(g, ans("53件", value=53)).correct_strict
    assert score_question(g, ans("共53件")).correct_strict  # no value: the text rule
    m = aggregate([s])
    assert m["answer_accuracy"] == 1.0 and m["answer_accuracy_strict"] == 0.0


# ---------------------------------------------------------------------------- confidently wrong


def _refusal_gold(id_: str = "r", type_: str = "unanswerable") -> GoldQuestion:
    return gold(id=id_, type=type_, answerable=False, answer_type="refusal", answer="无", citations=[])


def test_confidently_wrong_is_an_answer_that_is_wrong():
    wrong_number = score_question(gold(), ans("共3001件", citations=[cite()]))
    assert wrong_number.confidently_wrong  # answered, wrong
    answered_unanswerable = score_question(_refusal_gold(), ans("共105件", citations=[cite()]))
    assert answered_unanswerable.confidently_wrong  # a cited number for a question the corpus cannot answer
    assert not score_question(gold(), ans("3119件")).confidently_wrong  # right
    assert not score_question(gold(), ans("语料中没有该信息", answerable=False)).confidently_wrong  # false refusal
    assert not score_question(_refusal_gold(), ans("无法回答", answerable=False)).confidently_wrong  # right refusal
    assert not score_question(gold(), None, error="RuntimeError: boom").confidently_wrong  # an error is not an answer
    assert score_question(gold(), ans("共3001件")).to_dict()["confidently_wrong"] is True


def test_confidently_wrong_overall_and_by_type():
    qs = [gold(id="t1"), gold(id="t2"), gold(id="t3", type="share", answer="44.7"),
          _refusal_gold("r1"), _refusal_gold("r2")]
    got = [ans("3119件"), ans("3001件"), ans("比例为44.66%"), ans("共5件"), ans("无", answerable=False)]
    s = summarize([score_question(q, a) for q, a in zip(qs, got)])
    o = s["overall"]
    assert o["confidently_wrong"] == pytest.approx(3 / 5)  # t2, t3 (rounding not as asked) and r1
    assert o["counts"]["confidently_wrong"] == 3 and o["counts"]["answered_unanswerable"] == 1
    assert s["by_type"]["table"]["confidently_wrong"] == pytest.approx(1 / 2)
    assert s["by_type"]["share"]["confidently_wrong"] == 1.0
    assert s["by_type"]["unanswerable"]["confidently_wrong"] == pytest.approx(1 / 2)
    # refusals never count, whatever the question
    o2 = aggregate([score_question(q, ans("无", answerable=False)) for q in qs])
    assert o2["confidently_wrong"] == 0.0 and o2["false_refusal_rate"] == 1.0


def test_confidently_wrong_in_report_and_chart(tmp_path):
    from eval.report import render_chart, render_markdown

    qs = [gold(id="t1"), _refusal_gold("r1")]
    scores = [score_question(qs[0], ans("3119件", citations=[cite()])), score_question(qs[1], ans("共5件"))]
    m = summarize(scores)
    metrics = {"run": {"gold": {"name": "g.jsonl"}, "git": {}, "machine": {}, "model": {}},
               "systems": {"reportqa": {"overall": m["overall"], "by_type": m["by_type"]}}}
    md = render_markdown(metrics, [{"system": "reportqa", **x.to_dict()} for x in scores], chart=None)
    header = next(line for line in md.splitlines() if line.startswith("| system |"))
    row = next(line for line in md.splitlines() if line.startswith("| reportqa |"))
    cols = [c.strip() for c in header.strip("|").split("|")]
    vals = [c.strip() for c in row.strip("|").split("|")]
    assert vals[cols.index("confidently wrong")] == "50.0% (1/2)"
    assert "CONFIDENTLY WRONG" in md  # the r1 row of the misses table
    png = render_chart(metrics, tmp_path / "c.png")
    assert png.stat().st_size > 1000


# ---------------------------------------------------------------------------- must_include_any, context


def test_must_include_any_needs_one_of_its_strings():
    g = gold(answer="空白", answer_type="text", must_include_any=["未填", "空白"], citations=[])
    assert answer_correct(g, ans("该格为空白，不是0。"))[0]
    assert answer_correct(g, ans("该格未填写。"))[0]
    ok, why = answer_correct(g, ans("该格为0。"))
    assert not ok and "未填" in why
    both = gold(answer="x", answer_type="text", must_include=["8"], must_include_any=["不一致", "对不上"], citations=[])
    assert answer_correct(both, ans("对不上：8+1=9，总计8"))[0]
    assert not answer_correct(both, ans("一致：总计8"))[0]  # has 8, lacks every one of the any-list
    assert not answer_correct(both, ans("不一致"))[0]  # has one of the any-list, lacks 8
    with pytest.raises(ValueError):
        gold(answer="x", answer_type="text", citations=[])  # a text item needs one of the two lists


def test_context_is_read_from_the_gold_line():
    g = gold(context=["平潭综合实验区行政审批局2023年新收政府信息公开申请多少件？"], question="那2024年呢？")
    assert g.context == ["平潭综合实验区行政审批局2023年新收政府信息公开申请多少件？"]
    assert gold().context == []


class _Answer:
    def __init__(self, text: str, query: object) -> None:
        self.text, self.query = text, query

    def to_json_dict(self) -> dict:
        return ans(self.text, citations=[cite()])


class _ContextAssistant:
    """Stands in for Assistant: remembers what ``context`` each ask got."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def ask(self, question: str, *, agency=None, year=None, context=None):
        self.calls.append((question, context))
        return _Answer("28件" if context is not None else "7件", query=("Q", question))


class _OldAssistant:
    def ask(self, question: str, *, agency=None, year=None):
        return _Answer("7件", query=None)


def _system(assistant):
    from eval.runner import ReportQASystem, takes_context

    s = ReportQASystem.__new__(ReportQASystem)
    s.assistant, s.build_seconds = assistant, 0.0
    s.supports_context = takes_context(assistant.ask)
    return s


def test_runner_passes_the_previous_turn_as_context():
    from eval.runner import run_system

    q = gold(id="fu", type="followup", answer="28", question="那2024年呢？",
             context=["平潭综合实验区行政审批局2023年新收政府信息公开申请多少件？"])
    a = _ContextAssistant()
    [s] = run_system(_system(a), [q], warmup=False)
    assert s.correct and s.context_passed is True
    assert a.calls == [(q.context[0], None), ("那2024年呢？", ("Q", q.context[0]))]  # the earlier turn's query
    assert aggregate([s])["counts"]["context_not_passed"] == 0


def test_runner_without_a_context_api_asks_alone_and_says_so():
    from eval.runner import run_system

    q = gold(id="fu", type="followup", answer="28", question="那2024年呢？", context=["…2023年新收多少件？"])
    plain = gold(id="t")
    scores = run_system(_system(_OldAssistant()), [q, plain], warmup=False)
    assert scores[0].context_passed is False and not scores[0].correct
    assert scores[1].context_passed is None  # a question without context is not a follow-up
    assert aggregate(scores)["counts"]["context_not_passed"] == 1
