"""Deterministic answers from the table cells: no language model involved.

Every number in an answer comes from a parsed cell, and every contributing
cell is cited (agency, year, table, row, column, page, quote).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Evidence
from assistant.query import CellTarget, Query
from ingest.index import ReportIndex, ReportInfo
from ingest.models import CellState, TableCell
from ingest.template import T2, T3_COLUMN_BY_KEY, T3_COLUMNS, T4, T4_COLUMNS, T4_GROUP_BY_KEY
from ingest.text import format_number


def unit(target: CellTarget) -> str:
    if target.table == T2 and (target.rows == ["fees"] or target.columns == ["amount"]):
        return "万元"
    return "件"


def fmt(v: int | float) -> str:
    if isinstance(v, float):
        v = round(v, 6)
    return format_number(v)


def cell_evidence(info: ReportInfo, cell: TableCell, section: str | None = None) -> Evidence:
    return Evidence(
        kind="cell", report_id=info.report_id, agency=info.agency, year=info.year, source=info.source,
        page=cell.page, section=section or _section_for(cell.table), table=cell.table, row=cell.row_label,
        row_key=cell.row, column=cell.column_label, column_key=cell.column, value=cell.display_value(),
        number=cell.value if cell.state is CellState.number else None, quote=cell.quote)


def _section_for(table: str) -> str:
    return {"表二": "二、主动公开政府信息情况", "表三": "三、收到和处理政府信息公开申请情况",
            "表四": "四、政府信息公开行政复议、行政诉讼情况"}.get(table, "")


@dataclass
class ReportValue:
    info: ReportInfo
    cells: list[TableCell]

    @property
    def missing(self) -> bool:
        """The report has no such cell at all: its table uses the other template's columns (2019 vs 2021)."""
        return not self.cells

    @property
    def unread(self) -> bool:
        """A cell is printed but could not be read (CellState.unread): not 0, not blank."""
        return any(c.state is CellState.unread for c in self.cells)

    @property
    def blank(self) -> bool:
        return not self.cells or any(c.state is not CellState.number for c in self.cells)

    @property
    def value(self) -> int | float | None:
        if self.blank:
            return None
        total = sum(c.value for c in self.cells)  # type: ignore[misc]
        return round(total, 6) if isinstance(total, float) else total

    def evidence(self) -> list[Evidence]:
        cells = self.cells
        if not self.blank and len(cells) > 1 and self.value:
            cells = [c for c in cells if c.value]  # zero cells add nothing to a sum
        return [cell_evidence(self.info, c) for c in cells]


def lookup(index: ReportIndex, infos: list[ReportInfo], target: CellTarget) -> list[ReportValue]:
    ids = [i.report_id for i in infos]
    rows = index.cells(report_ids=ids, table=target.table, rows=target.rows, columns=target.columns)
    by: dict[str, list[TableCell]] = {}
    for rid, c in rows:
        by.setdefault(rid, []).append(c)
    return [ReportValue(i, by.get(i.report_id, [])) for i in infos]


def describe(target: CellTarget) -> str:
    col = f"（{target.column_label}）" if target.column_label and target.column_label != "总计" else ""
    if target.table == T4:
        return f"{target.row_label}「{target.column_label}」"
    if target.table == T2:
        return f"{target.row_label}「{target.column_label}」"
    return f"「{target.row_label}」{col}"


def name(info: ReportInfo) -> str:
    return f"{info.agency} {info.year} 年"


class Cited:
    """Collects evidence and hands out citation markers [n]."""

    def __init__(self) -> None:
        self.evidence: list[Evidence] = []

    def add(self, evs: list[Evidence]) -> str:
        marks = []
        for ev in evs:
            for i, old in enumerate(self.evidence):
                if old.id == ev.id:
                    marks.append(f"[{i + 1}]")
                    break
            else:
                self.evidence.append(ev)
                marks.append(f"[{len(self.evidence)}]")
        return "".join(marks)


def coverage(values: list[ReportValue], all_infos: list[ReportInfo]) -> str:
    years: dict[int, int] = {}
    for v in values:
        years[v.info.year] = years.get(v.info.year, 0) + 1
    parts = "，".join(f"{y} 年 {n} 份" for y, n in sorted(years.items(), reverse=True))
    return f"覆盖索引中 {len(all_infos)} 份报告中的 {len(values)} 份（{parts}）。"


