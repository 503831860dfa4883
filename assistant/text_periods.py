"""Two figures of one quantity over different periods in one sentence: the year's and the running total.

Reports often print a quantity twice, for the year and since the start (全年关注用户达1077人，…累计总关注用户达2811人;
本年新增关注用户达6986人，累计总关注用户达14453人). A question that names neither period (关注用户有多少) does not say
which one it wants, and either figure alone would be a guess a staff member could copy into a draft. The period
words come from lexicon ``period_words``: groups of words of one period (累计 / 总 / 截至 …, 全年 / 本年 / 新增 …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.lexicon import default_lexicon
from assistant.text_words import next_to_words
from assistant.units import flat_figures, printed_unit, same_unit
from ingest.text import key

_CLAUSE_ENDS = "，。；;,"
_RE_REPORT_YEAR = re.compile(r"\d{2,4}\s*年度?|年度报告|年报")  # the report's year, not a period of the figure
_RE_FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


@dataclass(frozen=True)
class PeriodFigures:
    """The figure found and the other period's figure of the same quantity, each with its clause."""

    clause: str
    other_clause: str
    other_value: int | float


def _period(text: str) -> int | None:
    """The index of the period group whose word the text holds first, else None."""
    t = key(text)
    hits = [(t.find(w), i) for i, group in enumerate(default_lexicon().period_words) for w in group if w in t]
    return min(hits)[1] if hits else None


def _clauses(sentence: str) -> list[str]:
    return [c for c in re.split(f"[{_CLAUSE_ENDS}]", flat_figures(sentence)) if c.strip()]


def _figures(clause: str) -> list[tuple[int | float, str]]:
    """(number, unit printed after it) of each figure of the clause that is no date (2025年1月21日)."""
    out = []
    for m in _RE_FIGURE.finditer(clause):
        unit = printed_unit(clause[m.end():])
        if unit and unit[:1] not in "年月日号时":
            v = float(m.group())
            out.append((int(v) if v.is_integer() else v, unit))
    return out


def other_period(question: str, sentence: str, value: int | float, quantity_words: list[str]) -> PeriodFigures | None:
    """The other period's figure of the quantity asked, when the question names no period and the sentence prints
    the quantity for two periods; None otherwise."""
    if not quantity_words or _period(_RE_REPORT_YEAR.sub("", question)) is not None:
        return None
    clauses = _clauses(sentence)
    mine = next(((c, u) for c in clauses for v, u in _figures(c) if v == value), None)
    if mine is None or not next_to_words(mine[0], quantity_words):
        return None
    clause, unit = mine
    period = _period(clause)
    for c in clauses:
        if c == clause or not next_to_words(c, quantity_words):
            continue
        other = _period(c)
        if other is None or other == period:
            continue
        for v, u in _figures(c):
            if v != value and same_unit(u, unit, question):
                return PeriodFigures(clause.strip(), c.strip(), v)
    return None
