"""Entry point: a file -> a typed Report (metadata, section tree, table cells, findings)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from ingest.checks import run_checks
from ingest.errors import ReportError
from ingest.models import Coverage, Report
from ingest.readers import Document, Line, read_document
from ingest.sections import build_sections, find_headings, find_meta
from ingest.tables_parse import parse_tables

log = logging.getLogger(__name__)

MIN_SECTIONS = 5  # fewer of the six sections means a truncated or foreign text


def parse_file(path: str | Path) -> Report:
    """Read and parse one report file. Raises ReportError for anything that is not a report."""
    p = Path(path)
    doc = read_document(p)
    report = parse_document(doc)
    report.sha256 = hashlib.sha256(p.read_bytes()).hexdigest()
    return report


def parse_document(doc: Document) -> Report:
    path = str(doc.path)
    lines = doc.lines()
    meta = find_meta(lines)
    if meta is None:
        raise ReportError(path, "not a disclosure annual report: no title like '<机关>2021年政府信息公开工作年度报告' in the first lines")
    headings = find_headings(lines)
    numbers = [h.spec.number for h in headings]
    if len(headings) < MIN_SECTIONS:
        missing = [n for n in "一二三四五六" if n not in numbers]
        raise ReportError(path, f"truncated or incomplete report: sections {'、'.join(missing)} of the six template sections not found")
    # the title is metadata, not body text (in some layouts it follows the first heading)
    body_lines = [Line("", ln.page) if i in meta.title_lines else ln for i, ln in enumerate(lines)]
    sections = build_sections(body_lines, headings, meta.title_line + 1)
    template = "2019" if meta.year <= 2020 else "2021"
    bounds = {h.spec.number: h.line_idx for h in headings}
    order = [h.line_idx for h in headings] + [len(lines)]

    def region(num: str) -> tuple[int, int]:
        if num not in bounds:
            return (0, 0)
        start = bounds[num]
        end = next(b for b in order if b > start)
        return start + 1, end

    # 表三 may spill outside its section when a heading is missing: fall back to 三..五
    s3, e3 = region("三")
    if "四" not in bounds and "五" in bounds:
        e3 = bounds["五"]
    tables = parse_tables(doc, lines, {"二": region("二"), "三": (s3, e3), "四": region("四")}, template)
    warnings: list[str] = list(tables.warnings)
    if not tables.t3_found:
        raise ReportError(path, "truncated or incomplete report: 表三 (收到和处理政府信息公开申请情况) not found")
    if len(headings) < 6:
        missing = [n for n in "一二三四五六" if n not in numbers]
        warnings.append(f"section(s) {'、'.join(missing)} not found")

    report = Report(
        agency=meta.agency, agency_variants=meta.variants, year=meta.year, title=meta.title,
        source=doc.path.name, source_path=str(doc.path.resolve()), template=template,
        pages=len(doc.pages) if doc.paged else 1, sections=sections,
        cells=tables.cells, warnings=warnings,
        coverage=Coverage(tables=tables.coverage, sections_found=[n for n in "一二三四五六" if n in numbers]),
    )
    report.findings = run_checks(report)
    for w in warnings:
        log.info("%s: %s", doc.path.name, w)
    return report
