"""Findings as flat rows (one per finding, Chinese headers) for CSV and XLSX, and one row per evidence item."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from ingest.audit.model import AuditFinding, Evidence
from ingest.errors import ReportQAError

HEADERS = ("序号", "机关", "年度", "来源文件", "表", "规则", "规则说明", "对象", "结论", "严重程度", "说明",
           "单元格", "数值", "引文", "页码")
EVIDENCE_HEADERS = ("序号", "机关", "年度", "来源文件", "类别", "表", "行", "列", "数值", "状态", "章节", "引文", "页码")
SEVERITY_WORDS = {"error": "错误", "warning": "提醒"}


class ExportError(ReportQAError):
    """The export file cannot be written."""


def _where(e: Evidence) -> str:
    if e.kind == "text":
        return f"{e.year}年 正文（{e.section or ''}）"
    return f"{e.year}年 {e.table}「{e.row_label or e.row}」「{e.column_label or e.column}」"


def finding_rows(findings: Iterable[AuditFinding]) -> list[list]:
    rows = []
    for i, f in enumerate(findings, 1):
        cells = [e for e in f.evidence if e.kind == "cell"]
        pages = sorted({e.page for e in f.evidence if e.page is not None})
        rows.append([i, f.agency, f.year, f.source, f.table, f.rule, f.description, f.subject, f.verdict.value,
                     SEVERITY_WORDS.get(f.severity, f.severity), f.detail,
                     "；".join(_where(e) for e in cells), "；".join(e.display for e in cells),
                     "\n".join(e.quote for e in f.evidence if e.quote),
                     "、".join(str(p) for p in pages)])
    return rows


def evidence_rows(findings: Iterable[AuditFinding]) -> list[list]:
    rows = []
    for i, f in enumerate(findings, 1):
        for e in f.evidence:
            rows.append([i, e.agency, e.year, e.source, "单元格" if e.kind == "cell" else "正文", e.table or "",
                         e.row_label or e.row or "", e.column_label or e.column or "",
                         e.display if e.kind == "cell" else "", e.state or "", e.section or "", e.quote,
                         e.page if e.page is not None else ""])
    return rows


def write_csv(findings: list[AuditFinding], path: str | Path) -> Path:
    """UTF-8 with BOM so that Excel opens the Chinese correctly."""
    p = Path(path)
    try:
        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADERS)
            w.writerows(finding_rows(findings))
    except OSError as e:
        raise ExportError(f"无法写入 {p}：{e}") from e
    return p


def write_xlsx(findings: list[AuditFinding], path: str | Path) -> Path:
    """Sheet 审核结果 (one row per finding) and sheet 单元格 (one row per cell or quote compared)."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError as e:  # pragma: no cover - a dependency of the project
        raise ExportError("导出 xlsx 需要 openpyxl：pip install openpyxl") from e
    wb = Workbook()
    ws = wb.active
    ws.title = "审核结果"
    sheets = ((ws, HEADERS, finding_rows(findings)), (wb.create_sheet("单元格"), EVIDENCE_HEADERS,
                                                      evidence_rows(findings)))
    for sheet, headers, rows in sheets:
        sheet.append(list(headers))
        for c in sheet[1]:
            c.font = Font(bold=True)
        for r in rows:
            sheet.append(r)
        sheet.freeze_panes = "A2"
        for col in sheet.iter_cols(min_row=2):
            for c in col:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    p = Path(path)
    try:
        wb.save(p)
    except OSError as e:
        raise ExportError(f"无法写入 {p}：{e}") from e
    return p


def write(findings: list[AuditFinding], path: str | Path, fmt: str) -> Path:
    if fmt == "csv":
        return write_csv(findings, path)
    if fmt == "xlsx":
        return write_xlsx(findings, path)
    raise ExportError(f"不支持的导出格式 {fmt!r}：可用 csv、xlsx")
