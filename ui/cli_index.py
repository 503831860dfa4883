"""``reportqa parse | ingest | reports | check``: thin over ingest.parse, ingest.indexer and ingest.index."""

from __future__ import annotations

from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from ui.cli_common import IndexOpt, StderrBar, JsonOpt, console, emit_json, err_console, fail, make_settings, user_errors

_STATUS_STYLE = {"ingested": "green", "unchanged": "dim", "failed": "red", "skipped": "yellow"}
STATUS_ZH = {"ingested": "已入库", "unchanged": "未变化", "failed": "失败", "skipped": "已跳过"}
SEVERITY_ZH = {"error": "错误", "warning": "注意", "info": "提示"}
SOURCE_ZH = {"grid": "按表格结构读取", "lines": "按文字行读取", "none": "未找到"}


# ---------------------------------------------------------------------- parse


def _report_tree(report) -> Tree:
    from ingest.models import CellState

    head = f"[bold]{escape(report.agency)}[/bold] {report.year}年 · {escape(report.source)}"
    tree = Tree(head)
    meta = tree.add("[dim]基本信息[/dim]")
    meta.add(f"标题：{escape(report.title or '—')}")
    if report.agency_variants:
        meta.add(f"文中机关名称：{escape('、'.join(report.agency_variants))}")
    meta.add(f"模板：{report.template}版 · 页数：{report.pages} · sha256：{report.sha256[:12] or '—'}")
    secs = tree.add(f"章节（{sum(1 for s in report.sections if s.number)}/6）")

    def add(node, sec) -> None:
        pages = f" 第 {sec.page_start} 页" if sec.page_start else ""
        child = node.add(f"{escape(sec.title or sec.path or '（正文前）')} [dim]{len(sec.text)} 字{pages}[/dim]")
        for c in sec.children:
            add(child, c)

    for s in report.sections:
        add(secs, s)
    n_blank = sum(1 for c in report.cells if c.state is CellState.blank)
    tree.add(f"表格单元格：{len(report.cells)} 个（未填报 {n_blank} 个）")
    if report.coverage is not None:  # parse coverage (helper tables' hook): found / expected per table
        parts = [f"{t.table} {t.found}/{t.expected}" + (f"（{t.unread} 格未能读取）" if t.unread else "")
                 + f" [{SOURCE_ZH.get(t.source, t.source)}]" for t in report.coverage.tables]
        tree.add(escape("读取情况：" + " · ".join(parts)))
    if report.findings:
        f_node = tree.add(f"[yellow]检查发现（{len(report.findings)} 处）[/yellow]")
        for f in report.findings:
            style = "red" if f.severity == "error" else "yellow"
            f_node.add(f"[{style}]{SEVERITY_ZH.get(f.severity, f.severity)}[/{style}] {f.table} {escape(f.rule)}：{escape(f.detail)}")
    for w in report.warnings:
        tree.add(f"[yellow]注意：[/yellow]{escape(w)}")
    return tree


def _table_grids(report) -> list[Table]:
    grids = []
    for table in ("表二", "表三", "表四"):
        cells = report.table_cells(table)
        if not cells:
            continue
        rows: dict[str, str] = {}
        cols: dict[str, str] = {}
        values: dict[tuple[str, str], str] = {}
        for c in cells:
            rows.setdefault(c.row, c.row_label)
            cols.setdefault(c.column, c.column_label)
            values[(c.row, c.column)] = c.display_value()
        blank = "（整表未填报）" if report.table_blank(table) else ""
        t = Table(title=f"{table}{blank}", show_lines=False, title_justify="left")
        t.add_column("行", overflow="fold", max_width=40)
        for label in cols.values():
            t.add_column(escape(label), justify="right")
        for rk, rl in rows.items():
            t.add_row(escape(rl), *(values.get((rk, ck), "") for ck in cols))
        grids.append(t)
    return grids


def parse_cmd(
    file: Path = typer.Argument(..., help="A report file: .pdf .docx .html .htm .md .txt"),
    json_out: bool = JsonOpt,
    index: Path | None = IndexOpt,
) -> None:
    """Parse one report and print what was found (sections, tables, findings); nothing is indexed."""
    from ingest.parse import parse_file

    if not file.exists():
        fail(f"{file}：文件或文件夹不存在")
    report = parse_file(file)
    if json_out:
        emit_json(report.model_dump(mode="json"))
        return
    console.print(_report_tree(report))
    for grid in _table_grids(report):
        console.print(grid)


