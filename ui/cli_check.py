"""``reportqa check``: the audit catalogue (ingest.audit) over every ingested report."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from ui.cli_common import IndexOpt, StderrBar, JsonOpt, console, emit_json, err_console, fail, make_settings

_STYLE = {"不通过": "red", "提示": "yellow", "无法核对": "magenta", "通过": "green"}


def check_cmd(
    index: Path | None = IndexOpt,
    json_out: bool = JsonOpt,
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when any rule's verdict is 不通过."),
    agency: str | None = typer.Option(None, "--agency", help="Only reports whose agency name contains this."),
    year: int | None = typer.Option(None, "--year", help="Only reports of this year."),
    table: str | None = typer.Option(None, "--table", help="Only findings about this table: 表二 表三 表四 正文."),
    verdict: list[str] = typer.Option(None, "--verdict", help="Only these verdicts: 不通过 提示 无法核对 通过 (repeatable)."),
    all_: bool = typer.Option(False, "--all", help="Also list the rules that passed (通过)."),
    fmt: str | None = typer.Option(None, "--format", help="Export format with --out: csv or xlsx."),
    out: Path | None = typer.Option(None, "--out", help="Write the findings to this file (one row per finding)."),
    parents: Path | None = typer.Option(None, "--parents",
                                        help="CSV of 上级,下级 agencies: a parent's tables must equal the sum of its children's."),
    rules: bool = typer.Option(False, "--rules", help="List the rule catalogue and exit."),
) -> None:
    """Audit every ingested report: 勾稽关系, cross-year carry-over, narrative vs table, template compliance."""
    from ingest.audit import RULES, PARENT_RULE, Verdict, audit_reports, load_parent_map
    from ingest.audit.corpus import by_rule, load_reports, matches, sort_key
    from ingest.audit.export import write
    from ingest.index import ReportIndex

    if rules:
        _print_rules([*RULES, PARENT_RULE], json_out)
        return
    if (fmt is None) != (out is None):
        fail("--format 与 --out 需要一起使用，例如 --format xlsx --out 审核.xlsx")
    if fmt is not None and fmt not in ("csv", "xlsx"):
        fail(f"不支持的导出格式 {fmt!r}：可用 csv、xlsx")
    try:
        wanted = [Verdict(v) for v in verdict] if verdict else None
    except ValueError:
        fail(f"未知的结论 {'、'.join(verdict)}：可用 不通过、提示、无法核对、通过")
    parent_map = load_parent_map(parents) if parents else None
    with StderrBar("审核", not json_out and err_console.is_terminal) as bar:
        with ReportIndex(make_settings(index)) as ix:
            reports = load_reports(ix)
        findings = audit_reports(reports, parents=parent_map, progress=bar)
    scoped = [f for f in findings if matches(f, agency=agency, year=year, table=table)]
    if wanted is None and not all_:
        wanted = [Verdict.failed, Verdict.notice, Verdict.unknown]
    shown = sorted((f for f in scoped if matches(f, verdicts=wanted)), key=sort_key)
    n_reports = len({f.report_id for f in scoped}) if (agency or year) else len(reports)
    if out is not None:
        write(shown, out, fmt or "csv")
    if json_out:
        emit_json([f.contract_dict() for f in shown])
    else:
        _print_findings(shown)
        _print_summary(by_rule(scoped), n_reports)
        if out is not None:
            console.print(f"已导出 {len(shown)} 条到 {escape(str(out))}", highlight=False)
    if strict and any(f.verdict is Verdict.failed for f in scoped):
        raise typer.Exit(1)


def _print_findings(rows) -> None:
    if not rows:
        console.print("没有需要列出的审核结果")
        return
    for (agency, year, source), group in groupby(rows, key=lambda f: (f.agency, f.year, f.source)):
        console.print(f"[bold]{escape(agency)}[/bold] {year}年 [dim]{escape(source)}[/dim]")
        t = Table(box=box.SIMPLE, show_header=False, pad_edge=False)
        t.add_column("表", no_wrap=True)
        t.add_column("规则", no_wrap=True)
        t.add_column("结论", no_wrap=True)
        t.add_column("说明", overflow="fold")
        for f in group:
            style = _STYLE[f.verdict.value]
            t.add_row(f.table, escape(f.rule), f"[{style}]{f.verdict.value}[/{style}]", escape(f.detail))
        console.print(t)


def _print_summary(counts, n_reports: int) -> None:
    t = Table(title=f"按规则统计（{n_reports} 份报告）", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("规则")
    for v in ("不通过", "提示", "无法核对", "通过"):
        t.add_column(v, justify="right")
    for rule in sorted(counts):
        c = counts[rule]
        t.add_row(escape(rule), *(str(c.get(v, 0)) for v in ("不通过", "提示", "无法核对", "通过")))
    console.print(t)
    total = {v: sum(c.get(v, 0) for c in counts.values()) for v in ("不通过", "提示", "无法核对", "通过")}
    console.print("合计：" + "，".join(f"{v} {n}" for v, n in total.items()), highlight=False)


def _key_labels() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Per table: (row key -> printed label, column key -> printed label), from ingest.template."""
    from ingest import template as tp

    t2_rows = {r.key: r.label for it in tp.ALL_T2_ITEMS for r in it.rows}
    t2_cols = {c.key: c.label for it in tp.ALL_T2_ITEMS for c in (*it.columns_2021, *it.columns_2019)}
    return {"表二": (t2_rows, t2_cols),
            "表三": ({k: r.short or r.label for k, r in tp.T3_ROW_BY_KEY.items()}, {c.key: c.label for c in tp.T3_COLUMNS}),
            "表四": ({g.key: g.label for g in tp.T4_GROUPS}, {c.key: c.label for c in tp.T4_COLUMNS})}


def readable_keys(text: str) -> str:
    """表三「carried」「total」 -> 表三「上年结转政府信息公开申请数量」「总计」: the catalogue names cells by their
    canonical keys; staff read the printed labels (the first key of a table is its row, the next its column)."""
    import re

    labels = _key_labels()

    def one(m: re.Match) -> str:
        rows, cols = labels[m.group(1)]
        keys = re.findall(r"「([a-z0-9_]+)」", m.group(2))
        out = [(rows.get(k) or cols.get(k) or k) if i == 0 else (cols.get(k) or rows.get(k) or k)
               for i, k in enumerate(keys)]
        return m.group(1) + "".join(f"「{x}」" for x in out)

    return re.sub(r"(表[二三四])((?:「[a-z0-9_]+」)+)", one, text)


def _print_rules(rules, json_out: bool) -> None:
    if json_out:
        emit_json([{"rule": r.id, "table": r.table, "description": r.description, "reads": r.reads,
                    "cross_report": r.needs_others, "severity": r.severity} for r in rules])
        return
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("规则", "表", "说明", "读取"):
        t.add_column(col, overflow="fold")
    for r in rules:
        t.add_row(escape(r.id), r.table, escape(readable_keys(r.description)), escape(readable_keys(r.reads)))
    console.print(t)
