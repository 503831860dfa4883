"""Compositions over numbers the text states: sums and differences across two years or two agencies, the direction
asked, a follow-up that adds the last two answers, English words mixed in.

Truth read off the documents by hand (../shared/corpus/real): jjp_2021_article.html 「全年公开公文类政府信息共118条，其中…
其他应主动公开的政府信息53条」, jjp_2022.html 「累计主动公开政府信息90条，其中…其他应主动公开的政府信息53条」;
htp_2023.html 「门户网站公开政府信息159条，其中…其他应主动公开的政府信息7条」; zrz_2023.html 「全年政府信息主动公开52条」;
hzs_2023.html 「关注人数1022人」, hzs_2024.html 「关注人数1314人次」; scj_2020_article.html 「主动公开政府信息393条」.
seeds/004 (张店区机关事务服务中心 2021) 「会议公开13条」「业务动态28条」.
"""

from __future__ import annotations

import pytest

from assistant.assistant import Assistant, numbers_supported
from ingest.indexer import ingest_paths
from ingest.settings import Settings
from tests.conftest import SHARED


@pytest.fixture(scope="module")
def qa(tmp_path_factory, seeds_dir) -> Assistant:
    real = SHARED / "corpus" / "real"
    if not real.exists():
        pytest.skip(f"shared corpus not found at {real} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    s = Settings(index_dir=tmp_path_factory.mktemp("idx-text"), embedding_model="fake")
    res = ingest_paths(s, [seeds_dir, real])
    assert res.failed == 0 and res.ingested == 15
    return Assistant(s)


def quoted(a) -> set[str]:
    return {c.quote for c in a.citations if c.quote}


@pytest.mark.parametrize("q", ["平潭综合实验区金井片区管理局2022年主动公开的政府信息比2021年减少了多少条？",
                               "金井片区管理局2022年主动公开政府信息比2021年少了几条？",
                               "请问金井片区管理局2022年比2021年主动公开的政府信息减少多少条"])
def test_the_total_of_a_listing_sentence_not_a_part_and_the_direction_asked(qa, q):
    a = qa.ask(q)
    assert a.answerable and a.value == 28, a.answer  # 118 - 90, not 53 - 90 (其他应主动公开的 is a part)
    assert "118" in a.answer and "90" in a.answer and "少 28" in a.answer
    assert numbers_supported(a)


def test_a_difference_against_the_direction_asked_says_so(qa):
    a = qa.ask("金井片区管理局2022年主动公开的政府信息比2021年增加了多少条？")
    assert a.value == -28 and "实际是减少" in a.answer, a.answer


@pytest.mark.parametrize("q", ["平潭综合实验区金井片区管理局2021年和2022年一共主动公开了多少条政府信息？",
                               "金井片区管理局2021年、2022年主动公开政府信息合计多少条？"])
def test_a_sum_over_two_years(qa, q):
    a = qa.ask(q)
    assert a.answerable and a.value == 208, a.answer  # 118 + 90
    assert {c.year for c in a.citations} == {2021, 2022}


@pytest.mark.parametrize("q,value", [
    ("2023年平潭综合实验区海坛片区管理局公开的政府信息比自然资源与生态环境局多多少条？", 107),
    ("2023年自然资源与生态环境局主动公开的信息比海坛片区管理局少多少条？", 107),
])
def test_a_difference_between_agencies_in_the_order_named(qa, q, value):
    a = qa.ask(q)
    assert a.answerable and a.value == value, a.answer  # 159 - 52
    assert "159" in a.answer and "52" in a.answer
    assert not any(x.startswith("其他") for x in quoted(a)), "the rest-category 其他…7条 is no total"


@pytest.mark.parametrize("q", ["平潭综合实验区行政审批局微信公众号关注人数2024年比2023年增加了多少？",
                               "行政审批局2024年微信公众号关注人数比2023年多多少？"])
def test_the_number_next_to_the_measure_words(qa, q):
    a = qa.ask(q)
    assert a.value == 292, a.answer  # 1314 - 1022, not 57期 / 435条 of the same sentence
    assert "1314" in a.answer and "1022" in a.answer


def test_a_quantity_not_in_the_text_is_no_difference(qa):
    a = qa.ask("2023年海坛片区管理局网站访问量比自然资源与生态环境局多多少？")
    assert not a.answerable and a.value is None, a.answer


@pytest.mark.parametrize("q", ["市场监督管理局2020年主动公开信息 total 多少条？",
                               "市场监督管理局2020年主动公开政府信息的total是多少条"])
def test_english_words_are_question_words_not_content(qa, q):
    a = qa.ask(q)
    assert a.answerable and a.value == 393, a.answer


@pytest.mark.parametrize("last", ["两项加起来呢？", "加起来一共多少？", "两者合计多少？"])
def test_a_follow_up_adds_the_last_two_answers(qa, last):
    a1 = qa.ask("张店区机关事务服务中心2021年会议公开信息多少条？")
    a2 = qa.ask("业务动态呢？", context=a1)
    assert a1.value == 13 and a2.value == 28, (a1.answer, a2.answer)
    a3 = qa.ask(last, context=a2)
    assert a3.answerable and a3.value == 41, a3.answer
    assert "13" in a3.answer and "28" in a3.answer and a3.citations
    assert numbers_supported(a3)


def test_a_follow_up_sum_needs_two_answers(qa):
    a1 = qa.ask("张店区机关事务服务中心2021年会议公开信息多少条？")
    a2 = qa.ask("两项加起来呢？", context=a1)
    assert a2.value != 13 + 13 and not (a2.answerable and a2.value is not None and a2.value > 13), a2.answer


@pytest.mark.parametrize("q,more", [
    ("2021年河东区工信局和张店区机关事务服务中心，谁办理的政协提案多？", "河东区工业和信息化局"),  # 2 条 vs 1 件
    ("2021年河东区工信局和张店区机关事务服务中心办理的政协提案哪个少？", "淄博市张店区机关事务服务中心"),
    ("2023年海坛片区管理局和自然资源与生态环境局谁主动公开的政府信息多？", "平潭综合实验区海坛片区管理局"),
])
def test_which_of_two_agencies_has_more_of_a_stated_quantity(qa, q, more):
    a = qa.ask(q)
    assert a.answerable and (f"{more} 2021 年更" in a.answer or f"{more} 2023 年更" in a.answer), a.answer
    assert len({c.agency for c in a.citations}) == 2, "each agency's sentence is cited"
    assert "年1月5日" not in a.answer  # a date's 1 is no count


def test_seed_proposals_cite_the_sentences_that_state_them(qa):
    a = qa.ask("2021年河东区工信局和张店区机关事务服务中心，谁办理的政协提案多？")
    quotes = " ".join(c.quote for c in a.citations)
    assert "办理区政协提案" in quotes and "政协委员会提案" in quotes, quotes


@pytest.mark.parametrize("q,top,value", [
    ("张店区机关事务服务中心2021年公开的85条政务信息中，哪一类最多？", "业务动态", 28),  # seed 004 一、（一）
    ("张店区机关事务服务中心2021年公开的政务信息里最多的是哪一类？", "业务动态", 28),
    ("市场监督管理局2020年主动公开的信息中哪一类最少？", "部门预算决算栏", 4),  # scj_2020: 部门预算决算栏4条
])
def test_the_largest_part_of_a_listing_the_text_states(qa, q, top, value):
    a = qa.ask(q)
    assert a.answerable and a.value == value and f"「{top}」" in a.answer.splitlines()[0], a.answer
    assert a.citations and "其中" in a.citations[0].quote


def test_a_rest_category_on_top_names_the_next_one(qa):
    a = qa.ask("金井片区管理局2021年主动公开的118条政府信息中哪一类最多？")
    assert a.value == 53 and "除「其他」类外" in a.answer and "（46）" in a.answer, a.answer


@pytest.mark.parametrize("q,value", [
    ("落款日期为2024年1月5日的那份自然资源与生态环境局年报，主动公开了多少条政府信息？", 52),  # zrz_2023 signed 2024年1月5日
    ("落款日期为2024年1月24日的海坛片区管理局年报中，微信公众号共推送了多少篇文章？", 877),  # htp_2023: 文章877余篇
    ("成文日期是2024年1月24日的海坛片区管理局年报里，公众号推送了多少篇文章", 877),
])
def test_a_date_that_picks_the_report_is_not_what_is_asked(qa, q, value):
    a = qa.ask(q)
    assert a.answerable and a.value == value, a.answer
    assert "落款" not in a.answer.splitlines()[0]


def test_asking_the_date_itself_still_gives_the_date(qa):
    a = qa.ask("自然资源与生态环境局2023年年报的落款日期是哪天？")
    assert "2024年1月5日" in a.answer, a.answer
