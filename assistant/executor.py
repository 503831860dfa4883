"""One executor for compositions of measures over the cell store.

A Query with several measures (予以公开和部分公开一共多少, 行政许可加行政处罚, 维持、纠正、尚未审结分别多少) or a
breakdown of one measure across the template's rows (商业企业的申请各种办理结果分别多少) is planned here as cell
reads per report × measure, then the operation (several values or their sum). Every number keeps the cells it came
from, and each one is cited; a blank cell makes a sum impossible (said so), never a 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.query import Measure, Query
from assistant.table_answers import Cited, ReportValue, cell_evidence, fmt, lookup, name, unit
from ingest.index import ReportIndex, ReportInfo
from ingest.template import T3, T3_ROWS_2021

RESULT_ROWS = tuple(r.key for r in T3_ROWS_2021 if r.group) + ("other",)  # （一）…（六） leaves (and the single 其他处理)


@dataclass
class Step:
    """One planned read: a measure in one report."""

    info: ReportInfo
    measure: Measure
    value: ReportValue


def plan(index: ReportIndex, scope: list[ReportInfo], measures: list[Measure]) -> list[list[Step]]:
    """Cell reads per report (in scope order) × measure (in question order)."""
    per: list[list[Step]] = [[] for _ in scope]
    for m in measures:
        for i, rv in enumerate(lookup(index, scope, m)):
            per[i].append(Step(scope[i], m, rv))
    return per


def _label(m: Measure) -> str:
    col = m.column_label if m.column_label and m.column_label != "总计" else ""
    return f"{m.row_label}{('（' + col + '）') if col else ''}" if m.table == T3 else f"{m.row_label}「{m.column_label}」"


def _show(step: Step, cited: Cited) -> str:
    rv = step.value
    if rv.missing:
        return f"{_label(step.measure)}：无此栏目（该报告用另一版模板的表头）"
    if rv.blank:
        return f"{_label(step.measure)}：未填报（空白，不等于 0）{cited.add([cell_evidence(rv.info, c) for c in rv.cells[:1]])}"
    return f"{_label(step.measure)} {fmt(rv.value)} {unit(step.measure)}{cited.add(rv.evidence()[:6])}"


def several(a: Query, index: ReportIndex, scope: list[ReportInfo], cited: Cited) -> tuple[str, int | float | None]:
    """Several measures per report: each value, or their sum when the question asks one."""
    summing = a.operation.kind == "sum"
    lines, value = [], None
    for steps in plan(index, scope, a.measures):
        info = steps[0].info
        parts = [_show(s, cited) for s in steps]
        if not summing:
            lines.append(f"{name(info)}：" + "；".join(parts) + "。")
            continue
        gaps = [s for s in steps if s.value.blank]
        if gaps:
            lines.append(f"{name(info)}：" + "；".join(parts) + "。其中有未填报或无此栏目的项，无法合计。")
            continue
        total = sum(s.value.value for s in steps)  # type: ignore[misc]
        total = round(total, 6) if isinstance(total, float) else total
        u = unit(steps[0].measure) if len({unit(s.measure) for s in steps}) == 1 else ""
        expr = " + ".join(fmt(s.value.value) for s in steps)  # type: ignore[arg-type]
        lines.append(f"{name(info)}：" + "，".join(parts) + f"；合计 {expr} = {fmt(total)} {u}".rstrip() + "。")
        value = total if len(scope) == 1 else None
    if len(scope) > 1 and summing:
        value = None
    return "\n".join(lines), value


def breakdown_rows(a: Query, index: ReportIndex, scope: list[ReportInfo], cited: Cited) -> tuple[str, None]:
    """One column across the result rows of 表三 (商业企业的申请各种办理结果分别多少), then （七）总计."""
    m = a.measures[0]
    rows = Measure(T3, list(RESULT_ROWS) + ["total"], m.columns, "办理结果", m.column_label)
    lines = []
    for rv in lookup(index, scope, rows):
        if rv.missing or not any(c.state.value == "number" for c in rv.cells):
            lines.append(f"{name(rv.info)}报告的表三未填报（空白），无从列出办理结果。")
            continue
        by_row: dict[str, list] = {}
        for c in rv.cells:
            by_row.setdefault(c.row, []).append(c)
        items, zero = [], []
        for key in (*RESULT_ROWS, "total"):
            cells = by_row.get(key)
            if not cells:
                continue
            label = cells[0].row_label.replace("三、本年度办理结果", "")
            if any(c.state.value != "number" for c in cells):
                items.append(f"{label} 未填报{cited.add([cell_evidence(rv.info, cells[0])])}")
                continue
            v = sum(c.value for c in cells)
            if v or key == "total":
                items.append(f"{label} {fmt(v)} 件{cited.add([cell_evidence(rv.info, c) for c in cells])}")
            else:
                zero.append(label)
        col = f"（{m.column_label}）" if m.column_label and m.column_label != "总计" else ""
        tail = f"；其余 {len(zero)} 项为 0" if zero else ""
        lines.append(f"{name(rv.info)}办理结果{col}：" + "；".join(items) + tail + "。")
    return "\n".join(lines), None
