"""Answers about the tables themselves rather than one of their numbers.

- which reports left a table blank, or filled it with nothing but 0
  (未填报 is not 0: the two lists are kept apart);
- the unit a table states in its header (本年收费金额（单位：万元，保留4位小数）).

Like every table answer, these read the parsed cells and cite them.
"""

from __future__ import annotations

import re

from assistant.query import CellTarget, Query
from assistant.table_answers import Cited, cell_evidence, describe, lookup, name
from ingest.index import ReportIndex, ReportInfo
from ingest.models import CellState, TableCell
from ingest.template import T2, T3, T4
from ingest.text import format_number

_RE_UNIT_NOTE = re.compile(r"[（(]\s*单位\s*[:：]\s*([^）)]+)[）)]")
_CITE_ROW = {T3: ("new", "total"), T4: ("review", "total")}


def _cells_by_report(index: ReportIndex, infos: list[ReportInfo], table: str) -> dict[str, list[TableCell]]:
    by: dict[str, list[TableCell]] = {i.report_id: [] for i in infos}
    for rid, c in index.cells(report_ids=list(by), table=table):
        by[rid].append(c)
    return by


def _representative(cells: list[TableCell], table: str) -> TableCell | None:
    """The cell to cite for a whole table: its first total (本年新收 · 总计 for 表三), else its first cell."""
    row, col = _CITE_ROW.get(table, ("", ""))
    return next((c for c in cells if c.row == row and c.column == col), None) or (cells[0] if cells else None)


def table_state_answer(a: Query, index: ReportIndex, scope: list[ReportInfo],
                       cited: Cited) -> tuple[str, None]:
    """Which reports left ``a.table_state_table`` blank, and which filled it with zeros only.

    Asked for blank tables, it names those (cited) and counts the rest; asked for all-zero tables, it names
    those and also the blank ones (both cited), since a blank table must not be mistaken for zeros."""
    table = a.table_state_table or T3
    by = _cells_by_report(index, scope, table)
    states: dict[str, list[tuple[ReportInfo, TableCell | None]]] = {"blank": [], "zero": [], "other": []}
    for info in sorted(scope, key=lambda i: (i.year, i.agency)):
        cells = by.get(info.report_id, [])
        numbers = [c for c in cells if c.state is CellState.number]
        state = "blank" if not numbers else "zero" if all(c.value == 0 for c in numbers) else "other"
        states[state].append((info, _representative(cells, table)))

    def names(items: list[tuple[ReportInfo, TableCell | None]]) -> str:
        return "、".join(f"{name(i)}{cited.add([cell_evidence(i, c)]) if c is not None else ''}" for i, c in items)

    blank, zero, other = states["blank"], states["zero"], states["other"]
    if len(scope) == 1:  # one report: say what its table is, whichever state was asked
        what = ("未填报（空白），这不等于 0" if blank else "已填报，各项全部为 0（不是空白）" if zero
                else "已填报，且有非 0 的数字")
        return f"{names(blank or zero or other)}的{table}{what}。", None
    head = f"在 {len(scope)} 份报告中，"
    if a.table_state == "blank":
        if not blank:
            return head + f"没有哪份报告的{table}是空白未填报的。", None
        text = head + f"{table}未填报（空白，不等于 0）的是：{names(blank)}。"
        filled = len(zero) + len(other)
        if filled:
            text += f"其余 {filled} 份报告的{table}均已填报（其中 {len(zero)} 份全部为 0）。"
        return text, None
    text = head + (f"{table}已填报且全部为 0 的是：{names(zero)}。" if zero else f"没有哪份报告的{table}全部为 0。")
    if blank:
        text += f"{names(blank)}的{table}未填报（空白），不算作 0。"
    if other:
        text += f"其余 {len(other)} 份报告的{table}有非 0 数字。"
    return text, None


ROWS_SHOWN = 3  # reports answered row by row; more is a table, not an answer


def table_rows_answer(a: Query, index: ReportIndex, scope: list[ReportInfo], cited: Cited) -> tuple[str, None]:
    """Which rows of a report's table total 0 (or not): 表三 by its 总计 column, 表四 by each part's 总计."""
    table = a.table_state_table or T3
    if len(scope) > ROWS_SHOWN:
        return (f"这个问题要逐行列出{table}，请指定机关和年度（现在的范围有 {len(scope)} 份报告）。", None)
    by = _cells_by_report(index, scope, table)
    parts = []
    for info in sorted(scope, key=lambda i: (i.agency, i.year)):
        cells = by.get(info.report_id, [])
        if table == T4:  # 15 cells, three parts: every cell counts (a printed 总计 can disagree with its parts)
            numbers = [c for c in cells if c.state is CellState.number]
            if numbers:
                parts.append(_t4_rows(info, numbers, a.table_state == "nonzero", cited))
                continue
        numbers = [c for c in cells if c.column == "total" and c.state is CellState.number]
        if not numbers:
            parts.append(f"{name(info)}报告的{table}未填报（空白），无从判断哪些行为 0。")
            continue
        if a.table_state == "nonzero":
            hits = [c for c in numbers if c.value]
            items = "；".join(f"{c.row_label} {c.display_value()}{cited.add([cell_evidence(info, c)])}" for c in hits)
            parts.append(f"{name(info)}{table}「总计」不为 0 的行（{len(hits)} 行）：{items or '无'}。")
        else:
            hits = [c for c in numbers if c.value == 0]
            items = "；".join(f"{c.row_label}{cited.add([cell_evidence(info, c)])}" for c in hits)
            parts.append(f"{name(info)}{table}「总计」为 0 的行（{len(hits)} / {len(numbers)} 行）：{items or '无'}。")
    return "\n".join(parts), None


