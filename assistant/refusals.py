"""Refusals that name what was not understood: a quantity the template has no cell for (撤回, 答复满意率), an agency
or year the corpus does not hold, a question nothing in the reports answers."""

from __future__ import annotations

import difflib

from assistant.holdings import views_of
from assistant.lexicon import default_lexicon
from assistant.models import Answer
from assistant.query import Query, column_label, row_label
from assistant.table_answers import name
from assistant.units import UnitConflict
from ingest.index import ReportInfo

SUGGESTED = 3


def closest_items(word: str, table: str | None = None) -> list[str]:
    """The template items whose wordings are closest to a word (for the refusal's offer)."""
    lx = default_lexicon()
    scored: dict[str, float] = {}
    for surf, ms in lx.surfaces.items():
        for m in ms:
            if m.kind not in ("row", "group", "column") or (table and m.table != table):
                continue
            try:
                label = f"{m.table}「{row_label(m.table, m.key) if m.kind == 'row' else column_label(m.table, m.key) if m.kind == 'column' else lx.labels[(m.kind, m.table, m.key)]}」"
            except KeyError:
                continue
            r = difflib.SequenceMatcher(None, word, surf).ratio()
            if r > scored.get(label, 0):
                scored[label] = r
    ranked = sorted(scored.items(), key=lambda kv: -kv[1])
    return [label for label, r in ranked[:SUGGESTED] if r > 0]


def unplaced_refusal(a: Query) -> Answer | None:
    """A table question with a word in the place of a quantity that no row or column of the template has."""
    if not a.measure_like or not a.measures or a.operation.kind in ("narrative", "check", "state", "unit"):
        return None
    words = "、".join(f"「{w}」" for w in dict.fromkeys(a.measure_like))
    offer = closest_items(a.measure_like[0], a.measures[0].table)
    near = f"表格中相近的项目有：{'、'.join(offer)}。" if offer else ""
    return Answer(question=a.question, answerable=False, intent="refusal",
                  answer=f"年报的表格中没有{words}这一项，无法回答（不会用相近的单元格代替）。{near}"
                         f"如要问其中某一项，请换用表格里的名称。")


HOLDINGS_SHOWN = 40  # agencies listed by name in a refusal; beyond that, a count


def holdings(infos: list[ReportInfo]) -> str:
    """What the corpus holds, for a refusal: 机关（年份、年份年）；… (built only when refusing)."""
    years: dict[str, set[int]] = {}
    for i in infos:
        years.setdefault(i.agency, set()).add(i.year)
    parts = [f"{a}（{'、'.join(str(y) for y in sorted(ys))}年）" for a, ys in sorted(years.items())]
    if len(parts) > HOLDINGS_SHOWN:
        parts = parts[:HOLDINGS_SHOWN] + [f"等共 {len(parts)} 个机关（reportqa reports 列出全部）"]
    return "；".join(parts)


def scope_refusal(a: Query, infos: list[ReportInfo]) -> Answer | None:
    """An agency or year the question names that is unclear, invalid or not in the corpus."""
    if a.scope.ambiguous and not a.scope.agencies:
        which = "；".join(f"「{w}」可能指：{'、'.join(c)}" for w, c in a.scope.ambiguous.items())
        return Answer(question=a.question, answerable=False, intent="refusal",
                      answer=f"问题中的机关不明确。{which}。请写明是哪一个机关再问。")
    unread = [w for w in dict.fromkeys(a.unplaced) if len(w) >= 2 and w.endswith(default_lexicon().agency_endings)]
    if unread and not a.agencies:  # 交建局: a name no agency of the corpus is known by, not a table item
        return Answer(question=a.question, answerable=False, intent="refusal",
                      answer=f"没有识别出问题中的机关「{'、'.join(unread)}」，无法回答。请写出机关全称或常用简称再问。"
                             f"现有报告：{holdings(infos)}。")
    if a.scope.invalid_years:
        return Answer(question=a.question, answerable=False, intent="refusal",
                      answer=f"「{'、'.join(a.scope.invalid_years)}」不是有效的报告年份，无法回答。现有报告：{holdings(infos)}。")
    if a.unknown_agencies and not a.agencies:
        who = "、".join(a.unknown_agencies)
        return Answer(question=a.question, answerable=False, intent="refusal",
                      answer=f"语料中没有「{who}」的报告，无法回答。现有报告：{holdings(infos)}。")
    if a.years:
        pool = views_of(infos).years_of(a.agencies)  # the years held for the agencies named (all, when none is)
        missing = [y for y in a.years if y not in pool]
        if missing and (a.intent != "compare" or len(missing) == len(a.years)) or not any(y in pool for y in a.years):
            who = "、".join(a.agencies) or "任何机关"
            years = "、".join(str(y) for y in sorted(pool)) or "无"
            return Answer(question=a.question, answerable=False, intent="refusal",
                          answer=f"语料中没有{who}{'、'.join(str(y) for y in missing or a.years)}年的报告，无法回答。"
                                 f"{'该机关' if a.agencies else '语料'}现有年份：{years}。现有报告：{holdings(infos)}。")
    return None