# ---------------------------------------------------------------------- ingest


def ingest_cmd(
    paths: list[Path] = typer.Argument(None, help="Files and folders (recursive): .pdf .docx .html .htm .txt"),
    index: Path | None = IndexOpt,
    json_out: bool = JsonOpt,
    prune: bool = typer.Option(False, "--prune", help="Forget indexed files that are gone from disk."),
    rebuild: bool = typer.Option(False, "--rebuild",
                                 help="Wipe the index and ingest again (with no PATH: the files it listed)."),
    agency: str | None = typer.Option(None, "--agency",
                                      help="The agency, as printed (overrides what the parser identifies; every file given)."),
    year: int | None = typer.Option(None, "--year", min=1990, max=2100,
                                    help="The report year (overrides what the parser identifies; every file given)."),
) -> None:
    """Ingest report files into the index; unchanged files are skipped, changed ones replaced."""
    from ingest.indexer import ingest_paths

    if not paths and not (prune or rebuild):
        fail("请至少指定一个要入库的文件或文件夹（或使用 --prune / --rebuild）")
    if (agency or year) and not paths:
        fail("--agency / --year 需要指定要入库的文件")
    if agency is not None and not agency.strip():
        fail("--agency 不能为空")
    settings = make_settings(index)
    with StderrBar("ingest", not json_out and err_console.is_terminal, elapsed=True) as progress:
        result = ingest_paths(settings, paths or [], prune=prune, rebuild=rebuild, progress=progress,
                              note=None if json_out else
                              lambda m: err_console.print(escape(m), highlight=False, soft_wrap=True),
                              agency=agency.strip() if agency else None, year=year)
    if json_out:
        emit_json(result.model_dump(mode="json"))
    else:
        t = Table(show_header=True, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column("文件", overflow="fold", ratio=3)
        t.add_column("结果", no_wrap=True)
        t.add_column("报告", overflow="fold", ratio=2)
        t.add_column("说明", overflow="fold", ratio=2)
        for f in result.files:
            style = _STATUS_STYLE.get(f.status, "")
            report = f"{escape(f.agency)} {f.year}年" if f.agency else ""
            note = f.reason or (f"{f.chunks} 个片段" if f.chunks else "")
            if f.warnings:
                note = "；".join([note, *f.warnings[:3]] if note else f.warnings[:3])
            t.add_row(escape(f.path), f"[{style}]{STATUS_ZH.get(f.status, f.status)}[/{style}]", report, escape(note))
        if result.files:
            console.print(t)
        for p in result.pruned:
            console.print(f"已移除（文件已不存在）：{escape(p)}")
        console.print(f"新入库 {result.ingested}，未变化 {result.unchanged}，失败 {result.failed}"
                      + (f"，已移除 {len(result.pruned)}" if result.pruned else "")
                      + ("（索引已重建）" if result.rebuilt else "")
                      + f" · {result.chunks} 个片段，用时 {result.seconds:.1f} 秒 · 索引 {escape(result.index)}",
                      highlight=False)
    if result.failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------------- reports (check: ui/cli_check.py)


def reports_cmd(index: Path | None = IndexOpt, json_out: bool = JsonOpt) -> None:
    """List the ingested reports: agency, year, source, sections, cells, findings."""
    from ingest.index import ReportIndex

    with ReportIndex(make_settings(index)) as ix:
        infos = ix.reports()
    if json_out:
        emit_json([i.contract_dict() for i in infos])
        return
    if not infos:
        console.print("索引中还没有报告")
        return
    t = Table(show_header=True, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("报告（文件）", overflow="fold")
    for col in ("章节", "单元格", "检查发现"):
        t.add_column(col, justify="right", no_wrap=True)
    t.add_column("未填报的表", overflow="fold")
    for i in infos:
        findings = f"[red]{i.findings}[/red]" if i.errors else str(i.findings)
        t.add_row(f"{escape(i.agency)} {i.year}年\n[dim]{escape(i.source)}[/dim]", f"{i.sections}/6", str(i.cells),
                  findings, "、".join(i.blank_tables))
    console.print(t)
    console.print(f"共 {len(infos)} 份报告", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("parse")(user_errors(parse_cmd))
    app.command("ingest")(user_errors(ingest_cmd))
    app.command("reports")(user_errors(reports_cmd))
    from ui.cli_check import check_cmd

    app.command("check")(user_errors(check_cmd))
