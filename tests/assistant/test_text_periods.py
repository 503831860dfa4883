"""A quantity printed for two periods in one sentence (the year's, and the running total) answers a question naming
neither period with both figures, no single value; a question naming a period gets that period's figure.

Truth read off the documents by hand:
- real/jtj_2025_article.html 一、（一）: …官方微信全年公开政府信息365条，全年关注用户达1077人，截止2025年1月21日，累计发送
  1106条信息，累计总关注用户达2811人 (it was answered 1077 for 关注用户多少人);
- real/scj_2020_article.html 一、（五）: 我局官方微信公众号累计发送了460条信息，本年新增关注用户达6986人，累计总关注用户达
  14453人;
- real/hzs_2024.html 一、（四）: …阅读量2万余人次，关注人数1314人次 (one period only).
"""

from __future__ import annotations

import pytest

from assistant.text_periods import other_period
from tests.assistant.test_narrative import _build

JTJ = ("2025年度门户网站全年公开政府信息181条，官方微信全年公开政府信息365条，全年关注用户达1077人，截止2025年1月21日，"
       "累计发送1106条信息，累计总关注用户达2811人。")


@pytest.mark.parametrize("question,sentence,value,words,other", [
    ("关注用户多少人", JTJ, 1077, ["关注用户"], 2811),
    ("2025年度关注用户多少人", JTJ, 1077, ["关注用户"], 2811),  # 2025年度 is the report's year, not a period
    ("粉丝有多少", "本年度新增粉丝500人，累计粉丝总数3,200人。", 500, ["粉丝"], 3200),
    ("订阅数多少", "截至12月底订阅数达8000个，当年新增订阅数1200个", 8000, ["订阅数"], 1200),
    ("累计关注用户多少", JTJ, 2811, ["关注用户"], None),  # the question names the period
    ("全年关注用户多少", JTJ, 1077, ["关注用户"], None),
    ("发布信息多少条", "本年发布信息350条，累计关注用户2811人", 350, ["发布信息"], None),  # another quantity
    ("关注人数多少", "微信公众号共发布推文57期，发布信息350条，阅读量2万余人次，关注人数1314人次。", 1314, ["关注人数"], None),
    ("注册用户多少", "当年新增注册用户3000人，累计注册用户1.2万人", 3000, ["注册用户"], None),  # 万人 is no 人
    ("关注用户多少人", JTJ, 1077, [], None),  # no quantity word: nothing to compare
])
def test_the_other_periods_figure_of_the_quantity_asked(question, sentence, value, words, other):
    found = other_period(question, sentence, value, words)
    assert (found.other_value if found else None) == other


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return _build(tmp_path_factory, "fake")


@pytest.mark.parametrize("q,figures", [
    ("交通与建设局2025年关注用户多少人", ("1077", "2811")),
    ("交通与建设局2025年官方微信的关注用户有多少？", ("1077", "2811")),
    ("市场监督管理局2020年关注用户有多少", ("6986", "14453")),
])
def test_a_question_naming_no_period_gets_both_figures(qa, q, figures):
    a = qa.ask(q)
    assert a.answerable and a.value is None, a.answer
    head = a.answer.splitlines()[0]
    assert all(f in head for f in figures) and "两个时段" in head, a.answer


@pytest.mark.parametrize("q,value", [
    ("交通与建设局2025年累计关注用户多少人", 2811),
    ("交通与建设局2025年全年关注用户多少", 1077),
    ("市场监督管理局2020年公众号新增粉丝多少人", 6986),
    ("行政审批局2024年微信公众号粉丝数量是多少", 1314),
])
def test_a_question_naming_a_period_gets_its_figure(qa, q, value):
    a = qa.ask(q)
    assert a.answerable and a.value == value, a.answer
