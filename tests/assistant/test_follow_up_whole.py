"""A follow-up that is a whole question of its own is answered as if it had been asked alone.

Every question in the web chat after the first carries the previous turn as context. The class of failure: a
question with its own agency, year and intent (存在哪些问题, 主动公开了哪些内容) took the previous turn's table
measure, and answered 「属于行政查询事项：各项均为 0」 — confidently wrong. Elliptical follow-ups (那2023年呢,
其中自然人多少, 业务动态呢) must still take what they leave out. Truth: the reports themselves (淮安市人民政府 2024,
szfgs2024.pdf 表三 p.4: 本年新收 3119, of them 自然人 3001; 属于行政查询事项 105).
"""

from __future__ import annotations

import pytest

from tests.assistant.test_assistant import _build

FIRST_TURNS = [
    "淮安市2024年因属于行政查询事项不予公开的申请有几件？",  # a table cell
    "淮安市人民政府2024年本年新收申请多少件？",  # a table row
    "张店区机关事务服务中心2021年会议公开信息多少条？",  # a number from the text
    "淮安市人民政府2024年存在的主要问题是什么？",  # a narrative question
]
WHOLE = [  # each names its agency and year and asks something of its own
    "河东区机关事务服务中心2021年政府信息公开工作存在哪些问题？",
    "河东区机关事务服务中心2021年主动公开了哪些内容？",
    "淮安市人民政府2024年下一年度的工作打算有哪些？",
    "东关街道办事处2021年政府信息公开平台建设情况如何？",
    "淮安市人民政府2024年行政复议结果维持的有多少件？",
]


@pytest.fixture(scope="module")
def qa(tmp_path_factory, seeds_dir, raw_dir):
    return _build(tmp_path_factory, seeds_dir, raw_dir, "fake")


def _shown(a) -> tuple:
    return a.answer, a.answerable, a.value, a.intent, [(c.agency, c.year, c.table, c.row, c.column) for c in a.citations]


@pytest.mark.parametrize("second", WHOLE)
def test_a_whole_question_after_any_turn_is_answered_as_alone(qa, second):
    alone = _shown(qa.ask(second))
    for first in FIRST_TURNS:
        prev = qa.ask(first)
        after = qa.ask(second, context=prev.explain)
        assert _shown(after) == alone, (first, second, after.answer[:120])
        assert "指标" not in (after.explain or {}).get("scope", {}).get("from_context", []), (first, second)


def test_elliptical_follow_ups_still_take_what_they_leave_out(qa):
    first = qa.ask("淮安市人民政府2024年本年新收申请多少件？")
    assert first.value == 3119, first.answer
    nat = qa.ask("其中自然人多少？", context=first.explain)
    assert nat.value == 3001, nat.answer
    other = qa.ask("河东区机关事务服务中心2021年呢？", context=first.explain)
    assert other.value == 0 and other.citations and other.citations[0].row == first.citations[0].row, other.answer
    cell = qa.ask("淮安市2024年因属于行政查询事项不予公开的申请有几件？")
    assert cell.value == 105, cell.answer
    # a narrative follow-up with no agency or year keeps the scope, not the measure
    problems = qa.ask("有哪些问题？", context=cell.explain)
    assert problems.intent == "narrative" and problems.value is None, problems.answer
    assert {(c.agency, c.year) for c in problems.citations} == {("淮安市人民政府", 2024)}
