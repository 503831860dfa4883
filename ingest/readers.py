"""Readers: PDF, DOCX, HTML, Markdown, TXT (UTF-8 or GBK/GB18030) -> Document of page texts and table grids.

Every reader gives the text as lines (``Document.lines()``; tables in DOCX,
HTML and Markdown rendered one row per line with tab-separated cells) and,
where the format has table structure, one ``ingest.grid.Grid`` per table
(``Document.tables``: HTML ``<table>``, DOCX tables with merged cells, PDF
ruled tables, Markdown pipe tables). Every failure is a ``ReportError``
naming the file and the reason.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest import limits
from ingest.errors import ReportError

log = logging.getLogger(__name__)

SUPPORTED = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "txt", ".md": "md",
             ".markdown": "md"}
# a PDF page is searched for ruled tables only when its text names one of the template tables
_PDF_TABLE_WORDS = ("信息内容", "本年新收", "申请人情况", "复议", "第二十条")


@dataclass
class Line:
    text: str
    page: int | None


@dataclass
class Document:
    path: Path
    kind: str  # pdf | docx | html | txt | md
    pages: list[str]
    paged: bool = False  # True when page numbers are real (PDF, or TXT with form feeds)
    meta: dict = field(default_factory=dict)
    tables: list = field(default_factory=list)  # ingest.grid.Grid per table found in the file's structure
    load_tables: Callable[[], list] | None = field(default=None, repr=False)  # PDF: ruled tables, found on demand

    def grids(self) -> list:
        """The table grids; a PDF's are searched for only when first asked (the text layer usually suffices)."""
        if self.load_tables is not None:
            self.tables = self.load_tables()
            self.load_tables = None
        return self.tables

    def lines(self) -> list[Line]:
        out: list[Line] = []
        for i, page in enumerate(self.pages):
            pno = i + 1 if self.paged else None
            for raw in page.splitlines():
                out.append(Line(raw.rstrip("\r"), pno))
        return out

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_document(path: str | Path) -> Document:
    p = Path(path)
    if not p.exists():
        raise ReportError(str(p), "文件不存在")
    if p.is_dir():
        raise ReportError(str(p), "这是文件夹，不是文件")
    kind = SUPPORTED.get(p.suffix.lower())
    if kind is None:
        raise ReportError(str(p), f"不支持的文件类型「{p.suffix or '无扩展名'}」：只接受 PDF、DOCX、HTML、Markdown、TXT")
    limits.check_before_read(p, kind)  # sizes, entries, pages, encryption: before anything is read
    data = p.read_bytes()
    if not data.strip():
        raise ReportError(str(p), "文件是空的")
    reader = {"pdf": _read_pdf, "docx": _read_docx, "html": _read_html, "txt": _read_txt, "md": _read_md}[kind]
    try:
        doc = reader(p, data)
    except ReportError:
        raise
    except Exception as e:  # a library choking on a damaged file (its words go to the log)
        log.info("%s: cannot read it as %s: %s: %s", p, kind, type(e).__name__, str(e)[:200])
        raise ReportError(str(p), f"无法读取这个 {kind.upper()} 文件（文件已损坏或格式不对）") from e
    if not any(page.strip() for page in doc.pages):
        raise ReportError(str(p), "文件中没有文字")
    limits.check_text(p, doc.text)
    return doc


# ------------------------------------------------------------------ TXT


def decode_text(data: bytes, path: str = "") -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM) or GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReportError(path, "不是文本文件（无法识别字符编码）")
    return str(best), best.encoding


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text[:5000] if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd")
    return bad / min(len(text), 5000) > 0.05


def _read_txt(p: Path, data: bytes) -> Document:
    text, enc = decode_text(data, str(p))
    if _looks_binary(text):
        raise ReportError(str(p), "不是文本文件（内容是二进制数据）")
    pages = text.split("\f")
    return Document(p, "txt", pages, paged=len(pages) > 1, meta={"encoding": enc})


# ------------------------------------------------------------------ PDF


def _read_pdf(p: Path, data: bytes) -> Document:
    if not data.lstrip().startswith(b"%PDF"):
        raise ReportError(str(p), "不是 PDF 文件（没有 %PDF 文件头）")
    from ingest.pdf_text import pdf_image_count, pdfium_pages_and_info

    # page text from PDFium: the same cells, sections and pages as pdfplumber's extract_text, several times
    # faster (eval/bench_pdf_text.py); pdfplumber still finds the ruled tables (_pdf_grids) and counts images
    pages, info = pdfium_pages_and_info(p)
    doc_title = info.get("Title", "")  # a browser's "save as PDF" keeps <title>
    chars = sum(len(t.strip()) for t in pages)
    if chars < 20:
        why = "扫描图像" if pdf_image_count(p) else "没有文字"
        raise ReportError(str(p), f"PDF 没有文字层（{len(pages)} 页，{why}）：扫描件需要先做文字识别（OCR），"
                                  "ReportQA 不做 OCR")
    return Document(p, "pdf", pages, paged=True, load_tables=lambda: _pdf_grids(p, pages),
                    meta={"doc_title": doc_title})


