"""PDF rendering with reportlab: built-in CJK CID font STSong-Light (no font file),
real table grids (so the PDF has a text layer and ruling lines), page numbers in
the footer."""

from __future__ import annotations

import random
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .document import Heading, Para, Signature, T2Table, T3Table, T4Table, Title, grid_of

FONT = "STSong-Light"
_registered = False


def _register() -> None:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True


class _Styles:
    def __init__(self, size: float):
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=size * 1.6, wordWrap="CJK",
                                   firstLineIndent=size * 2)
        self.h1 = ParagraphStyle("h1", parent=self.body, firstLineIndent=size * 2, spaceBefore=4, spaceAfter=2)
        self.h2 = ParagraphStyle("h2", parent=self.body, firstLineIndent=size * 2)
        self.title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=28, alignment=TA_CENTER,
                                    wordWrap="CJK", spaceAfter=10)
        self.cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")
        self.ccell = ParagraphStyle("ccell", parent=self.cell, alignment=TA_CENTER)
        self.sign = ParagraphStyle("sign", parent=self.body, alignment=TA_RIGHT, firstLineIndent=0)


def _p(text: str, st: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), st)


def _grid(extra: list) -> TableStyle:
    return TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        *extra,
    ])


def _table(S: _Styles, el, width: float) -> Table:
    g = grid_of(el)
    if g.n_cols == 10:  # 表三: label columns wide, numbers narrow
        lab = [width * 0.06, width * 0.11, width * 0.23]
        widths = lab + [(width - sum(lab)) / 7] * 7
    else:
        widths = [width / g.n_cols] * g.n_cols
    data: list[list] = [[""] * g.n_cols for _ in g.rows]
    spans: list = []
    for r, c, cell in g.placed():
        if cell.header:
            data[r][c] = _p(cell.text, S.ccell if len(cell.text) <= 8 else S.cell)
        else:
            data[r][c] = cell.text
        if cell.rowspan > 1 or cell.colspan > 1:
            spans.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    return Table(data, colWidths=widths, style=_grid(spans))


def render_pdf(rng: random.Random, doc: list, path: Path, title: str, author: str) -> None:
    _register()
    S = _Styles(rng.choice([10.5, 11, 12]))
    margin = rng.choice([56, 64, 72])
    width = A4[0] - 2 * margin
    footer = rng.choice(["- {n} -", "{n}", "第 {n} 页"])

    def on_page(canvas, d):
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(A4[0] / 2, margin * 0.5, footer.format(n=d.page))
        canvas.restoreState()

    story: list = []
    for el in doc:
        if isinstance(el, Title):
            lines = el.lines
            fs = S.title.fontSize
            if any(sum(fs if ord(ch) > 255 else fs / 2 for ch in x) > width * 0.95 for x in lines):
                lines = el.two_lines()  # a long title breaks after the agency, as typeset reports do
            story.append(Paragraph("<br/>".join(escape(x) for x in lines), S.title))
        elif isinstance(el, Heading):
            story.append(_p(el.text, S.h1 if el.level == 1 else S.h2))
        elif isinstance(el, Para):
            story.append(_p(el.text, S.body))
        elif isinstance(el, (T2Table, T3Table, T4Table)):
            story += [Spacer(1, 4), _table(S, el, width), Spacer(1, 6)]
        elif isinstance(el, Signature):
            story += [Spacer(1, 12)] + [_p(x, S.sign) for x in el.lines]
    d = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                          bottomMargin=margin, title=title, author=author, creator="ReportQA synth",
                          invariant=1)
    d.build(story, onFirstPage=on_page, onLaterPages=on_page)
