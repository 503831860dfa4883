"""Shares over the base the question names, and consistency questions about one claim, on the shared corpus.

Truth read off the documents by hand: 淮安市人民政府 2024 (szfgs2024.pdf): 正文 p.2 「全市共受理政府信息公开申请3119件，
答复3050件」 and 「行政诉讼46件，其中结果维持25件」; 表三 p.4 予以公开 1362, 本年新收 3119, （七）总计 3050; 表四 p.5
结果维持 直接起诉 13, 复议后起诉 12. 洪泽区 2024 (hzq2024_working.pdf p.3): 本年新收 95, 予以公开 50, 部分公开 9,
不予公开 1+1+1, 本机关不掌握 31 (无法提供 32), 不予处理 1, （七）总计 95.
"""

from __future__ import annotations

import pytest

from assistant.assistant import numbers_supported
from tests.assistant.test_assistant import _build


@pytest.fixture(scope="module")
def qa(tmp_path_factory, seeds_dir, raw_dir):
    return _build(tmp_path_factory, seeds_dir, raw_dir, "fake")


def rows(a):
    return {c.row for c in a.citations if c.row}


# ------------------------------------------------------------------ shares over a named base

@pytest.mark.parametrize("q,value", [
    ("淮安市人民政府2024年予以公开的申请占新收申请的百分之几？", 43.7),  # 1362 / 3119
    ("淮安市2024年予以公开的占本年新收政府信息公开申请数量的比例是多少？保留两位小数", 43.67),
    ("请问淮安市人民政府2024年予以公开占到新收申请的多少？", 43.7),
    ("洪泽区2024年本机关不掌握的申请占新收申请的百分之几？保留一位小数。", 32.6),  # 31 / 95
])
def test_share_over_the_base_the_question_names(qa, q, value):
    a = qa.ask(q)
    assert a.answerable and a.value == value, a.answer
    assert any("本年新收" in r for r in rows(a)), rows(a)
    assert not any("（七）总计" in r for r in rows(a)), "the base named is 新收, not 办理结果总计"
    assert numbers_supported(a)


@pytest.mark.parametrize("q", ["淮安市人民政府2024年予以公开的申请占办理结果总计的百分之几？",
                               "淮安市人民政府2024年予以公开占比是多少？"])
def test_share_over_the_results_total(qa, q):
    a = qa.ask(q)
    assert a.value == 44.7, a.answer  # 1362 / 3050
    assert any("（七）总计" in r for r in rows(a)) and not any("本年新收" in r for r in rows(a))


# ------------------------------------------------------------------ a claim quoted from the text

@pytest.mark.parametrize("q,number,row", [
    ("淮安市人民政府2024年正文说答复3050件，和表三办理结果总计一致吗？", "3050", "（七）总计"),
    ("淮安市2024年报告里说受理申请3119件，跟表三本年新收对得上吗？", "3119", "本年新收"),
    ("淮安市人民政府2024年正文说答复3050件，对得上吗？", "3050", "（七）总计"),  # no table item named: the text's
])
def test_a_quoted_number_is_checked_first_and_both_sides_cited(qa, q, number, row):
    a = qa.ask(q)
    head = a.answer.splitlines()[0]
    assert "一致" in head and "不一致" not in head and number in head, a.answer
    kinds = {(c.table is None, bool(c.section and "总体情况" in c.section)) for c in a.citations}
    assert (True, True) in kinds, "the sentence of the text that states the number is cited"
    assert any(row in (c.row or "") and c.value == number for c in a.citations), a.citations


def test_a_claim_over_two_cells_shows_the_sum(qa):
    a = qa.ask("淮安市人民政府2024年正文说行政诉讼结果维持25件，和表四对得上吗？")
    head = a.answer.splitlines()[0]
    assert "一致" in head and "13" in head and "12" in head and "25" in head, head
    upheld = {(c.row, c.value) for c in a.citations if c.column == "结果维持"}
    assert {("行政诉讼 未经复议直接起诉", "13"), ("行政诉讼 复议后起诉", "12")} <= upheld, upheld


@pytest.mark.parametrize("q", ["淮安市人民政府2024年正文说答复3000件，和表三办理结果总计一致吗？",
                               "洪泽区2024年报告说新收申请90件，与表三相符吗？"])
def test_a_claim_the_table_contradicts_is_said_so(qa, q):
    a = qa.ask(q)
    head = a.answer.splitlines()[0]
    assert "不一致" in head, a.answer
    assert "没有找到" in a.answer  # the text never says so either


@pytest.mark.parametrize("q", ["洪泽区2024年各项办理结果相加等于办理结果总计吗？",
                               "洪泽区2024年各项办理结果之和与（七）总计相等吗？",
                               "洪泽区2024年办理结果加起来和总计对得上吗？"])
def test_results_adding_up_to_the_total(qa, q):
    a = qa.ask(q)
    head = a.answer.splitlines()[0]
    assert "等于" in head and "不等于" not in head and "95" in head, a.answer
    for part in ("50", "9", "32"):
        assert part in head
    assert "正文与表格不一致" not in head  # a notice about another rule is no headline here
    assert {"三、本年度办理结果（一）予以公开", "三、本年度办理结果（七）总计"} <= rows(a)


def test_a_question_on_the_whole_table_keeps_the_blanket_verdict(qa):
    a = qa.ask("淮安市人民政府2024年表三数据一致吗？")
    assert "勾稽关系成立" in a.answer.splitlines()[0], a.answer


def test_a_follow_up_adds_two_table_answers(qa):
    a1 = qa.ask("淮安市人民政府2024年予以公开的申请有多少件？")
    a2 = qa.ask("部分公开呢？", context=a1)
    a3 = qa.ask("两项加起来呢？", context=a2)
    assert (a1.value, a2.value, a3.value) == (1362, 454, 1816), a3.answer
    assert {c.row for c in a3.citations} == {"三、本年度办理结果（一）予以公开", "三、本年度办理结果（二）部分公开"}
    assert "部分公开" in a3.answer  # the follow-up is named by what it was read as, not 「部分公开呢？」 alone
    assert numbers_supported(a3)
