"""The reader: question -> Query, asserted on the Query itself (scope, measures, operation, unplaced words).

The corpus here is a list of report identities (agency, year), as the index gives them; no documents are read.
"""

from __future__ import annotations

import pytest

from assistant.reader import read
from tests.assistant.test_lexicon import INFOS


def m(q: str, **kw):
    a = read(q, INFOS, **kw)
    return a, [(x.table, x.rows, x.columns) for x in a.measures]


@pytest.mark.parametrize("q", [
    "淮安市2024年本年新收政府信息公开申请多少件？",
    "请问淮安市2024年新收申请多少件？",  # polite framing
    "麻烦查一下淮安市2024年新收了多少件申请",
    "帮我看看淮安市2024年度新收申请是多少",  # 2024年度
    "新收申请多少件？淮安市2024年",  # the question first
    "淮安市 2024 表三 新收",  # terse keywords
    "请文淮安市24年新收申请多少件？",  # a homophone typo in a filler word; 24年
    "淮安市2024年新收申请总数 total 是多少？",  # English mixed in
])
def test_one_cell_however_asked(q):
    a, ms = m(q)
    assert a.scope.agencies == ["淮安市人民政府"] and a.scope.years == [2024], a.explain()
    assert ms == [("表三", ["new"], ["total"])], a.explain()
    assert not a.measure_like, a.explain()


@pytest.mark.parametrize("q,measure", [
    ("洪泽区2024年行政复议在审的有几件？", ("表四", ["review"], ["pending"])),
    ("洪泽区2024年行政复议未结的有几件？", ("表四", ["review"], ["pending"])),
    ("洪泽区2024年办完的申请有多少？", ("表三", ["total"], ["total"])),
    ("洪泽区2024年企业提出的新申请有几件？", ("表三", ["new"], ["commercial"])),
    ("洪泽区2024年律所的申请有几件？", ("表三", ["new"], ["legal"])),
    ("洪泽区2024年結轉下年度的申請有幾件？", ("表三", ["forward"], ["total"])),  # traditional characters
    ("海东 21 复议", None),
])
def test_synonyms(q, measure):
    a, ms = m(q)
    if measure is not None:
        assert ms == [measure], a.explain()


def test_terse_two_digit_year_names_a_held_year():
    a, ms = m("洪泽 23 复议 维持")
    assert a.scope.years == [2023] and ms == [("表四", ["review"], ["upheld"])], a.explain()


@pytest.mark.parametrize("q,word", [
    ("淮安市2024年撤回的申请有多少件？", "撤回"),
    ("淮安市2024年答复满意率是多少？", "满意率"),
    ("淮安市2024年政务公开办公经费是多少万元？", "经费"),
    ("淮安市2024年被申请行政复议的败诉率是多少？", "败诉"),
])
def test_measure_like_words_are_flagged(q, word):
    a, _ = m(q)
    assert any(word in w for w in a.measure_like), a.explain()


@pytest.mark.parametrize("q", ["淮安市0000年新收申请多少件？", "淮安市99999年新收申请多少件？"])
def test_impossible_years_are_flagged(q):
    a, _ = m(q)
    assert a.scope.invalid_years and not a.scope.years


def test_a_year_the_text_talks_about_is_not_a_report_year():
    a, _ = m("淮安市报告里说到2030年要把哪项指标提高到多少？")
    assert a.scope.years == [] and a.scope.content_years == [2030], a.explain()
    b, _ = m("淮安市2030年新收申请多少件？")
    assert b.scope.missing_years == [2030]


@pytest.mark.parametrize("q,kind,extra", [
    ("淮安市2024年予以公开和部分公开一共多少件？", "sum", [("表三", ["open"], ["total"]), ("表三", ["partial"], ["total"])]),
    ("淮安市2024年行政许可加行政处罚一共多少？", "sum", [("表二", ["licensing"], ["decisions"]), ("表二", ["penalty"], ["decisions"])]),
    ("淮安市2024年予以公开的占比是多少（保留两位小数）？", "share", None),
    ("2024年哪个机关新收申请最多？", "rank", None),
    ("洪泽区2024年新收申请比上年多多少？", "compare", None),
    ("淮安市2024年表三一致吗？", "check", None),
    ("2021年哪些单位的表三一个数字都没填？", "state", None),
])
def test_operations(q, kind, extra):
    a, ms = m(q)
    assert a.operation.kind == kind, a.explain()
    if extra is not None:
        assert ms == extra, a.explain()
    if kind == "share":
        assert a.operation.rounding == 2
    if kind == "compare":
        assert sorted(a.scope.years) == [2023, 2024]


def test_explain_line():
    a, _ = m("淮安市人民政府2024年不予公开的申请合计多少件？")
    line = a.explain()
    assert line.startswith("理解为：淮安市人民政府 · 2024 · 表三 （三）不予公开 合计 · 总计"), line
    d = a.explain_dict()
    assert d["scope"]["agencies"] == ["淮安市人民政府"] and d["measures"][0]["table"] == "表三" and d["text"] == line


def test_explicit_scope_wins_over_filters():
    a, _ = m("洪泽区2023年新收申请多少件？", agency="淮安市人民政府", year=2024)
    assert a.scope.agencies == ["淮安市洪泽区人民政府"] and a.scope.years == [2023]
    assert len(a.scope.overridden) == 2
    b, _ = m("新收申请多少件？", agency="洪泽区", year=2023)
    assert b.scope.agencies == ["淮安市洪泽区人民政府"] and b.scope.years == [2023] and not b.scope.overridden


def test_follow_up_chain_of_three_turns():
    first, _ = m("淮安市人民政府2024年不予公开的申请有多少件？")
    second, ms2 = m("那洪泽区呢？", context=first)
    assert second.scope.agencies == ["淮安市洪泽区人民政府"] and second.scope.years == [2024]
    assert ms2 == [(x.table, x.rows, x.columns) for x in first.measures]
    third, ms3 = m("那2023年呢？", context=second)
    assert third.scope.agencies == ["淮安市洪泽区人民政府"] and third.scope.years == [2023] and ms3 == ms2
    fourth, ms4 = m("其中自然人多少？", context=third)
    assert fourth.scope.years == [2023] and ms4 == [("表三", first.measures[0].rows, ["natural"])], fourth.explain()