def not_found(q: str, a: Query, scope: list[ReportInfo]) -> Answer:
    """Nothing in the reports in scope answers the question (naming the quantity words it looked for)."""
    where = "、".join(sorted({name(i) for i in scope})) if len(scope) <= 4 else f"{len(scope)} 份报告"
    words = list(dict.fromkeys(a.quantity_words or a.measure_like))
    what = (f"报告的表格中没有{'、'.join(f'「{w}」' for w in words)}这一项，正文中也没有找到与之相邻的数字。"
            if words else "")
    return Answer(question=q, answerable=False, intent="refusal",
                  answer=f"{what}在{where}中没有找到能回答这个问题的内容，语料中没有这方面的信息。")


def unit_refusal(a: Query, unit: str) -> Answer:
    """A count asked in a unit the table does not count in (依申请公开信息多少条: 表三 counts applications in 件) and
    stated nowhere in the text: no cell is given in its place."""
    read = "、".join(dict.fromkeys(f"{m.table}「{m.row_label}」" for m in a.measures[:2]))
    return Answer(question=a.question, answerable=False, intent="refusal",
                  answer=f"问题问的是多少「{unit}」，而{read}统计的是申请或案件的件数（件），不是{unit}数；报告正文中也没有找到"
                         f"以「{unit}」计的相应数字，无法回答（不会用件数代替）。如要问件数，请问「……多少件」。")


def mismatch_refusal(a: Query) -> Answer | None:
    """A question joining cell words of two tables (行政复议的申请人中自然人): no cell has both; the parts are named."""
    if not a.mismatched or not a.measures or a.operation.kind in ("narrative", "check", "state", "unit"):
        return None
    read = "；".join(f"{m.table}「{m.row_label}」" for m in a.measures[:2])
    return Answer(question=a.question, answerable=False, intent="refusal",
                  answer=f"问题中的{'、'.join(a.mismatched)}与{read}不在同一张表中，没有一个单元格同时对应它们，"
                         f"无法用表格回答（不会用相近的单元格代替）。请分开来问，或换用同一张表里的项目。")


class UnitRefusal(Answer):
    """A refusal because the text prints the figure in another unit than the one asked (kept as such through the
    text path of a table question: its reason is the one to give)."""


def text_unit_refusal(q: str, c: UnitConflict) -> Answer:
    """A count asked in one unit (多少条) whose figure the text prints in another (政府信息公开行政复议351件): the
    figure is quoted, not given as the answer."""
    why = (f"只是以「{c.printed}」计的约数，不是确切的{c.asked}数" if c.printed.endswith(c.asked)  # 2.9万余次
           else f"单位不同，所计的可能不是同一种东西（不会把以「{c.printed}」计的数字当作{c.asked}数）")
    return UnitRefusal(question=q, answerable=False, intent="refusal",
                       answer=f"问题问的是多少「{c.asked}」，而报告正文中相应的数字以「{c.printed}」计（「{c.quote}」），"
                              f"{why}，无法回答。如要问这个数字，请问「……多少{c.printed}」。")
