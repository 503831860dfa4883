"""``reportqa parse | ingest | reports | check``: thin over ingest.parse, ingest.indexer and ingest.index."""

from __future__ import annotations

from pathlib import Path

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from ui.cli_common import IndexOpt, StderrBar, JsonOpt, console, emit_json, err_console, fail, make_settings, user_errors

_STATUS_STYLE = {"ingested": "green", "unchanged": "dim", "failed": "red"}


# ---------------------------------------------------------------------- parse


def _report_tree(report) -> Tree:
    from ingest.models import CellState

    head = f"[bold]{escape(report.agency)}[/bold] {report.year}年 · {escape(report.source)}"
    tree = Tree(head)
    meta = tree.add("[dim]details[/dim]")
    meta.add(f"title: {escape(report.title or '—')}")
    if report.agency_variants:
        meta.add(f"agency as printed: {escape('、'.join(report.agency_variants))}")
    meta.add(f"template: {report.template} · pages: {report.pages} · sha256: {report.sha256[:12] or '—'}")
    secs = tree.add(f"sections ({sum(1 for s in report.sections if s.number)} of 6)")

    def add(node, sec) -> None:
        pages = f" p.{sec.page_start}" if sec.page_start else ""
        child = node.add(f"{escape(sec.title or sec.path or '(preamble)')} [dim]{len(sec.text)} chars{pages}[/dim]")
        for c in sec.children:
            add(child, c)

    for s in report.sections:
        add(secs, s)
    n_blank = sum(1 for c in report.cells if c.state is CellState.blank)
    tree.add(f"table cells: {len(report.cells)} ({n_blank} blank)")
    if report.coverage is not None:  # parse coverage (helper tables' hook): found / expected per table
        parts = [f"{t.table} {t.found}/{t.expected}" + (f" ({t.unread} unread)" if t.unread else "") + f" [{t.source}]"
                 for t in report.coverage.tables]
        tree.add(escape("coverage: " + " · ".join(parts)))
    if report.findings:
        f_node = tree.add(f"[yellow]findings ({len(report.findings)})[/yellow]")
        for f in report.findings:
            style = "red" if f.severity == "error" else "yellow"
            f_node.add(f"[{style}]{f.severity}[/{style}] {f.table} {escape(f.rule)}: {escape(f.detail)}")
    for w in report.warnings:
        tree.add(f"[yellow]warning:[/yellow] {escape(w)}")
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
        blank = " (blank: not reported)" if report.table_blank(table) else ""
        t = Table(title=f"{table}{blank}", show_lines=False, title_justify="left")
        t.add_column("row", overflow="fold", max_width=40)
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
        fail(f"{file}: no such file or folder")
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
        fail("give at least one file or folder to ingest (or --prune / --rebuild)")
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
        t.add_column("file", overflow="fold", ratio=3)
        t.add_column("status", no_wrap=True)
        t.add_column("report", overflow="fold", ratio=2)
        t.add_column("note", overflow="fold", ratio=2)
        for f in result.files:
            style = _STATUS_STYLE[f.status]
            report = f"{escape(f.agency)} {f.year}年" if f.agency else ""
            note = f.reason or (f"{f.chunks} chunks" if f.chunks else "")
            if f.warnings:
                note = "；".join([note, *f.warnings[:3]] if note else f.warnings[:3])
            t.add_row(escape(f.path), f"[{style}]{f.status}[/{style}]", report, escape(note))
        if result.files:
            console.print(t)
        for p in result.pruned:
            console.print(f"pruned (file gone): {escape(p)}")
        console.print(f"ingested {result.ingested}, unchanged {result.unchanged}, failed {result.failed}"
                      + (f", pruned {len(result.pruned)}" if result.pruned else "")
                      + (" (index rebuilt)" if result.rebuilt else "")
                      + f" · {result.chunks} chunks in {result.seconds:.1f}s · index {escape(result.index)}",
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
        console.print("no reports in the index")
        return
    t = Table(show_header=True, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("report (source)", overflow="fold")
    for col in ("sections", "cells", "findings"):
        t.add_column(col, justify="right", no_wrap=True)
    t.add_column("blank tables", overflow="fold")
    for i in infos:
        findings = f"[red]{i.findings}[/red]" if i.errors else str(i.findings)
        t.add_row(f"{escape(i.agency)} {i.year}年\n[dim]{escape(i.source)}[/dim]", f"{i.sections}/6", str(i.cells),
                  findings, "、".join(i.blank_tables))
    console.print(t)
    console.print(f"{len(infos)} report(s)", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("parse")(user_errors(parse_cmd))
    app.command("ingest")(user_errors(ingest_cmd))
    app.command("reports")(user_errors(reports_cmd))
    from ui.cli_check import check_cmd

    app.command("check")(user_errors(check_cmd))
