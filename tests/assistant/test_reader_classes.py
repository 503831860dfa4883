"""Classes of questions that a held-out check found misread (2026-12-02), each with several invented wordings:
words of two tables that no one cell joins, 表四 named beside a 表三 hint, "what was the result" questions, a rate
written onto a measure word (办结率), filler adverbs (最后), rounding wordings, and homophone mending that must not
turn an unknown word into a measure (引发 is not 印发).

Reader-level cases use report identities only; the Assistant cases run on the three real PDFs, with the numbers
read off szfgs2024.pdf by hand (表三 p.4–5: 予以公开 1362, （七）总计 3050; 表四 p.5: 行政复议 72 / 64 / 178 / 37 / 351).
"""

from __future__ import annotations

import pytest

from assistant.reader import read
from tests.assistant.test_assistant import _build
from tests.assistant.test_lexicon import INFOS


def measures(a):
    return [(x.table, x.rows, x.columns) for x in a.measures]


@pytest.mark.parametrize("q,words", [
    ("淮安市2024年行政复议的申请人中自然人有几个？", {"表四「行政复议」", "表三「自然人」"}),
    ("淮安市2024年企业申请的行政复议有多少件？", {"表四「行政复议」", "表三「企业」"}),
    ("洪泽区2024年予以公开的申请中被维持的有几件？", {"表四「维持」", "表三「予以公开」"}),
    ("洪泽区2024年行政许可方面的新收申请有多少？", {"表二「行政许可」", "表三「新收」"}),
    ("淮安市2024年自然人提起的行政诉讼有几起？", {"表三「自然人」", "表四「行政诉讼」"}),
])
def test_words_of_two_tables_are_flagged(q, words):
    a = read(q, INFOS)  # either table may be the one read; the other one's word is named
    assert set(a.mismatched) & words, a.explain()
    assert "不在同一张表中" in a.explain()


@pytest.mark.parametrize("q", [
    "淮安市2024年新收申请中自然人有几件？",
    "洪泽区2024年行政复议结果维持的有几件？",
    "洪泽区2024年行政诉讼直接起诉的总计多少？",
    "淮安市2024年收到的申请办结了多少件？",
    "淮安市2024年行政许可本年处理决定数量是多少？",
])
def test_words_of_one_table_are_not_flagged(q):
    a = read(q, INFOS)
    assert not a.mismatched, a.explain()


@pytest.mark.parametrize("q,columns", [
    ("淮安市2024年因政府信息公开申请引发的行政复议有多少件？", ["total"]),
    ("淮安市2024年因依申请公开引起的行政复议结果维持了几件？", ["upheld"]),
    ("淮安市2024年涉及信息公开申请的行政复议，尚未审结的有几件？", ["pending"]),
])
def test_review_named_beside_an_application_hint_reads_table_four(q, columns):
    a = read(q, INFOS)
    assert measures(a) == [("表四", ["review"], columns)], a.explain()
    assert not a.measure_like and not a.mismatched, a.explain()


@pytest.mark.parametrize("q", ["淮安市2024年行政复议的结果是什么？", "淮安市2024年行政复议结果如何？",
                               "淮安市2024年因申请引发的行政复议是什么结果？"])
def test_what_result_is_a_breakdown_of_the_part(q):
    a = read(q, INFOS)
    assert a.operation.kind == "breakdown" and measures(a)[0][:2] == ("表四", ["review"]), a.explain()


@pytest.mark.parametrize("q,word", [
    ("淮安市2024年申请的办结率是多少？", "办结率"),
    ("淮安市2024年政府信息公开申请受理率是多少", "受理率"),
    ("洪泽区2024年结转下年度率为多少？", "结转下年度率"),
])
def test_a_rate_written_onto_a_count_is_not_the_count(q, word):
    a = read(q, INFOS)
    assert word in a.measure_like and word in a.quantity_words, a.explain()


@pytest.mark.parametrize("q,measure", [
    ("淮安市2024年予以公开率是多少？", ("表三", ["open"], ["total"])),
    ("淮安市2024年部分公开率是多少", ("表三", ["partial"], ["total"])),
    ("洪泽区2024年行政复议维持率是多少？", ("表四", ["review"], ["upheld"])),
])
def test_a_rate_of_a_result_part_is_its_share(q, measure):
    a = read(q, INFOS)
    assert a.operation.kind == "share" and measures(a) == [measure], a.explain()
    assert not a.measure_like, a.explain()


@pytest.mark.parametrize("q", ["淮安市2024年收到的申请，最后予以公开的有多少？",
                               "淮安市2024年最终予以公开的申请有几件？",
                               "淮安市2024年实际予以公开了多少件申请？"])
def test_filler_adverbs_are_not_measure_words(q):
    a = read(q, INFOS)
    assert measures(a) == [("表三", ["open"], ["total"])] and not a.measure_like, a.explain()


@pytest.mark.parametrize("q,digits", [
    ("淮安市2024年予以公开占办理结果总计的比例是多少？四舍五入到整数", 0),
    ("淮安市2024年予以公开占办理结果总计的比例，保留到小数点后两位", 2),
    ("淮安市2024年予以公开占办理结果总计的百分比（精确到小数点后一位）", 1),
])
def test_rounding_wordings(q, digits):
    a = read(q, INFOS)
    assert a.operation.kind == "share" and a.operation.rounding == digits, a.explain()
    assert not a.unplaced, a.explain()


@pytest.mark.parametrize("q", ["洪泽区2024年因申请引发的行政诉讼有几起？",
                               "洪泽区2024年引发行政复议的申请有几件？"])
def test_homophone_mending_never_makes_a_measure(q):
    a = read(q, INFOS)  # 引发 (yǐnfā) sounds like 印发, a 表二 column word: it must stay a plain word
    assert not any(m.table == "表二" for m in a.measures), a.explain()


# ------------------------------------------------------------------ through the Assistant, on the real PDFs


@pytest.fixture(scope="module")
def qa(tmp_path_factory, seeds_dir, raw_dir):
    return _build(tmp_path_factory, seeds_dir, raw_dir, "fake")


def test_two_tables_refused_by_name(qa):
    ans = qa.ask("淮安市人民政府2024年行政复议的申请人中自然人有几个？")
    assert not ans.answerable and "不在同一张表中" in ans.answer and "行政复议" in ans.answer, ans.answer


def test_result_question_lists_the_results(qa):
    ans = qa.ask("淮安市人民政府2024年因依申请公开引发的行政复议结果是什么？")
    assert ans.answerable
    for v in ("72", "64", "178", "37"):
        assert v in ans.answer, ans.answer
    assert {c.table for c in ans.citations} == {"表四"}


@pytest.mark.parametrize("q,shown", [("淮安市人民政府2024年予以公开的申请占办理结果总计的比例？四舍五入到整数", "45%"),
                                     ("淮安市人民政府2024年予以公开占办理结果总计的比例，保留两位小数", "44.66%")])
def test_share_rounded_as_asked(qa, q, shown):
    ans = qa.ask(q)  # 1362 ÷ 3050 = 44.656 %
    assert shown in ans.answer and "1362" in ans.answer and "3050" in ans.answer, ans.answer
