"""Limits on what one file may cost, checked before the expensive read.

- DOCX (a ZIP package): the entry count, the total uncompressed size and the
  uncompressed size of its XML parts (what python-docx/lxml parse) are read
  from the ZIP's central directory (``zipfile.infolist``) before any entry is
  decompressed: a decompression bomb is refused at the cost of reading its
  directory. (``zipfile`` never inflates an entry beyond its declared size.)
- PDF: the page tree is walked (no page content parsed) and the file refused
  beyond ``max_pdf_pages``; an encrypted PDF that needs a password is named as such.
- TXT / HTML: the file size is checked against ``max_text_chars`` before it is
  read (a character takes at most 4 bytes), the text's length after.
- Chunks per report: checked by the indexer after chunking.

Every refusal is a ``ReportError`` with a one-line Chinese reason. The limits
in force are the settings of the running ingest (``configure``), else the
process settings.
"""

from __future__ import annotations

import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import ReportError

MB = 1024 * 1024
HTML_BYTES_PER_CHAR = 4  # markup around the text: an HTML file may be this many bytes per allowed character
_XML_SUFFIXES = (".xml", ".rels")


@dataclass(frozen=True)
class Limits:
    container_mb: int
    container_xml_mb: int
    container_entries: int
    pdf_pages: int
    text_chars: int
    report_chunks: int

    @classmethod
    def from_settings(cls, s: Any) -> Limits:
        return cls(container_mb=s.max_container_mb, container_xml_mb=s.max_container_xml_mb,
                   container_entries=s.max_container_entries, pdf_pages=s.max_pdf_pages,
                   text_chars=s.max_text_chars, report_chunks=s.max_report_chunks)


_active: Limits | None = None
_lock = threading.Lock()


def configure(settings: Any | None) -> None:
    """Use ``settings``' limits in this process from now on (None: back to the process settings)."""
    global _active
    with _lock:
        _active = Limits.from_settings(settings) if settings is not None else None


def current() -> Limits:
    if _active is not None:
        return _active
    from ingest.settings import get_settings

    return Limits.from_settings(get_settings())


def _mb(n: int) -> str:
    return f"{n / MB:,.1f} MB"


# ---------------------------------------------------------------------- before reading


def check_before_read(path: Path, kind: str, limits: Limits | None = None) -> None:
    """Refuse a file whose reading would cost more than the limits allow (ReportError)."""
    lim = limits or current()
    if kind == "docx":
        check_container(path, lim)
    elif kind == "pdf":
        check_pdf(path, lim)
    elif kind in ("txt", "html"):
        size = Path(path).stat().st_size
        per_char = 4 if kind == "txt" else HTML_BYTES_PER_CHAR * 4
        if size > lim.text_chars * per_char:
            raise ReportError(str(path), f"文件过大：{_mb(size)}，超过文本上限（{lim.text_chars:,} 字，"
                                         f"约 {_mb(lim.text_chars * per_char)}；设置 REPORTQA_MAX_TEXT_CHARS）")


def check_container(path: Path, lim: Limits) -> None:
    """Entry count and uncompressed sizes of a ZIP package, from its central directory only."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a ZIP: the reader says so in its own words
    if len(infos) > lim.container_entries:
        raise ReportError(str(path), f"压缩包条目过多：{len(infos):,} 个，上限 {lim.container_entries:,} 个"
                                     "（疑似恶意构造的文件；设置 REPORTQA_MAX_CONTAINER_ENTRIES）")
    total = sum(max(i.file_size, 0) for i in infos)
    if total > lim.container_mb * MB:
        raise ReportError(str(path), f"解压后体积过大：{_mb(total)}，上限 {lim.container_mb} MB"
                                     "（疑似“解压炸弹”；设置 REPORTQA_MAX_CONTAINER_MB）")
    xml = sum(max(i.file_size, 0) for i in infos if i.filename.lower().endswith(_XML_SUFFIXES))
    if xml > lim.container_xml_mb * MB:
        raise ReportError(str(path), f"文档正文（XML）解压后过大：{_mb(xml)}，上限 {lim.container_xml_mb} MB"
                                     "（设置 REPORTQA_MAX_CONTAINER_XML_MB）")


def check_pdf(path: Path, lim: Limits) -> None:
    """Encrypted (password needed) and page-count checks, walking the page tree only."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        with open(path, "rb") as f:
            try:
                doc = PDFDocument(PDFParser(f))
            except (PDFPasswordIncorrect, PDFEncryptionError) as e:
                raise ReportError(str(path), "PDF 文件已加密（需要密码才能打开），无法读取；"
                                             "请上传未加密的版本") from e
            n = 0
            for _ in PDFPage.create_pages(doc):
                n += 1
                if n > lim.pdf_pages:
                    raise ReportError(str(path), f"PDF 页数过多：超过 {lim.pdf_pages:,} 页的上限"
                                                 "（设置 REPORTQA_MAX_PDF_PAGES）")
    except ReportError:
        raise
    except Exception:  # noqa: BLE001 - a damaged PDF: the reader reports it in its own words
        return


# ---------------------------------------------------------------------- after reading


def check_text(path: Path, text: str, limits: Limits | None = None) -> None:
    lim = limits or current()
    if len(text) > lim.text_chars:
        raise ReportError(str(path), f"文本过长：{len(text):,} 字，上限 {lim.text_chars:,} 字"
                                     "（设置 REPORTQA_MAX_TEXT_CHARS）")


def check_chunks(path: Path | str, n: int, limits: Limits | None = None) -> None:
    lim = limits or current()
    if n > lim.report_chunks:
        raise ReportError(str(path), f"切分后的片段过多：{n:,} 个，上限 {lim.report_chunks:,} 个"
                                     "（不像一份年度报告；设置 REPORTQA_MAX_REPORT_CHUNKS）")
