"""Entry point: a file -> a typed Report (metadata, section tree, table cells, findings)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from ingest.checks import run_checks
from ingest.errors import ReportError
from ingest.identify import identify
from ingest.models import Coverage, Report
from ingest.readers import Document, Line, read_document
from ingest.sections import build_sections, find_headings
from ingest.tables_parse import parse_tables
from ingest.template import SECTION_NUMBERS

log = logging.getLogger(__name__)


def parse_file(path: str | Path, *, agency: str | None = None, year: int | None = None) -> Report:
    """Read and parse one report file. Raises ReportError for anything that is not a report.

    ``agency`` / ``year`` override what identification finds (``reportqa ingest --agency/--year``)."""
    p = Path(path)
    doc = read_document(p)
    report = parse_document(doc, agency=agency, year=year)
    report.sha256 = hashlib.sha256(p.read_bytes()).hexdigest()
    return report


def parse_document(doc: Document, *, agency: str | None = None, year: int | None = None) -> Report:
    path = str(doc.path)
    lines = doc.lines()
    headings = find_headings(lines)
    ident = identify(doc, lines, headings, agency=agency, year=year)
    numbers = [h.spec.number for h in headings]
    # the title is metadata, not body text (in some layouts it follows the first heading); site navigation
    # before the report and the site footer after its signature are not the report's text
    body_lines = [Line("", ln.page) if i in ident.title_lines or i >= ident.body_end else ln
                  for i, ln in enumerate(lines)]
    sections = build_sections(body_lines, headings, ident.body_start)
    template = "2019" if ident.year <= 2020 else "2021"
    bounds = {h.spec.number: h.line_idx for h in headings}
    order = sorted(bounds.values()) + [len(lines)]

    def region(num: str) -> tuple[int, int]:
        """Lines of one section; a section whose heading was not found spans the gap between its neighbours."""
        if num in bounds:
            start = bounds[num] + 1
            return start, next(b for b in order if b >= start)
        idx = SECTION_NUMBERS.index(num)
        before = [bounds[n] for n in SECTION_NUMBERS[:idx] if n in bounds]
        after = [bounds[n] for n in SECTION_NUMBERS[idx + 1:] if n in bounds]
        if not before or not after:
            return (0, 0)
        return max(before) + 1, min(after)

    # 表三 may spill outside its section when a heading is missing: fall back to 三..五
    s3, e3 = region("三")
    if "四" not in bounds and "五" in bounds and s3 < bounds["五"]:
        e3 = bounds["五"]
    tables = parse_tables(doc, lines, {"二": region("二"), "三": (s3, e3), "四": region("四")}, template)
    warnings: list[str] = [*ident.warnings, *tables.warnings]
    if not tables.t3_found:
        later = [n for n in ("四", "五", "六") if n in bounds]
        why = ("表格的版式暂不支持" if later else
               f"文本不完整（只找到第{'、'.join(numbers) or '—'}节，在表三之前中断）")
        raise ReportError(path, f"已识别为{ident.agency}{ident.year}年政府信息公开工作年度报告，但未能读出表三"
                                f"（收到和处理政府信息公开申请情况）：{why}")
    if len(headings) < 6:
        missing = [n for n in SECTION_NUMBERS if n not in numbers]
        warnings.append(f"section(s) {'、'.join(missing)} not found")

    report = Report(
        agency=ident.agency, agency_variants=ident.variants, year=ident.year, title=ident.title,
        source=doc.path.name, source_path=str(doc.path.resolve()), template=template,
        pages=len(doc.pages) if doc.paged else 1, sections=sections,
        cells=tables.cells, warnings=warnings,
        coverage=Coverage(tables=tables.coverage, sections_found=[n for n in SECTION_NUMBERS if n in numbers]),
    )
    report.findings = run_checks(report)
    for w in warnings:
        log.info("%s: %s", doc.path.name, w)
    return report
