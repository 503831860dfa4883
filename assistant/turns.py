"""Answers over the earlier turns of a conversation: 「两项加起来呢？」 adds the last two answers.

Each answered turn leaves its value and the evidence it rests on in its Query (``Query.result``); a follow-up's Query
carries the earlier ones (``Query.earlier``). The sum is computed from those values only, and cites what each of
them was read from — the same cells or sentences the earlier answers cited.
"""

from __future__ import annotations

from assistant.lexicon import default_lexicon
from assistant.models import Answer, Evidence
from assistant.query import Query, TurnResult
from assistant.table_answers import Cited, fmt
from ingest.text import numbers_in


def result_of(question: str, ans: Answer, evidence: list[Evidence]) -> TurnResult | None:
    """What an answered turn leaves for the next one (None when it gave no single value)."""
    if not ans.answerable or ans.value is None:
        return None
    v = fmt(ans.value)
    holding = [e for e in evidence if e.value == v or (e.kind == "text" and v in numbers_in(e.quote))]
    return TurnResult(question=question, value=ans.value, unit=_unit(ans.answer, ans.value),
                      evidence=(holding or evidence)[:8])  # a sum of cells: every cell; a sentence: the one stating it


def label(a: Query) -> str:
    """How a later sum names this turn: the question, or for a follow-up what it was read as (部分公开呢？ ->
    淮安市人民政府 2024 · 表三 部分公开 · 总计)."""
    if a.search_text:
        return a.search_text
    if a.scope.from_context and a.measures:
        who = "、".join(a.scope.agencies)
        years = "、".join(str(y) for y in a.scope.years)
        return " · ".join(x for x in (who, years, "；".join(m.explain() for m in a.measures)) if x)
    return a.question


def _unit(text: str, value: int | float) -> str:
    v = fmt(value)
    for u in default_lexicon().count_units:  # (the longest first: 人次 before 人)
        if f"{v} {u}" in text or f"{v}{u}" in text:
            return u
    return ""


def sum_of_turns(a: Query, cited: Cited) -> tuple[str, int | float | None]:
    """The last two answered turns, added; each cited by what it was read from."""
    got = [r for r in a.earlier if r.value is not None][-2:]
    units = {r.unit for r in got}
    if len(got) < 2:
        return "前面没有两个可以相加的答案，请写明要相加的两项。", None
    if len(units) > 1:
        shown = "；".join(f"「{r.question}」{fmt(r.value)} {r.unit}" for r in got)  # type: ignore[arg-type]
        return f"前两问的答案单位不同（{shown}），不能相加。", None
    unit = units.pop()
    parts = [f"「{r.question}」{fmt(r.value)}{(' ' + unit) if unit else ''}{cited.add(r.evidence)}"  # type: ignore
             for r in got]
    total = got[0].value + got[1].value  # type: ignore[operator]
    total = round(total, 6) if isinstance(total, float) else total
    return (f"前两问的答案相加：{'，'.join(parts)}；合计 {fmt(got[0].value)} + {fmt(got[1].value)} = "  # type: ignore
            f"{fmt(total)}{(' ' + unit) if unit else ''}。"), total