def _t4_rows(info: ReportInfo, numbers: list[TableCell], nonzero: bool, cited: Cited) -> str:
    groups: dict[str, list[TableCell]] = {}
    for c in numbers:
        groups.setdefault(c.row_label, []).append(c)
    if nonzero:
        hits = [c for c in numbers if c.value]
        items = "；".join(f"{c.row_label} · {c.column_label} {c.display_value()}{cited.add([cell_evidence(info, c)])}"
                         for c in hits)
        return f"{name(info)}表四不为 0 的格（{len(hits)} / {len(numbers)} 格）：{items or '无'}。"
    zero = [g for g, cs in groups.items() if all(c.value == 0 for c in cs)]
    items = "；".join(f"{g}{cited.add([cell_evidence(info, next(c for c in groups[g] if c.column == 'total'))])}"
                     if any(c.column == "total" for c in groups[g]) else g for g in zero)
    return f"{name(info)}表四各格全部为 0 的部分（{len(zero)} / {len(groups)}）：{items or '无'}。"


_NOT_RESULTS = ("new", "carried", "total", "forward")


def ratio_answer(a: Query, index: ReportIndex, scope: list[ReportInfo],
                 cited: Cited) -> tuple[str, float | None] | None:
    """A 表三 share: a result row over （七）总计 (same columns), or an applicant column over the row's 总计.
    Both cells are cited; only the division is computed."""
    t = a.target
    if t is None or t.table not in (T3, T4) or len(scope) > ROWS_SHOWN:
        return None
    if t.table == T4:  # 维持率: a result over the part's 总计 (行政复议, or both 行政诉讼 parts)
        if t.columns == ["total"]:
            return None
        base, base_label = CellTarget(T4, t.rows, ["total"], t.row_label, "总计"), f"{t.row_label}总计"
    elif not set(t.rows) & set(_NOT_RESULTS):
        base, base_label = CellTarget(T3, ["total"], t.columns, "办理结果总计", t.column_label), "办理结果总计"
    elif t.columns != ["total"]:
        base, base_label = CellTarget(T3, t.rows, ["total"], t.row_label, "总计"), f"{t.row_label}总计"
    else:
        return None
    lines, value = [], None
    for num, den in zip(lookup(index, scope, t), lookup(index, scope, base), strict=True):
        if num.blank or den.blank:
            lines.append(f"{name(num.info)}报告的表三未填报（空白），无法计算比例。")
            continue
        marks_n, marks_d = cited.add(num.evidence()), cited.add(den.evidence())
        if not den.value:
            lines.append(f"{name(num.info)}{describe(t)}为 {num.value} 件{marks_n}，{base_label}为 0{marks_d}，比例无从计算。")
            continue
        digits = a.operation.rounding if a.operation.rounding is not None else 1  # 保留整数 / 两位小数
        value = round(100 * num.value / den.value, digits)  # type: ignore[operator]
        value = int(value) if digits == 0 else value
        lines.append(f"{name(num.info)}{describe(t)}{'' if t.table == T4 else ' '}{num.value} 件{marks_n}，"
                     f"占{base_label} {den.value} 件{marks_d}的 "
                     f"{format_number(value)}%（{format_number(num.value)} ÷ {format_number(den.value)}）。")
    return "\n".join(lines), value if len(scope) == 1 else None


def column_extreme_answer(a: Query, index: ReportIndex, scope: list[ReportInfo],
                          cited: Cited) -> tuple[str, int | float | None] | None:
    """Which applicant column of a 表三 row is largest (or smallest) in a report, with every column shown."""
    t = a.target
    if t is None or len(scope) > ROWS_SHOWN:
        return None
    highest = a.intent == "column_max"
    lines, value = [], None
    for rv in sorted(lookup(index, scope, t), key=lambda v: (v.info.agency, v.info.year)):
        info, cells = rv.info, rv.cells
        by_col: dict[str, list[TableCell]] = {}
        for c in cells:
            by_col.setdefault(c.column_label, []).append(c)
        if rv.blank:
            lines.append(f"{name(info)}报告的表三未填报（空白），无法比较。")
            continue
        sums = {col: sum(c.value for c in cs) for col, cs in by_col.items()}  # type: ignore[misc]
        best = max(sums.values()) if highest else min(sums.values())
        top = [col for col, v in sums.items() if v == best]
        shown = "，".join(f"{col} {format_number(v)}{cited.add([cell_evidence(info, c) for c in by_col[col]])}"
                         for col, v in sorted(sums.items(), key=lambda kv: -kv[1]))
        lines.append(f"{name(info)}「{t.row_label}」中{'最多' if highest else '最少'}的是{'、'.join(top)}（{format_number(best)} 件）："
                     f"{shown}。")
        value = best
    return "\n".join(lines), value if len(scope) == 1 else None


def unit_answer(a: Query, index: ReportIndex, scope: list[ReportInfo], cited: Cited) -> tuple[str, None] | None:
    """The unit 表二 states for the asked row's values, quoted from the header that the cell's quote carries."""
    target = a.target
    if target is None or target.table != T2:
        return None
    rows = index.cells(report_ids=[i.report_id for i in scope], table=T2, rows=target.rows)
    infos = {i.report_id: i for i in scope}
    lines, seen = [], set()
    for rid, c in rows:
        m = _RE_UNIT_NOTE.search(c.quote)
        if rid in seen or m is None:
            continue
        seen.add(rid)
        mark = cited.add([cell_evidence(infos[rid], c)])
        lines.append(f"{name(infos[rid])}报告表二「{c.row_label}」的金额单位为{m.group(1).strip()}"
                     f"（表头原文：{c.quote.split(' … ')[0]}）{mark}")
    if not lines:
        return None
    return "；\n".join(lines) + "。", None