def answer_single(rv: ReportValue, target: CellTarget, cited: Cited) -> tuple[str, int | float | None]:
    u = unit(target)
    if rv.missing:
        return f"{name(rv.info)}报告的{target.table}没有{describe(target)}这一栏（它用另一版模板的表头），无法回答。", None
    if rv.unread:
        evs = [cell_evidence(rv.info, c) for c in rv.cells if c.state is CellState.unread][:1]
        return (f"{name(rv.info)}报告的{target.table}{describe(target)}未能读取（该单元格无法解析，不是 0 也不是空白），"
                f"请查看原文。{cited.add(evs)}"), None
    if rv.blank:
        evs = [cell_evidence(rv.info, c) for c in rv.cells[:1]]
        return f"{name(rv.info)}报告的{target.table}{describe(target)}未填报（空白），这不等于 0。{cited.add(evs)}", None
    v = rv.value
    evs = rv.evidence()
    if len(rv.cells) == 1:
        return f"{name(rv.info)}{describe(target)}为 {fmt(v)} {u}{cited.add(evs)}。", v
    parts = "，".join(f"{_part_label(c, target)} {fmt(c.value)} {u}{cited.add([cell_evidence(rv.info, c)])}"
                      for c in rv.cells if c.value)
    zeros = [cell_evidence(rv.info, c) for c in rv.cells if not c.value]
    rest = f"；其余各项为 0{cited.add(zeros)}" if zeros and parts else ""  # a claim too: cited like the rest
    if not parts:
        cited.add(evs[:3])
        return f"{name(rv.info)}{describe(target)}合计为 0 {u}（各项均为 0）{cited.add(evs[:3])}。", v
    return f"{name(rv.info)}{describe(target)}合计 {fmt(v)} {u}：{parts}{rest}。", v


def _part_label(c: TableCell, target: CellTarget) -> str:
    if len(target.rows) > 1 and len(target.columns) == 1:
        return c.row_label.split(" ")[-1] if c.table != T4 else c.row_label
    if len(target.columns) > 1 and len(target.rows) == 1:
        return c.column_label
    return f"{c.row_label}·{c.column_label}"


def answer_list(values: list[ReportValue], target: CellTarget, cited: Cited) -> str:
    u = unit(target)
    lines = []
    for rv in values:
        if rv.missing:
            lines.append(f"- {name(rv.info)}：无此栏目（该报告用另一版模板的表头）")
        elif rv.unread:
            lines.append(f"- {name(rv.info)}：未能读取（无法解析，不等于 0）"
                         f"{cited.add([cell_evidence(rv.info, c) for c in rv.cells if c.state is CellState.unread][:1])}")
        elif rv.blank:
            lines.append(f"- {name(rv.info)}：未填报（空白，不等于 0）{cited.add([cell_evidence(rv.info, c) for c in rv.cells[:1]])}")
        else:
            lines.append(f"- {name(rv.info)}：{fmt(rv.value)} {u}{cited.add(rv.evidence()[:4])}")
    return f"{describe(target)}：\n" + "\n".join(lines)


def answer_within_report(rv: ReportValue, target: CellTarget, index: ReportIndex, cited: Cited,
                         nonzero_only: bool) -> tuple[str, None]:
    """List the parts of one report's table: the columns of a 表四 group, the rows of a 表三 group, or the applicant columns."""
    t = target
    if t.table == T4:
        cols = [c.key for c in T4_COLUMNS]
        wide = CellTarget(t.table, t.rows, cols, t.row_label, "")
    elif len(t.rows) > 1:
        wide = CellTarget(t.table, t.rows, t.columns, t.row_label, t.column_label)
    elif t.table != T2:
        wide = CellTarget(t.table, t.rows, [c.key for c in T3_COLUMNS], t.row_label, "")
    else:
        wide = t
    rv = lookup(index, [rv.info], wide)[0]
    u = unit(t)
    items = []
    for c in rv.cells:
        if c.state is not CellState.number:
            items.append(f"{_part_label(c, wide)} {c.display_value()}{cited.add([cell_evidence(rv.info, c)])}")
        elif c.value or not nonzero_only:
            items.append(f"{_part_label(c, wide)} {fmt(c.value)} {u}{cited.add([cell_evidence(rv.info, c)])}")
    zero = [_part_label(c, wide) for c in rv.cells if c.state is CellState.number and not c.value]
    tail = f"；{'、'.join(zero)}为 0" if nonzero_only and zero else ""
    return f"{name(rv.info)}{t.row_label}：" + "，".join(items or ["各项均为 0"]) + tail + "。", None


