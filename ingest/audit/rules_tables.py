"""Arithmetic rules inside one report's tables (表二, 表三, 表四)."""

from __future__ import annotations

from ingest.audit.common import fmt, sum_outcome, table_unusable
from ingest.audit.model import Outcome, Verdict, cell_evidence
from ingest.models import CellState, Report
from ingest.template import (
    T2,
    T2_ROW_BY_KEY,
    T3,
    T3_APPLICANT_KEYS,
    T3_COLUMNS,
    T3_ROW_BY_KEY,
    T4,
    T4_COLUMNS,
    T4_GROUPS,
    t3_rows,
)

AMOUNT_COLUMNS = ("amount",)  # 表二 money (万元): not a count


def t3_result_rows(report: Report) -> list[str]:
    """The result rows （一）…（六） the report's 表三 should print: （六） as one row or three."""
    present = {c.row for c in report.table_cells(T3)}
    single = "other" in present and not any(r.startswith("other_") for r in present)
    return [r.key for r in t3_rows(single) if r.group]


def t3_results_total(report: Report) -> list[Outcome]:
    """Each column: （一）+（二）+（三）1–8+（四）1–3+（五）1–5+（六） = （七）总计."""
    if (u := table_unusable(report, T3)) is not None:
        return [u]
    rows = t3_result_rows(report)
    out = []
    for col in T3_COLUMNS:
        o = sum_outcome(report, f"「{col.label}」列", [(T3, r, col.key) for r in rows], [(T3, "total", col.key)],
                        left="办理结果各项（一）至（六）", right="（七）总计",
                        prefix=f"表三「{col.label}」列")
        out.append(_with_sum_words(o))
    return out


def _with_sum_words(o: Outcome) -> Outcome:
    """表三 column sums read better as 各项之和为 X，而（七）总计为 Y."""
    if o.verdict is not Verdict.failed and o.verdict is not Verdict.passed:
        return o
    vals = [e.value for e in o.evidence]
    parts, total = sum(vals[:-1]), vals[-1]  # type: ignore[arg-type]
    if o.verdict is Verdict.failed:
        d = f"表三{o.subject}：办理结果各项之和为 {fmt(parts)}，而（七）总计为 {fmt(total)}。"
    else:
        d = f"表三{o.subject}：办理结果各项之和 {fmt(parts)} =（七）总计 {fmt(total)}。"
    return Outcome(o.verdict, o.subject, d, o.evidence)


def t3_balance(report: Report) -> list[Outcome]:
    """Each column: 一 + 二 = （七）总计 + 四."""
    if (u := table_unusable(report, T3)) is not None:
        return [u]
    out = []
    for col in T3_COLUMNS:
        o = sum_outcome(report, f"「{col.label}」列", [(T3, "new", col.key), (T3, "carried", col.key)],
                        [(T3, "total", col.key), (T3, "forward", col.key)], prefix=f"表三「{col.label}」列")
        if o.verdict in (Verdict.passed, Verdict.failed):
            new, carried, total, fwd = (e.value for e in o.evidence)
            rel = "=" if o.verdict is Verdict.passed else "≠"
            o = Outcome(o.verdict, o.subject, (
                f"表三「{col.label}」列：一（{fmt(new)}）+ 二（{fmt(carried)}）= {fmt(new + carried)}，"
                f"{'与' if rel == '=' else '而'} 三（七）总计（{fmt(total)}）+ 四（{fmt(fwd)}）= {fmt(total + fwd)}"
                f"{'相符' if rel == '=' else ''}。"), o.evidence)
        out.append(o)
    return out


def t3_row_total(report: Report) -> list[Outcome]:
    """Each row: 自然人 + five 法人或其他组织 columns = 总计."""
    if (u := table_unusable(report, T3)) is not None:
        return [u]
    order = list(T3_ROW_BY_KEY)
    rows = sorted({c.row for c in report.table_cells(T3)}, key=lambda r: order.index(r) if r in order else 99)
    out = []
    for row in rows:
        label = T3_ROW_BY_KEY[row].label if row in T3_ROW_BY_KEY else row
        o = sum_outcome(report, f"「{label}」行", [(T3, row, k) for k in T3_APPLICANT_KEYS], [(T3, row, "total")],
                        prefix=f"表三「{label}」行")
        if o.verdict in (Verdict.passed, Verdict.failed):
            vals = [e.value for e in o.evidence]
            parts, total = sum(vals[:-1]), vals[-1]  # type: ignore[arg-type]
            printed = "，".join(f"{c.label}{fmt(v)}" for c, v in zip(T3_COLUMNS, vals[:-1]) if v)
            printed = f"（{printed}）" if printed else ""
            d = (f"表三「{label}」行：六类申请人之和为 {fmt(parts)}{printed}，而「总计」为 {fmt(total)}。"
                 if o.verdict is Verdict.failed else f"表三「{label}」行：六类申请人之和 {fmt(parts)} = 总计 {fmt(total)}。")
            o = Outcome(o.verdict, o.subject, d, o.evidence)
        out.append(o)
    return out


def t4_total(report: Report) -> list[Outcome]:
    """Each of 行政复议 / 未经复议直接起诉 / 复议后起诉: 维持 + 纠正 + 其他 + 尚未审结 = 总计."""
    if (u := table_unusable(report, T4)) is not None:
        return [u]
    out = []
    for grp in T4_GROUPS:
        o = sum_outcome(report, f"「{grp.label}」", [(T4, grp.key, c.key) for c in T4_COLUMNS[:-1]],
                        [(T4, grp.key, "total")], right="总计", prefix=f"表四「{grp.label}」")
        if o.verdict is Verdict.failed:
            vals = [e.value for e in o.evidence]
            detail = "＋".join(f"{c.label} {fmt(v)}" for c, v in zip(T4_COLUMNS[:-1], vals[:-1]))
            o = Outcome(o.verdict, o.subject, (f"表四「{grp.label}」：{detail}，合计 {fmt(sum(vals[:-1]))}，"
                                               f"而总计印为 {fmt(vals[-1])}。"), o.evidence)
        out.append(o)
    return out


def t2_counts(report: Report) -> list[Outcome]:
    """表二 counts (件数, 数量) are non-negative integers; money columns are exempt."""
    if (u := table_unusable(report, T2)) is not None:
        return [u]
    out = []
    for c in report.table_cells(T2):
        if c.column in AMOUNT_COLUMNS or c.column == "change":  # 本年增/减 may be negative
            continue
        row = T2_ROW_BY_KEY[c.row].label if c.row in T2_ROW_BY_KEY else c.row
        subject = f"「{row}」「{c.column_label}」"
        ev = (cell_evidence(report, c),)
        if c.state is not CellState.number or c.value is None:
            if c.state is CellState.not_applicable:
                continue
            out.append(Outcome(Verdict.unknown, subject, f"表二{subject}{ev[0].display}，无法核对。", ev))
        elif c.value < 0 or float(c.value) != int(c.value):
            out.append(Outcome(Verdict.failed, subject, f"表二{subject}为 {fmt(c.value)}，件数应为非负整数。", ev))
        else:
            out.append(Outcome(Verdict.passed, subject, f"表二{subject}为 {fmt(c.value)}，是非负整数。", ev))
    return out
