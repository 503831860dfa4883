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
    """Several measures per report: each value, or their sum (or the difference of two) when the question asks it."""
    summing = a.operation.kind == "sum"
    lines, value = [], None
    for steps in plan(index, scope, a.measures):
        info = steps[0].info
        parts = [_show(s, cited) for s in steps]
        if a.operation.kind == "diff" and len(steps) == 2:
            line, d = _difference(steps, parts)
            lines.append(f"{name(info)}：{line}")
            value = d if len(scope) == 1 else None
            continue
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


def _difference(steps, parts: list[str]) -> tuple[str, int | float | None]:
    """The first measure named minus the second, said with its direction (前者比后者多 / 少)."""
    if any(s.value.blank for s in steps):
        return "；".join(parts) + "。其中有未填报或无此栏目的项，无法相减。", None
    x, y = (s.value.value for s in steps)
    d = x - y  # type: ignore[operator]
    d = round(d, 6) if isinstance(d, float) else d
    how = "多" if d > 0 else "少" if d < 0 else "一样多，相差"
    u = unit(steps[0].measure) if unit(steps[0].measure) == unit(steps[1].measure) else ""
    return ("；".join(parts) + f"。{_label(steps[0].measure)}比{_label(steps[1].measure)}{how} {fmt(abs(d))} {u}".rstrip()
            + f"（{fmt(x)} − {fmt(y)}）。"), d


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
        for group, keys in _result_groups():
            cells = [c for k in keys for c in by_row.get(k, [])]
            if not cells:
                continue
            if any(c.state.value != "number" for c in cells):
                items.append(f"{group} 未填报{cited.add([cell_evidence(rv.info, cells[0])])}")
                continue
            v = sum(c.value for c in cells)
            if not v and group != "（七）总计":
                zero.append(group)
                continue
            nonzero = [c for c in cells if c.value]
            marks = cited.add([cell_evidence(rv.info, c) for c in (nonzero or cells)])
            detail = ""
            if len(nonzero) > 1 or (len(keys) > 1 and nonzero):
                detail = "（" + "，".join(f"{c.row_label.split(' ')[-1]} {fmt(c.value)}" for c in nonzero) + "）"
            items.append(f"{group} {fmt(v)} 件{detail}{marks}")
        col = f"（{m.column_label}）" if m.column_label and m.column_label != "总计" else ""
        total = [x for x in items if x.startswith("（七）")]
        items = [x for x in items if not x.startswith("（七）")] + ([f"{'、'.join(zero)}为 0"] if zero else []) + total
        lines.append(f"{name(rv.info)}办理结果{col}：" + "；".join(items) + "。")
    return "\n".join(lines), None


def check_row(a: Query, index: ReportIndex, scope: list[ReportInfo], cited: Cited) -> tuple[str, None]:
    """One 表三 row's applicant columns against its 总计 (“予以公开”一行各类申请人加起来等于总计吗)."""
    from ingest.template import T3_APPLICANT_KEYS

    m = a.measures[0]
    wide = Measure(T3, m.rows, [*T3_APPLICANT_KEYS, "total"], m.row_label, "")
    lines = []
    for rv in lookup(index, scope, wide):
        parts = [c for c in rv.cells if c.column != "total"]
        total = [c for c in rv.cells if c.column == "total"]
        if not parts or not total or any(c.state.value != "number" for c in rv.cells):
            lines.append(f"{name(rv.info)}报告表三「{m.row_label}」有未填报的格，无法核对。")
            continue
        s = sum(c.value for c in parts)
        t = sum(c.value for c in total)
        marks = cited.add([cell_evidence(rv.info, c) for c in (*parts, *total) if c.value or c.column == "total"])
        expr = " + ".join(f"{c.column_label} {fmt(c.value)}" for c in parts if c.value) or "各类申请人均为 0"
        verdict = "一致，相等" if s == t else "不一致"
        lines.append(f"{name(rv.info)}表三「{m.row_label}」：{expr} = {fmt(s)}，{'等于' if s == t else '不等于'}总计 "
                     f"{fmt(t)}，{verdict}。{marks}")
    return "\n".join(lines), None


