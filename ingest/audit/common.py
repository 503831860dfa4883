"""Shared arithmetic of the rules: read cells, compare a sum, say why a rule cannot be checked."""

from __future__ import annotations

from ingest.audit.model import Evidence, Outcome, Verdict, cell_evidence, missing_evidence, readable
from ingest.models import CellState, Report, TableCell
from ingest.template import (
    T2_ROW_BY_KEY,
    T3,
    T3_COLUMN_BY_KEY,
    T3_ROW_BY_KEY,
    T4,
    T4_COLUMN_BY_KEY,
    T4_GROUP_BY_KEY,
)
from ingest.text import format_number

Ref = tuple[str, str, str]  # (table, row, column)

_STATE_WORDS = {"blank": "未填报", "na": "不适用", "unread": "未读出", "missing": "未找到"}


def labels(table: str, row: str, column: str) -> tuple[str, str]:
    """Canonical (row label, column label) of a cell key, from the template."""
    if table == T3:
        r = T3_ROW_BY_KEY.get(row)
        c = T3_COLUMN_BY_KEY.get(column)
    elif table == T4:
        r = T4_GROUP_BY_KEY.get(row)
        c = T4_COLUMN_BY_KEY.get(column)
    else:
        r = T2_ROW_BY_KEY.get(row)
        c = None
    return (r.label if r else row), (c.label if c else column)


_LOOKUPS: dict[int, tuple[list[TableCell], dict[Ref, TableCell]]] = {}


def find_cell(report: Report, ref: Ref) -> TableCell | None:
    """``report.cell(*ref)`` through a per-report dict (the rules read each cell several times)."""
    got = _LOOKUPS.get(id(report))
    if got is None or got[0] is not report.cells:
        if len(_LOOKUPS) > 512:
            _LOOKUPS.clear()
        table: dict[Ref, TableCell] = {}
        for c in report.cells:
            table.setdefault((c.table, c.row, c.column), c)
        got = (report.cells, table)
        _LOOKUPS[id(report)] = got
    return got[1].get(ref)


def fetch(report: Report, ref: Ref) -> tuple[TableCell | None, Evidence]:
    cell = find_cell(report, ref)
    if cell is None:
        return None, missing_evidence(report, ref[0], ref[1], labels(*ref)[0], ref[2], labels(*ref)[1])
    return cell, cell_evidence(report, cell)


def fmt(v: float | int) -> str:
    return format_number(v)


def state_word(ev: Evidence) -> str:
    return _STATE_WORDS.get(ev.state or "", ev.state or "")


def cell_name(ev: Evidence) -> str:
    row = ev.row_label or ev.row or ""
    return f"{ev.table}「{row}」「{ev.column_label or ev.column}」"


def unreadable_detail(prefix: str, evs: list[Evidence]) -> str:
    bad = [e for e in evs if e.state != "number" or e.value is None]
    names = "；".join(f"{cell_name(e)}{state_word(e)}" for e in bad[:3])
    more = f"等 {len(bad)} 格" if len(bad) > 3 else ""
    return f"{prefix}：{names}{more}，无法核对（未填报不等于 0）。"


def sum_outcome(report: Report, subject: str, parts: list[Ref], totals: list[Ref], *, left: str | None = None,
                right: str | None = None, prefix: str = "") -> Outcome:
    """Σ parts = Σ totals, or 无法核对 when a cell is not a printed number."""
    got_p = [fetch(report, r) for r in parts]
    got_t = [fetch(report, r) for r in totals]
    evs = [e for _, e in got_p + got_t]
    prefix = prefix or subject
    if not all(readable(c) for c, _ in got_p + got_t):
        return Outcome(Verdict.unknown, subject, unreadable_detail(prefix, evs), tuple(evs))
    sp = sum(c.value for c, _ in got_p)  # type: ignore[misc]
    st = sum(c.value for c, _ in got_t)  # type: ignore[misc]
    lhs = left or "＋".join(f"{_short(e)} {fmt(e.value)}" for _, e in got_p)  # type: ignore[arg-type]
    rhs = right or "＋".join(f"{_short(e)} {fmt(e.value)}" for _, e in got_t)  # type: ignore[arg-type]
    if abs(sp - st) < 1e-6:
        return Outcome(Verdict.passed, subject, f"{prefix}：{lhs} = {fmt(sp)}，与 {rhs}（{fmt(st)}）相符。", tuple(evs))
    return Outcome(Verdict.failed, subject, f"{prefix}：{lhs}，合计 {fmt(sp)}，而 {rhs} 为 {fmt(st)}。", tuple(evs))


def _short(ev: Evidence) -> str:
    if ev.table == T3:
        spec = T3_ROW_BY_KEY.get(ev.row or "")
        return spec.short if spec and spec.short else (ev.row_label or "")
    return ev.column_label or ""


def table_unusable(report: Report, table: str, subject: str = "整表") -> Outcome | None:
    """One 无法核对 for a rule over a table that is missing or left blank; None when it can be read."""
    cells = report.table_cells(table)
    if not cells:
        return Outcome(Verdict.unknown, subject, f"{table}未找到：报告中没有可识别的{table}，无法核对。")
    if all(c.state is not CellState.number for c in cells):
        evs = tuple(cell_evidence(report, c) for c in cells if c.column in ("total", "in_force", "decisions"))[:8]
        why = ("整表未填报（空白），无法核对；这不等于 0" if all(c.state is CellState.blank for c in cells)
               else "没有读出任何数字，无法核对")
        return Outcome(Verdict.unknown, subject, f"{table}{why}。", evs or (cell_evidence(report, cells[0]),))
    return None


__all__ = ["Ref", "fetch", "find_cell", "fmt", "labels", "sum_outcome", "table_unusable", "unreadable_detail"]
