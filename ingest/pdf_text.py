"""Page text of a PDF with pypdfium2 (PDFium), the fast alternative to pdfplumber's ``extract_text``.

pypdfium2 is already installed as a pdfplumber dependency. :func:`pdfium_pages`
returns one string per page, lines separated by ``\\n`` (PDFium's ``\\r\\n``
normalised), in PDFium's reading order. Whether it may replace pdfplumber in
``ingest.readers`` is decided by ``eval/bench_pdf_text.py``, which compares
speed, lines and the parsed table cells of both on the same files; pdfplumber
stays wherever word positions or its table finder are needed.

:func:`pdfium_lines_with_boxes` gives each line's page number and bounding
box (PDF points, origin bottom-left) for citations.

``ingest.readers`` reads a PDF's text with :func:`pdfium_pages`; pdfplumber
is opened only for what needs it: the ruled-table grids (``ingest.grid``, on
demand) and :func:`pdf_image_count` for a PDF without a text layer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ReportError


def _open(path: str | Path):
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:  # pragma: no cover - a pdfplumber dependency
        raise ReportError(str(path), f"缺少 pypdfium2（{exc}）：请运行 `make install`") from exc
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:  # the library's words go to the log; the user reads Chinese
        logging.getLogger(__name__).info("%s: PDFium cannot open it: %s", path, exc)
        raise ReportError(str(path), "PDF 文件已损坏或无法读取") from exc


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "").replace("\x02", "")


def pdfium_pages(path: str | Path) -> list[str]:
    """One text string per page (lines joined with ``\\n``), page order kept."""
    return pdfium_pages_and_info(path)[0]


def pdfium_pages_and_info(path: str | Path) -> tuple[list[str], dict[str, str]]:
    """(page texts as :func:`pdfium_pages`, the document information dict: Title, Author, ...)."""
    doc = _open(path)
    pages: list[str] = []
    try:
        try:
            info = {k: str(v) for k, v in (doc.get_metadata_dict(skip_empty=True) or {}).items()}
        except Exception:  # noqa: BLE001 - damaged metadata never stops the text
            info = {}
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            try:
                pages.append("\n".join(ln.rstrip() for ln in _normalise(textpage.get_text_range()).split("\n")))
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()
    return pages, info


@dataclass(frozen=True)
class PdfLine:
    """One line of a page: its text, 1-based page number and box (left, bottom, right, top) in points."""

    page: int
    text: str
    box: tuple[float, float, float, float]


def pdfium_lines_with_boxes(path: str | Path) -> list[PdfLine]:
    """Every non-empty line with its page and bounding box (the union of its characters' boxes)."""
    doc = _open(path)
    out: list[PdfLine] = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            try:
                text = tp.get_text_range()
                start = 0
                for raw in text.replace("\r\n", "\n").split("\n"):
                    # get_text_range gives one character per index, with "\r\n" as two
                    n = len(raw)
                    boxes = [tp.get_charbox(j) for j in range(start, start + n) if raw[j - start].strip()]
                    if boxes:
                        out.append(PdfLine(i + 1, _normalise(raw).strip(), (
                            min(b[0] for b in boxes), min(b[1] for b in boxes),
                            max(b[2] for b in boxes), max(b[3] for b in boxes))))
                    start += n + 2
            finally:
                tp.close()
                page.close()
    finally:
        doc.close()
    return out



def pdf_image_count(path: str | Path) -> int:
    """Images on all pages (pdfplumber): says whether a PDF without text is a scan."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return sum(len(page.images) for page in pdf.pages)


@dataclass(frozen=True)
class PageChars:
    """One page's characters, one per PDFium character index, each with its box (left, bottom, right, top) in
    points, origin bottom-left; generated characters (the spaces and line breaks PDFium inserts) have
    ``None``. ``width`` / ``height``: the page size in points. For positions on the page (source boxes)."""

    page: int
    width: float
    height: float
    text: str
    boxes: tuple[tuple[float, float, float, float] | None, ...]


def pdfium_page_chars(path: str | Path, page: int) -> PageChars:
    """The characters of 1-based ``page`` with their boxes (ReportError for a damaged file or no such page)."""
    import pypdfium2.raw as raw

    doc = _open(path)
    try:
        if not 1 <= page <= len(doc):
            raise ReportError(str(path), f"the PDF has {len(doc)} pages, not {page}")
        pg = doc[page - 1]
        tp = pg.get_textpage()
        try:
            width, height = pg.get_size()
            n = tp.count_chars()
            chars: list[str] = []
            boxes: list[tuple[float, float, float, float] | None] = []
            for i in range(n):
                code = raw.FPDFText_GetUnicode(tp, i)
                ch = chr(code) if 0 < code < 0x110000 else " "
                generated = raw.FPDFText_IsGenerated(tp, i) == 1 if hasattr(raw, "FPDFText_IsGenerated") else False
                chars.append(ch)
                boxes.append(None if generated or ch.isspace() else tp.get_charbox(i))
        finally:
            tp.close()
            pg.close()
    finally:
        doc.close()
    return PageChars(page, float(width), float(height), _normalise_chars(chars), tuple(boxes))


def _normalise_chars(chars: list[str]) -> str:
    """Characters joined one per index (PDFium's odd markers as spaces, so indexes stay aligned)."""
    return "".join(" " if ch in "\ufffe\x02\r" else ch for ch in chars)