def answer_extreme(values: list[ReportValue], target: CellTarget, cited: Cited, highest: bool,
                   all_infos: list[ReportInfo]) -> tuple[str, int | float | None]:
    filled = [v for v in values if not v.blank]
    if not filled:
        return "所选报告的相关表格都未填报，无法比较。", None
    ranked = sorted(filled, key=lambda v: v.value, reverse=highest)
    best = ranked[0]
    u = unit(target)
    word = "最多" if highest else "最少"
    if len(ranked) > 1 and all(v.value == best.value for v in ranked):
        each = "；".join(f"{name(v.info)} {fmt(v.value)} {u}{cited.add(v.evidence()[:4])}" for v in ranked)
        head, tail = f"{describe(target)}各报告相同，都是 {fmt(best.value)} {u}，没有哪一份{word}：{each}。", ""
    else:
        head = f"{describe(target)}{word}的是 {name(best.info)}：{fmt(best.value)} {u}{cited.add(best.evidence()[:4])}。"
        others = "；".join(f"{name(v.info)} {fmt(v.value)} {u}{cited.add(v.evidence()[:4])}" for v in ranked[1:])
        tail = f"\n其余：{others}。" if others else ""
    tail += _left_out(values, "不参与比较")
    return head + tail + "\n" + coverage(values, all_infos), best.value


def answer_part_extreme(rv: ReportValue, target: CellTarget, cited: Cited,
                        highest: bool) -> tuple[str, int | float | None]:
    """The largest (smallest) part of one report's summed target: 不予处理中哪一项最多."""
    u = unit(target)
    cells = sorted(rv.cells, key=lambda c: c.value, reverse=highest)  # type: ignore[arg-type, return-value]
    best = cells[0].value
    top = [c for c in cells if c.value == best]
    word = "最多" if highest else "最少"
    head = "、".join(f"{_part_label(c, target)}{cited.add([cell_evidence(rv.info, c)])}" for c in top)
    rest = "，".join(f"{_part_label(c, target)} {fmt(c.value)} {u}{cited.add([cell_evidence(rv.info, c)])}"
                    for c in cells[len(top):] if c.value)
    zero = sum(1 for c in cells[len(top):] if not c.value)
    text = f"{name(rv.info)}{describe(target)}中{word}的是{head}：{fmt(best)} {u}。"
    if rest:
        text += f"其余：{rest}" + (f"；另有 {zero} 项为 0。" if zero else "。")
    elif zero:
        text += f"其余 {zero} 项为 0。"
    return text, best


def _left_out(values: list[ReportValue], why: str) -> str:
    """The reports a comparison or sum leaves out, blank tables apart from tables without the column."""
    blank = [v for v in values if v.blank and not v.missing]
    missing = [v for v in values if v.missing]
    text = f"\n未填报（{why}）：{'、'.join(name(v.info) for v in blank)}。" if blank else ""
    if missing:
        text += f"\n无此栏目（用另一版模板的表头，{why}）：{'、'.join(name(v.info) for v in missing)}。"
    return text


def answer_sum(values: list[ReportValue], target: CellTarget, cited: Cited,
               all_infos: list[ReportInfo]) -> tuple[str, int | float | None]:
    filled = [v for v in values if not v.blank]
    u = unit(target)
    if not filled:
        return "所选报告的相关表格都未填报，无法合计。", None
    total = sum(v.value for v in filled)
    total = round(total, 6) if isinstance(total, float) else total
    parts = " + ".join(f"{name(v.info)} {fmt(v.value)}{cited.add(v.evidence()[:4])}" for v in filled)
    text = f"{describe(target)}合计 {fmt(total)} {u}：{parts}。"
    text += _left_out(values, "未计入")
    return text + "\n" + coverage(values, all_infos), total


