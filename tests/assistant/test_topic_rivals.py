"""A figure about a rival subject is no answer about the subject asked (lexicon ``topic_rivals``), even when the
title of its section names both: 人大代表建议 and 政协提案 are handled under one heading in most reports, and
their figures are not interchangeable; nor are a WeChat account's, a microblog's and a website's.

Truth read off the documents by hand:
- seeds/001 (河东区工业和信息化局 2021) 一、（一）: 办理区政协提案 2 条; 三、（三）人大代表建议和政协提案办理结果公开情况:
  2021年，我局收到区政协提出的…2条建议，对于区政协委员提出的建议… — no 人大 suggestion is counted anywhere.
"""

from __future__ import annotations

import pytest

from assistant.text_words import rival_subject
from tests.assistant.test_narrative import _build


@pytest.fixture(scope="module")
def qa(tmp_path_factory):
    return _build(tmp_path_factory, "fake")


@pytest.mark.parametrize("sentence,topics,expected", [
    ("2021年，我局收到区政协提出的…2条建议", ["人大"], ("人大", "政协")),
    ("办理区政协提案 2 条", ["代表建议"], ("代表建议", "政协")),
    ("共办理人大代表建议5件、政协提案3件", ["人大"], None),  # both named: the picking of the number decides
    ("办理人大代表建议5件", ["政协"], ("政协", "人大")),
    ("共承办代表建议4件", ["人大"], None),  # another name of the subject asked
    ("政府网站发布信息5500余条", ["微信"], ("微信", "网站")),
    ("官方微博发布信息80条", ["公众号"], ("公众号", "微博")),
    ("通过门户网站和微信公众号发布信息350条", ["微信"], None),
    ("发布信息350条", ["微信"], None),  # no subject named: the section title may still say it
    ("政府网站发布信息5500余条", ["信息处理费"], None),  # a topic without rivals
])
def test_a_sentence_naming_only_a_rival_subject(sentence, topics, expected):
    assert rival_subject(sentence, topics) == expected


@pytest.mark.parametrize("sentence,clause,topics,expected", [
    # a heading glued to its paragraph names both; the figure's clause names the rival alone
    ("（三）人大代表建议和政协提案办理结果公开情况2021年，我局收到区政协提出的…2条建议", "我局收到区政协提出的…2", ["人大"],
     ("人大", "政协")),
    ("共办理人大代表建议5件、政协提案3件", "政协提案3", ["政协"], None),
    ("共办理人大代表建议5件、政协提案3件", "共办理人大代表建议5", ["政协"], ("政协", "人大")),
    ("办理区政协提案，共2件", "共2", ["人大"], ("人大", "政协")),  # the clause names no subject: the sentence
    ("办理人大代表建议，共2件", "共2", ["人大"], None),
])
def test_the_figures_clause_names_its_subject_first(sentence, clause, topics, expected):
    assert rival_subject(sentence, topics, clause) == expected


@pytest.mark.parametrize("q", [
    "河东区工信局2021年人大建议有多少件",
    "河东区工业和信息化局2021年办理人大代表建议多少条",
    "河东区工信局2021年收到几件人大代表建议？",
])
def test_a_rival_subjects_figure_under_a_shared_title_is_refused(qa, q):
    """The only 2 of seeds/001's section on suggestions is 区政协's (it was answered 2 for 人大建议)."""
    a = qa.ask(q)
    assert not a.answerable and a.value is None, a.answer


@pytest.mark.parametrize("q,value", [
    ("河东区工信局2021年政协提案有多少条", 2),
    ("河东区工信局2021年区政协委员提出的建议有几条", 2),
])
def test_the_subject_asked_is_still_answered(qa, q, value):
    a = qa.ask(q)
    assert a.answerable and a.value == value, a.answer
