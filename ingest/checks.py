"""Consistency rules (勾稽关系) printed in the template, plus blank tables and
narrative numbers that disagree with the tables. Findings are part of the Report."""

from __future__ import annotations

import re

from ingest.models import CellState, Finding, Report
from ingest.template import (
    T2,
    T3,
    T3_APPLICANT_KEYS,
    T3_COLUMN_BY_KEY,
    T3_COLUMNS,
    T3_ROW_BY_KEY,
    T4,
    T4_COLUMNS,
    T4_GROUPS,
)
from ingest.text import format_number, key

RESULT_ROW_PREFIXES = ("open", "partial", "withheld_", "unable_", "not_handled_", "other")


def _val(report: Report, table: str, row: str, col: str) -> int | float | None:
    c = report.cell(table, row, col)
    if c is None or c.state is not CellState.number:
        return None
    return c.value


def _eq(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def run_checks(report: Report) -> list[Finding]:
    out: list[Finding] = []
    out += _blank_and_missing(report)
    out += _t3_rules(report)
    out += _t4_rules(report)
    out += _narrative_rules(report)
    return out


def _blank_and_missing(report: Report) -> list[Finding]:
    out = []
    for table in (T2, T3, T4):
        cells = report.table_cells(table)
        if not cells:
            out.append(Finding(table=table, rule="table.missing", severity="warning",
                               detail=f"{table}未找到：报告中没有可识别的{table}。"))
        elif report.table_blank(table):
            out.append(Finding(table=table, rule="table.blank", severity="warning",
                               detail=f"{table}整表未填报（空白），不等于 0。"))
        else:
            blanks = [c for c in cells if c.state is CellState.blank]
            if blanks:
                rows = sorted({c.row_label for c in blanks})
                out.append(Finding(table=table, rule="table.partly_blank", severity="warning",
                                   detail=f"{table}有 {len(blanks)} 个空白单元格（{'；'.join(rows[:3])}{'等' if len(rows) > 3 else ''}）。"))
    return out


def _t3_rules(report: Report) -> list[Finding]:
    out: list[Finding] = []
    rows_present = {c.row for c in report.table_cells(T3)}
    if not rows_present:
        return out
    result_rows = [r for r in rows_present if r.startswith(RESULT_ROW_PREFIXES)]
    for col in T3_COLUMNS:
        new, carried = _val(report, T3, "new", col.key), _val(report, T3, "carried", col.key)
        total, fwd = _val(report, T3, "total", col.key), _val(report, T3, "forward", col.key)
        if None not in (new, carried, total, fwd) and not _eq(new + carried, total + fwd):
            out.append(Finding(table=T3, rule="t3.balance", severity="error", detail=(
                f"表三「{col.label}」列：一（{format_number(new)}）+ 二（{format_number(carried)}）= "
                f"{format_number(new + carried)}，而 三（七）总计（{format_number(total)}）+ 四（{format_number(fwd)}）= "
                f"{format_number(total + fwd)}。")))
        parts = [_val(report, T3, r, col.key) for r in result_rows]
        if total is not None and parts and None not in parts and not _eq(sum(parts), total):
            out.append(Finding(table=T3, rule="t3.results_total", severity="error", detail=(
                f"表三「{col.label}」列：办理结果各项之和为 {format_number(sum(parts))}，"
                f"而（七）总计为 {format_number(total)}。")))
    for row in sorted(rows_present, key=lambda r: list(T3_ROW_BY_KEY).index(r) if r in T3_ROW_BY_KEY else 99):
        parts = [_val(report, T3, row, k) for k in T3_APPLICANT_KEYS]
        total = _val(report, T3, row, "total")
        if total is not None and None not in parts and not _eq(sum(parts), total):
            label = T3_ROW_BY_KEY[row].label if row in T3_ROW_BY_KEY else row
            out.append(Finding(table=T3, rule="t3.row_total", severity="error", detail=(
                f"表三「{label}」行：六类申请人之和为 {format_number(sum(parts))}，"
                f"而「{T3_COLUMN_BY_KEY['total'].label}」为 {format_number(total)}。")))
    return out


def _t4_rules(report: Report) -> list[Finding]:
    out = []
    for grp in T4_GROUPS:
        parts = [_val(report, T4, grp.key, c.key) for c in T4_COLUMNS[:-1]]
        total = _val(report, T4, grp.key, "total")
        if total is not None and None not in parts and not _eq(sum(parts), total):
            detail = "＋".join(f"{c.label} {format_number(v)}" for c, v in zip(T4_COLUMNS[:-1], parts))
            out.append(Finding(table=T4, rule="t4.total", severity="error", detail=(
                f"表四「{grp.label}」：{detail}，合计 {format_number(sum(parts))}，而总计印为 {format_number(total)}。")))
    return out


_RE_NARRATIVE_NEW = re.compile(
    r"(?:共|累计|全年|总计)?(?:受理|收到|接收|办理|新收)(?:各类|了)?(?:政府)?信息公开申请(?:共计|共|总计)?(\d+)件")


def narrative_application_counts(report: Report) -> list[tuple[int, str, str]]:
    """(number, sentence, section path) for sentences like 受理政府信息公开申请 17 件."""
    out = []
    for sec in report.all_sections():
        if sec.number not in ("一", "") and not sec.path.startswith("一、"):
            continue
        for sent in re.split(r"(?<=[。；！？\n])", sec.text):
            m = _RE_NARRATIVE_NEW.search(key(sent))
            if m:
                out.append((int(m.group(1)), sent.strip(), sec.path))
    return out


def _narrative_rules(report: Report) -> list[Finding]:
    out = []
    table_new = _val(report, T3, "new", "total")
    if table_new is None:
        return out
    for n, sent, path in narrative_application_counts(report):
        if n != table_new:
            out.append(Finding(table="正文", rule="narrative.t3_new", severity="warning", detail=(
                f"正文（{path}）称「{sent[:60]}」（{n} 件），而表三本年新收政府信息公开申请数量总计为 "
                f"{format_number(table_new)} 件；口径可能不同，请核对。")))
    return out
