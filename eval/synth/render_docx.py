"""DOCX rendering with real Word tables, label cells merged as in the template.

Tables are written as WordprocessingML directly (gridSpan / vMerge, exactly what
Word's "merge cells" produces): python-docx's cell.merge() is far too slow for
hundreds of documents.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from .document import Grid, Heading, Para, Signature, T2Table, T3Table, T4Table, Title, grid_of

_TW = 8500  # table width in twips (A4 text width ~ 15 cm)
_BORDERS = "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for s in ("top", "left", "bottom", "right", "insideH", "insideV"))


def _col_widths(n: int) -> list[int]:
    if n == 10:  # 表三: wide label columns, narrow numbers
        lab = [600, 1100, 2300]
        return lab + [(_TW - sum(lab)) // 7] * 7
    return [_TW // n] * n


def _tc(width: int, text: str | None, span: int, vmerge: str | None, size: int) -> str:
    pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        pr += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        pr += "<w:vMerge/>"
    pr += '<w:vAlign w:val="center"/>'
    run = ""
    if text:
        run = (f'<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr>'
               f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')
    return f'<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:pPr><w:jc w:val="center"/></w:pPr>{run}</w:p></w:tc>'


def _tbl_xml(g: Grid, size: int) -> str:
    widths = _col_widths(g.n_cols)
    starts = {(r, c): cell for r, c, cell in g.placed()}
    cont: dict[tuple[int, int], tuple[int, object]] = {}
    for (r, c), cell in starts.items():
        for dr in range(1, cell.rowspan):
            cont[(r + dr, c)] = (cell.colspan, cell)
    rows = []
    for r in range(len(g.rows)):
        tcs, c = [], 0
        while c < g.n_cols:
            if (r, c) in starts:
                cell = starts[(r, c)]
                w = sum(widths[c:c + cell.colspan])
                tcs.append(_tc(w, cell.text, cell.colspan, "restart" if cell.rowspan > 1 else None, size))
                c += cell.colspan
            elif (r, c) in cont:
                span, _ = cont[(r, c)]
                tcs.append(_tc(sum(widths[c:c + span]), None, span, "continue", size))
                c += span
            else:  # a hole: should not happen with the template grids, keep the row well-formed
                tcs.append(_tc(widths[c], None, 1, None, size))
                c += 1
        rows.append("<w:tr>" + "".join(tcs) + "</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{_TW}" w:type="dxa"/>'
            f'<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
            f'<w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>')


def _fonts(doc, rng: random.Random) -> None:
    st = doc.styles["Normal"]
    face = rng.choice(["仿宋_GB2312", "宋体", "仿宋"])
    st.font.name = face
    st.font.size = Pt(rng.choice([12, 14, 16]))
    st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)


class _FixedDateZip:
    """A PhysPkgWriter for python-docx's PackageWriter: fixed timestamps (same seed, same
    bytes) and fast compression."""

    def __init__(self, path: Path, date: tuple[int, ...]):
        self._z = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self._date = date

    def write(self, pack_uri, blob: bytes) -> None:
        zi = zipfile.ZipInfo(pack_uri.membername, date_time=self._date)
        zi.compress_type = zipfile.ZIP_DEFLATED
        self._z.writestr(zi, blob, compresslevel=1)

    def close(self) -> None:
        self._z.close()


def _save(doc, path: Path, year: int) -> None:
    pkg = doc.part.package
    for part in pkg.parts:
        part.before_marshal()
    w = _FixedDateZip(path, (year + 1, 1, 15, 9, 0, 0))
    try:
        PackageWriter._write_content_types_stream(w, pkg.parts)
        PackageWriter._write_pkg_rels(w, pkg.rels)
        PackageWriter._write_parts(w, pkg.parts)
    finally:
        w.close()


_TEMPLATE = None
_SECT_PR = None


def _fresh_document():
    """python-docx's default document, loaded once per process and emptied for each report
    (loading it costs more than writing a whole report)."""
    global _TEMPLATE, _SECT_PR
    if _TEMPLATE is None:
        _TEMPLATE = Document()
        _SECT_PR = copy.deepcopy(_TEMPLATE.element.body.sectPr)
    body = _TEMPLATE.element.body
    body.clear()
    body.append(copy.deepcopy(_SECT_PR))
    return _TEMPLATE


def render_docx(rng: random.Random, elements: list, path: Path, *, title: str = "", author: str = "",
                year: int = 2021) -> None:
    doc = _fresh_document()
    _fonts(doc, rng)
    cp = doc.core_properties
    cp.title, cp.author, cp.comments = title, author, ""
    cp.created = cp.modified = dt.datetime(year + 1, 1, rng.randint(5, 28), 9, 0, 0)
    body = doc.element.body
    bold_heads = rng.random() < 0.7
    cell_size = rng.choice([18, 20, 21])  # half-points
    for el in elements:
        if isinstance(el, Title):
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for k, line in enumerate(el.lines):
                run = p.add_run(line)
                run.bold = True
                run.font.size = Pt(22)
                if k < len(el.lines) - 1:
                    run.add_break()
        elif isinstance(el, Heading):
            p = doc.add_paragraph()
            run = p.add_run(el.text)
            run.bold = bold_heads or el.level == 1
        elif isinstance(el, Para):
            p = doc.add_paragraph(el.text)
            p.paragraph_format.first_line_indent = Pt(28)
        elif isinstance(el, (T2Table, T3Table, T4Table)):
            tbl = parse_xml(_tbl_xml(grid_of(el), cell_size))
            body.sectPr.addprevious(tbl) if body.sectPr is not None else body.append(tbl)
            doc.add_paragraph()  # Word needs a paragraph between consecutive tables
        elif isinstance(el, Signature):
            for line in el.lines:
                p = doc.add_paragraph(line)
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _save(doc, path, year)
