"""Follow-up questions: a partial Query filled in from the previous turn's Query.

「那2023年呢？」 names only a year: agencies, measures and the operation come from the previous turn.
「淮安市呢？」 names only an agency; 「其中自然人多少？」 names only a column, which replaces the previous
measure's columns. Whatever the follow-up names replaces the previous part; nothing else changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.query import Measure, Query

if TYPE_CHECKING:
    from assistant.reader import Tiled


def merge(q: Query, prev: Query, t: Tiled) -> Query:
    s, ps = q.scope, prev.scope
    named_agency = bool(s.agencies or s.unknown_agencies)
    named_year = bool(s.years or s.missing_years or s.invalid_years)
    if not named_agency and ps.agencies:
        s.agencies = list(ps.agencies)
        s.from_context.append("机关")
    if not named_year and ps.years:
        s.years = list(ps.years)
        s.from_context.append("年度")
    rows_named = any(m.kind in ("row", "group", "rowset", "table") for _, m in
                     t.meanings("row") + t.meanings("group") + t.meanings("rowset") + t.meanings("table"))
    cols_named = any(m.kind in ("column", "colset") for _, m in t.meanings("column") + t.meanings("colset"))
    # the last measure carries over to an elliptical follow-up (那2023年呢, 其中自然人多少) only: a question with a
    # quantity (访问量呢) or content words (存在哪些问题, 主动公开了哪些内容) of its own asks something new
    if prev.measures and not rows_named and not q.measure_like and not q.unplaced:
        cols = _named_columns(t, prev.measures[0].table)
        if cols_named and cols:  # 其中自然人多少: the previous rows, the new columns
            q.measures = [Measure(p.table, list(p.rows), keys, p.row_label, label)
                          for p in prev.measures[:1] for keys, label in cols]
        else:
            q.measures = [m.model_copy(deep=True) for m in prev.measures]
        s.from_context.append("指标")
        q.measure_like = []  # the words of the previous turn were placed there
    if not prev.measures and not q.measures and not rows_named and not cols_named and not q.unplaced:
        q.search_text = prev.search_text or prev.question  # 那2022年呢？ after a question about the text
        q.quantity_words = list(prev.quantity_words)
    elif not prev.measures and not q.measures and not rows_named and not cols_named and q.terms and prev.terms \
            and {"机关", "年度"} <= set(s.from_context):
        # 业务动态呢？ after 会议公开信息多少条: the earlier question, its last term replaced by the follow-up's words
        q.search_text = _replace_term(prev.search_text or prev.question, prev.terms[-1], "".join(q.terms))
        q.quantity_words = []
    q.earlier = ([*prev.earlier, prev.result] if prev.result is not None else list(prev.earlier))[-3:]
    if not q.wants_number and prev.wants_number and not _asks_its_own(t):  # 业务动态呢 still asks the number
        q.wants_number = True
    if s.from_context and s.agencies:
        s.unknown_agencies = []
    return q


def _asks_its_own(t: Tiled) -> bool:
    """The follow-up carries a question word of its own that asks for something other than a number (存在哪些问题)."""
    from assistant.lexicon import default_lexicon

    return any(w in t.text for w in default_lexicon().other_questions)


def _replace_term(question: str, old: str, new: str) -> str:
    from assistant.lexicon import default_lexicon

    text = default_lexicon().norm(question)
    return text.replace(old, new, 1) if old and old in text else f"{new} {text}"


def _named_columns(t: Tiled, table: str) -> list[tuple[list[str], str]]:
    from assistant.lexicon import default_lexicon
    from assistant.query import column_label

    lx = default_lexicon()
    out: list[tuple[list[str], str]] = []
    for _, m in t.meanings("colset"):
        if m.table == table:
            ks = lx.key_set("colset", table, m.key)
            out.append((list(ks.columns), ks.label))
    for _, m in t.meanings("column"):
        if m.table == table:
            out.append(([m.key], column_label(table, m.key)))
    return out
