"""Rules that read another report: last year's report of the same agency, or an agency's children."""

from __future__ import annotations

from collections.abc import Iterable

from ingest.audit.common import fetch, fmt, table_unusable
from ingest.audit.model import Evidence, Outcome, Verdict, readable
from ingest.models import Report
from ingest.template import T2, T3, T3_COLUMNS, T4, T4_COLUMNS, T4_GROUPS

T2_DOC_ROWS = (("rules", "规章"), ("normative", "行政规范性文件"))


def same_agency(a: Report, b: Report) -> bool:
    return a.agency == b.agency or a.agency in b.agency_variants or b.agency in a.agency_variants


def previous_report(report: Report, others: Iterable[Report]) -> Report | None:
    """Last year's report of the same agency, if one is among ``others``."""
    cands = [o for o in others if o.year == report.year - 1 and same_agency(report, o) and o is not report]
    return min(cands, key=lambda o: o.source) if cands else None


def carried_matches_last_forward(report: Report, others: list[Report]) -> list[Outcome]:
    """This year's 二、上年结转 = last year's 四、结转下年度继续办理, column by column."""
    prev = previous_report(report, others)
    if prev is None:
        return []  # not applicable: no report of last year
    for r, tag in ((report, f"{report.year}年"), (prev, f"上年（{prev.year}年）")):
        if (u := table_unusable(r, T3, "上年结转")) is not None:
            return [Outcome(Verdict.unknown, "上年结转", f"{tag}报告：{u.detail}", u.evidence)]
    out = []
    for col in T3_COLUMNS:
        cur, ev_cur = fetch(report, (T3, "carried", col.key))
        old, ev_old = fetch(prev, (T3, "forward", col.key))
        subject = f"「{col.label}」列"
        evs = (ev_cur, ev_old)
        if not (readable(cur) and readable(old)):
            out.append(Outcome(Verdict.unknown, subject, f"表三{subject}上年结转或上年报告的结转下年度未填报/未读出，无法核对。", evs))
            continue
        ok = abs(cur.value - old.value) < 1e-6  # type: ignore[union-attr,operator]
        d = (f"表三{subject}：{report.year}年「上年结转」为 {fmt(cur.value)}，"  # type: ignore[union-attr]
             f"{prev.year}年报告「结转下年度继续办理」为 {fmt(old.value)}{'，相符' if ok else ''}。")  # type: ignore[union-attr]
        out.append(Outcome(Verdict.passed if ok else Verdict.failed, subject, d, evs))
    return out


def in_force_follows_last_year(report: Report, others: list[Report]) -> list[Outcome]:
    """表二 现行有效件数 = last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (规章, 行政规范性文件)."""
    prev = previous_report(report, others)
    if prev is None:
        return []
    out = []
    for row, label in T2_DOC_ROWS:
        subject = f"「{label}」现行有效件数"
        if report.cell(T2, row, "in_force") is None and prev.cell(T2, row, "in_force") is None:
            if report.cell(T2, row, "public_total") or prev.cell(T2, row, "public_total"):
                out.append(Outcome(Verdict.unknown, subject, (
                    f"表二{subject}：报告按 2019 年版表格填报（本年新制作数量/对外公开总数量），没有「本年废止件数」"
                    f"和「现行有效件数」，无法逐年核对。")))
            continue
        refs = [(report, (T2, row, "in_force")), (prev, (T2, row, "in_force")),
                (report, (T2, row, "issued")), (report, (T2, row, "repealed"))]
        got = [fetch(r, ref) for r, ref in refs]
        evs: tuple[Evidence, ...] = tuple(e for _, e in got)
        if not all(readable(c) for c, _ in got):
            why = ("2019 年版表格没有这一列" if any(r.template == "2019" for r in (report, prev)) else "有单元格未填报或未读出")
            out.append(Outcome(Verdict.unknown, subject, f"表二{subject}：{why}，无法核对。", evs))
            continue
        now, last, issued, repealed = (c.value for c, _ in got)  # type: ignore[union-attr]
        want = last + issued - repealed  # type: ignore[operator]
        ok = abs(now - want) < 1e-6  # type: ignore[operator]
        d = (f"表二{subject}：{prev.year}年 {fmt(last)} + {report.year}年制发 {fmt(issued)} − 废止 {fmt(repealed)} "
             f"= {fmt(want)}，{'与' if ok else '而'}{report.year}年印为 {fmt(now)}{'相符' if ok else ''}。")
        out.append(Outcome(Verdict.passed if ok else Verdict.failed, subject, d, evs))
    return out


# ---------------------------------------------------------------- parent = Σ children


def parent_sum(report: Report, others: list[Report], children_names: list[str]) -> list[Outcome]:
    """A parent's 表三/表四 cells = the sum of its children's (children named in the user's map)."""
    if not children_names:
        return []
    kids = []
    missing = []
    for name in children_names:
        found = [o for o in others if o.year == report.year and (o.agency == name or name in o.agency_variants)]
        (kids.append(found[0]) if found else missing.append(name))
    if missing:
        return [Outcome(Verdict.unknown, "下级合计", f"下级单位 {'、'.join(missing)} 的 {report.year} 年报告未索引，无法核对合计。")]
    out = []
    grids = [(T3, [(r, c.key) for r in ("new", "carried", "total", "forward") for c in T3_COLUMNS]),
             (T4, [(g.key, c.key) for g in T4_GROUPS for c in T4_COLUMNS])]
    for table, keys in grids:
        bad, unknown, evs = [], 0, []
        for row, col in keys:
            mine, ev = fetch(report, (table, row, col))
            theirs = [fetch(k, (table, row, col)) for k in kids]
            if not readable(mine) or not all(readable(c) for c, _ in theirs):
                unknown += 1
                continue
            total = sum(c.value for c, _ in theirs)  # type: ignore[misc]
            if abs(total - mine.value) > 1e-6:  # type: ignore[union-attr,operator]
                bad.append(f"「{ev.row_label}」「{ev.column_label}」{fmt(mine.value)} ≠ 下级合计 {fmt(total)}")  # type: ignore[union-attr]
                evs += [ev, *(e for _, e in theirs)]
        subject = f"{table}下级合计"
        if bad:
            out.append(Outcome(Verdict.failed, subject, f"{table}：{'；'.join(bad[:4])}{'等' if len(bad) > 4 else ''}。",
                               tuple(evs)))
        elif unknown == len(keys):
            out.append(Outcome(Verdict.unknown, subject, f"{table}：本单位或下级单位的数字未填报/未读出，无法核对。"))
        else:
            out.append(Outcome(Verdict.passed, subject, f"{table}：{len(keys) - unknown} 格与 {len(kids)} 个下级单位之和相符。"))
    return out
