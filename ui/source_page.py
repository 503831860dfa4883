"""A PDF page as an image, with the cited cell or sentence boxed (pypdfium2 renders, Pillow draws).

Positions come from PDFium's character boxes (``ingest.pdf_text.pdfium_page_chars``) through
``ui.source_locate``: a box is drawn only where the cited text was found; otherwise the page is shown
without one and the note says so. Rendered pages and finished images are kept in small LRU caches
(keyed by the file's SHA-256, so a changed file is never served from the cache).
"""

from __future__ import annotations

import base64
import io
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ui.source_locate import Box, PageHit, locate_pdf_cell, locate_pdf_quote

log = logging.getLogger(__name__)

RENDER_SCALE = 2.0  # 144 dpi: sharp at the panel's width on a 2x screen, and when zoomed
PAGES_CACHED = 6  # rendered pages (about 6 MB each as RGB)
IMAGES_CACHED = 24  # finished PNGs (a few hundred kB each)
# PDFium is not thread-safe and the app answers several users at once from a thread pool: one lock around it
PDFIUM_LOCK = threading.Lock()
BOX_COLOR = (220, 38, 38)
LABEL_COLOR = (245, 158, 11)


@dataclass(frozen=True)
class PageView:
    """The page image (PNG bytes), its page number, the boxes drawn (fractions of the page: left, top,
    right, bottom) and how the quote was found: 'found' | 'partial' | 'not_found'."""

    png: bytes
    page: int
    width: int
    height: int
    boxes: tuple[tuple[float, float, float, float], ...]
    status: str
    labelled: bool = False  # a row label box was drawn too


@lru_cache(maxsize=PAGES_CACHED)
def _rendered(path: str, sha: str, page: int, scale: float):  # noqa: ARG001 - sha keys the cache
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(path)
        try:
            pg = doc[page - 1]
            try:
                return pg.render(scale=scale).to_pil().convert("RGB")
            finally:
                pg.close()
        finally:
            doc.close()


@lru_cache(maxsize=PAGES_CACHED * 4)
def _chars(path: str, sha: str, page: int):  # noqa: ARG001 - sha keys the cache
    from ingest.pdf_text import pdfium_page_chars

    with PDFIUM_LOCK:
        return pdfium_page_chars(path, page)


def page_count(path: str) -> int:
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(path)
        try:
            return len(doc)
        finally:
            doc.close()


def locate(path: str, sha: str, page: int, citation: dict, cell: Any | None, cells: list) -> PageHit | None:
    """Where on ``page`` the citation's cell (or, for text, its quote) is; None when not found."""
    pc = _chars(path, sha, page)
    if cell is not None:
        return locate_pdf_cell(pc, cell, cells)
    return locate_pdf_quote(pc, citation.get("quote") or "")


def _fractions(boxes: list[Box], w: float, h: float) -> tuple[tuple[float, float, float, float], ...]:
    return tuple((round(b[0] / w, 4), round(b[1] / h, 4), round(b[2] / w, 4), round(b[3] / h, 4)) for b in boxes)


@lru_cache(maxsize=IMAGES_CACHED)
def _drawn(path: str, sha: str, page: int, boxes: tuple, labels: tuple) -> tuple[bytes, int, int]:
    from PIL import ImageDraw

    img = _rendered(path, sha, page, RENDER_SCALE).copy()
    w, h = img.size
    draw = ImageDraw.Draw(img, "RGBA")
    pad = max(6, int(RENDER_SCALE * 5))
    for color, group, width in ((LABEL_COLOR, labels, 4), (BOX_COLOR, boxes, 6)):
        for (x0, y0, x1, y1) in group:
            rect = (x0 * w - pad, y0 * h - pad, x1 * w + pad, y1 * h + pad)
            draw.rectangle(rect, fill=color + (40,), outline=color + (255,), width=max(1, int(width * RENDER_SCALE / 2)))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue(), w, h


def page_view(path: str, sha: str, page: int, citation: dict, cell: Any | None, cells: list) -> PageView:
    """The page with the citation boxed (or unboxed, status 'not_found')."""
    pc = _chars(path, sha, page)
    hit = locate(path, sha, page, citation, cell, cells)
    boxes = _fractions(hit.boxes, pc.width, pc.height) if hit else ()
    labels = _fractions(hit.label, pc.width, pc.height) if hit else ()
    png, w, h = _drawn(path, sha, page, boxes, labels)
    status = "not_found" if not hit else ("partial" if hit.partial else "found")
    return PageView(png, page, w, h, boxes, status, bool(labels))


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