def answer_compare(values: list[ReportValue], target: CellTarget, cited: Cited,
                   change: bool = False) -> tuple[str, int | float | None]:
    if len(values) < 2:
        return "", None
    a, b = values[0], values[1]
    u = unit(target)
    if a.blank or b.blank:
        which = "、".join(f"{name(v.info)}{'无此栏目' if v.missing else '未填报'}" for v in (a, b) if v.blank)
        return f"{which}，无法比较。", None
    diff = a.value - b.value
    diff = round(diff, 6) if isinstance(diff, float) else diff
    word = "多" if diff > 0 else "少" if diff < 0 else "持平，相差"
    text = (f"{name(a.info)}{describe(target)}为 {fmt(a.value)} {u}{cited.add(a.evidence()[:4])}，"
            f"{name(b.info)}为 {fmt(b.value)} {u}{cited.add(b.evidence()[:4])}；"
            f"前者比后者{word} {fmt(abs(diff))} {u}。")
    if change and a.info.year < b.info.year:  # a change over time: from the earlier year to the later one
        move = "增加" if diff < 0 else "减少" if diff > 0 else "没有变化，变化"
        text = (f"{describe(target)}从{name(a.info)}的 {fmt(a.value)} {u}{cited.add(a.evidence()[:4])}"
                f"到{name(b.info)}的 {fmt(b.value)} {u}{cited.add(b.evidence()[:4])}，{move} {fmt(abs(diff))} {u}。")
    return text, abs(diff)


def group_label(key: str) -> str:
    return T4_GROUP_BY_KEY[key].label if key in T4_GROUP_BY_KEY else T3_COLUMN_BY_KEY.get(key, key)  # type: ignore[return-value]


def answer_table(a: Query, index: ReportIndex, scope: list[ReportInfo], all_infos: list[ReportInfo],
                 cited: Cited) -> tuple[str, int | float | None, list[ReportValue]]:
    t = a.target
    assert t is not None
    values = lookup(index, scope, t)
    if a.intent in ("max", "min") and len(values) > 1:
        text, v = answer_extreme(values, t, cited, a.intent == "max", all_infos)
        return text, v, values
    if a.intent == "compare" and len(values) >= 2:
        ordered = _mention_order(values, a)
        change = re.search(r"增加|增长|减少|下降|变化|涨|降", a.question) is not None
        if change and len({v.info.year for v in ordered[:2]}) == 2:  # 2023年到2024年增加了多少: earlier year first
            ordered = sorted(ordered[:2], key=lambda v: v.info.year) + ordered[2:]
        text, v = answer_compare(ordered, t, cited, change=change)
        return text, v, values
    if a.intent == "sum" and len(values) > 1:
        text, v = answer_sum(values, t, cited, all_infos)
        return text, v, values
    if len(values) == 1 and a.intent in ("max", "min") and len(values[0].cells) > 1 and not values[0].blank:
        text, v = answer_part_extreme(values[0], t, cited, a.intent == "max")
        return text, v, values
    if len(values) == 1:
        if a.intent in ("list", "breakdown"):
            text, v = answer_within_report(values[0], t, index, cited, nonzero_only="不为0" in a.question.replace(" ", "")
                                           or "非零" in a.question or "哪些" in a.question)
            return text, v, values
        text, v = answer_single(values[0], t, cited)
        return text, v, values
    text = answer_list(values, t, cited) + "\n" + coverage(values, all_infos)
    return text, None, values


def _mention_order(values: list[ReportValue], a: Query) -> list[ReportValue]:
    if len(a.years) >= 2:
        order = {y: i for i, y in enumerate(a.years)}
        return sorted(values, key=lambda v: order.get(v.info.year, 99))
    if len(a.agencies) >= 2:
        order = {ag: i for i, ag in enumerate(a.agencies)}
        return sorted(values, key=lambda v: order.get(v.info.agency, 99))
    return values