def _pdf_grids(p: Path, pages: list[str]) -> list:
    """Ruled tables of the pages that name a template table, and of the page after one that held a table."""
    import pdfplumber

    from ingest.grid import pdf_page_grids

    grids: list = []
    try:
        with pdfplumber.open(str(p)) as pdf:
            for i, page in enumerate(pdf.pages):
                text = pages[i] if i < len(pages) else ""
                if any(w in text.replace(" ", "") for w in _PDF_TABLE_WORDS) or (grids and grids[-1].page == i):
                    grids += pdf_page_grids(page, i + 1, len(grids))
    except Exception as e:  # the text layer was read; a table finder failing leaves the text parser to it
        log.info("%s: ruled tables not read (%s)", p.name, e)
    return grids


# ------------------------------------------------------------------ DOCX


def _read_docx(p: Path, data: bytes) -> Document:
    if not zipfile.is_zipfile(p):
        raise ReportError(str(p), "不是 DOCX 文件（不是 zip 压缩包）；旧的 .doc 文件请先另存为 .docx")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from ingest.grid import docx_grid

    d = docx.Document(str(p))
    lines: list[str] = []
    grids: list = []
    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, d).text)
        elif tag == "tbl":
            table = Table(child, d)
            lines.extend(_docx_table_lines(table))
            grids.append(docx_grid(table, len(grids)))
    return Document(p, "docx", ["\n".join(lines)], paged=False, tables=grids,
                    meta={"doc_title": d.core_properties.title or ""})


def _docx_table_lines(table) -> list[str]:
    out: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            ident = id(cell._tc)
            if ident in seen:  # a horizontally merged cell repeats; keep one
                continue
            seen.add(ident)
            cells.append(" ".join(cell.text.split()))
        out.append("\t".join(cells))
    return out


# ------------------------------------------------------------------ HTML


def _read_html(p: Path, data: bytes) -> Document:
    from bs4 import BeautifulSoup

    text, _ = decode_text(data, str(p))
    soup = BeautifulSoup(text, "lxml")
    title_tag = soup.find("title")
    html_title = " ".join(title_tag.get_text(" ").split()) if title_tag is not None else ""
    for bad in soup(["script", "style", "noscript", "head"]):
        bad.decompose()
    from ingest.grid import html_grids

    grids = html_grids(soup)
    # tables first: replace each outermost table by its tab-separated rows
    for table in soup.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        rows = []
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            cells = [" ".join(td.get_text(" ").split()) for td in tr.find_all(["td", "th"], recursive=False)]
            rows.append("\t".join(cells))
        table.replace_with(soup.new_string("\n" + "\n".join(rows) + "\n"))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for blk in soup.find_all(["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article"]):
        blk.insert_before("\n")
        blk.insert_after("\n")
    body = soup.body or soup
    raw = body.get_text("")
    lines = [ln.strip(" \u00a0\u3000") if "\t" not in ln else ln.strip("\n") for ln in raw.splitlines()]
    return Document(p, "html", ["\n".join(ln for ln in lines if ln.strip())], paged=False,
                    meta={"html_title": html_title}, tables=grids)


# ------------------------------------------------------------------ Markdown

_RE_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_RE_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _read_md(p: Path, data: bytes) -> Document:
    """Markdown as converters write it (markitdown, pymupdf4llm): pipe tables read as grids and as tab lines."""
    from ingest.grid import MD_SEPARATOR, cell_text, is_pipe_row, markdown_grids, split_pipe_row

    text, enc = decode_text(data, str(p))
    if _looks_binary(text):
        raise ReportError(str(p), "不是文本文件（内容是二进制数据）")
    grids, spans = markdown_grids(text)
    src = text.splitlines()
    table_lines: dict[int, list[str]] = {}
    for g, (a, b) in zip(grids, spans):
        table_lines[a] = ["\t".join(g.row_texts(r)) for r in range(g.height)]
        for i in range(a + 1, b):
            table_lines[i] = []
    out: list[str] = []
    for i, ln in enumerate(src):
        if i in table_lines:
            out.extend(table_lines[i])
            continue
        if is_pipe_row(ln):  # a one-row pipe table or its separator (converters write them around stray cells)
            if not MD_SEPARATOR.match(ln):
                out.append("\t".join(c for c in (cell_text(x) for x in split_pipe_row(ln)) if c))
            continue
        ln = _RE_MD_HEADING.sub("", ln)
        out.append(_RE_MD_EMPHASIS.sub(r"\2", ln))
    pages = "\n".join(out).split("\f")
    return Document(p, "md", pages, paged=len(pages) > 1, meta={"encoding": enc}, tables=grids)