def _result_groups() -> list[tuple[str, list[str]]]:
    """（一）…（六） with their leaf rows (the single-row 其他处理 included), then （七）总计."""
    from ingest.template import RESULT_GROUPS

    out = [(label, [r.key for r in T3_ROWS_2021 if r.group == g] + (["other"] if g == "other" else []))
           for g, label in RESULT_GROUPS.items()]
    return out + [("（七）总计", ["total"])]


def rank_groups(a: Query, index: ReportIndex, scope: list[ReportInfo], cited: Cited) -> tuple[str, int | float | None]:
    """Which of the six result categories (（一）予以公开 … （六）其他处理) is largest (smallest) in one report."""
    m = a.measures[0]
    highest = a.operation.rank != "min"
    wide = Measure(T3, list(RESULT_ROWS), m.columns, "办理结果", m.column_label)
    lines, value = [], None
    for rv in lookup(index, scope, wide):
        by_row: dict[str, list] = {}
        for c in rv.cells:
            by_row.setdefault(c.row, []).append(c)
        sums = []
        for group, keys in _result_groups()[:-1]:
            cells = [c for k in keys for c in by_row.get(k, [])]
            if cells and all(c.state.value == "number" for c in cells):
                sums.append((group, sum(c.value for c in cells), cells))
        if not sums:
            lines.append(f"{name(rv.info)}报告的表三未填报（空白），无法比较。")
            continue
        best = (max if highest else min)(v for _, v, _ in sums)
        top = [g for g, v, _ in sums if v == best]
        shown = "；".join(f"{g} {fmt(v)} 件{cited.add([cell_evidence(rv.info, c) for c in cs if c.value] or [cell_evidence(rv.info, cs[0])])}"
                         for g, v, cs in sorted(sums, key=lambda x: -x[1]))
        col = f"（{m.column_label}）" if m.column_label and m.column_label != "总计" else ""
        lines.append(f"{name(rv.info)}办理结果{col}中{'最多' if highest else '最少'}的是{'、'.join(top)}：{fmt(best)} 件。"
                     f"各类：{shown}。")
        value = best
    return "\n".join(lines), value if len(scope) == 1 else None


def share_of(a: Query, index: ReportIndex, scope: list[ReportInfo], cited: Cited) -> tuple[str, float | None]:
    """A share whose base the question names (结转下年度占新收加上年结转的百分之几): the first measure over the sum of
    the others, rounded as asked (one decimal by default); every cell cited."""
    digits = a.operation.rounding if a.operation.rounding is not None else 1
    lines, value = [], None
    for steps in plan(index, scope, a.measures):
        num, base = steps[0], steps[1:]
        if any(s.value.blank for s in steps):
            lines.append(f"{name(num.info)}：所需单元格有未填报的，无法计算比例。")
            continue
        den = sum(s.value.value for s in base)  # type: ignore[misc]
        n = num.value.value
        marks = cited.add(num.value.evidence()) + "".join(cited.add(s.value.evidence()) for s in base)
        base_label = "加".join(_label(s.measure) for s in base)
        if not den:
            lines.append(f"{name(num.info)}{_label(num.measure)} {fmt(n)} 件，{base_label}为 0，比例无从计算。{marks}")
            continue
        v = round(100 * n / den, digits)  # type: ignore[operator]
        value = v
        parts = " + ".join(fmt(s.value.value) for s in base)  # type: ignore[arg-type]
        shown = f"（{parts} = {fmt(den)} 件）" if len(base) > 1 else f" {fmt(den)} 件"
        lines.append(f"{name(num.info)}{_label(num.measure)} {fmt(n)} 件，占{base_label}{shown}的 "
                     f"{v:.{digits}f}%（{fmt(n)} ÷ {fmt(den)}）。{marks}")
    return "\n".join(lines), value if len(scope) == 1 else None
