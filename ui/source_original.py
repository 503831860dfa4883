"""The original table of an HTML / DOCX (or Markdown) report with the cited cell highlighted, and the
original lines of a TXT / Markdown report with the cited value marked.

The table is rebuilt from the file's own structure by the ingest readers (BeautifulSoup/lxml for HTML,
python-docx for DOCX): rows, merged cells (rowspan/colspan) and cell text only. Nothing of the page's
markup is passed through — no scripts, styles, attributes or links — and all text is escaped.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from ui.source_locate import locate_grid_cell, locate_text_line

log = logging.getLogger(__name__)

CONTEXT_LINES = 2  # lines shown above and below a quoted line
HIT = "rqa-ohit"


def _esc(value: object) -> str:
    import html

    return html.escape("" if value is None else str(value), quote=True)


@lru_cache(maxsize=8)
def _document(path: str, sha: str):  # noqa: ARG001 - sha keys the cache
    from ingest.readers import read_document

    return read_document(path)


def grids_of(path: str, sha: str) -> list:
    return list(_document(path, sha).grids())


def grid_html(grid: Any, hit: tuple[int, int] | None) -> str:
    """A grid as a plain <table>: merged cells as rowspan/colspan, text escaped, the hit slot marked."""
    out = ['<table class="rqa-otable">']
    for r, row in enumerate(grid.rows):
        out.append("<tr>")
        for c, slot in enumerate(row):
            if not slot.origin or slot.row0 != r or slot.col0 != c:
                continue
            attrs = ""
            if slot.rowspan > 1:
                attrs += f' rowspan="{int(slot.rowspan)}"'
            if slot.colspan > 1:
                attrs += f' colspan="{int(slot.colspan)}"'
            if hit == (r, c):
                attrs += f' class="{HIT}"'
            out.append(f"<td{attrs}>{_esc(slot.text)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def table_view(path: str, sha: str, cell: Any) -> tuple[str, bool]:
    """(html, found): the original table holding ``cell`` with it highlighted, or a note when not found."""
    try:
        grids = grids_of(path, sha)
    except Exception as e:  # noqa: BLE001 - a file that reads no more: said, never a traceback
        log.info("original table: %s", e)
        return '<div class="rqa-note">无法读取原文件中的表格。</div>', False
    where = locate_grid_cell(grids, cell)
    if where is None:
        return ('<div class="rqa-note">未能在原文件的表格中定位被引用的单元格（没有唯一一个单元格在该行、该列下'
                '印有这个数值），因此不显示原表。</div>'), False
    gi, r, c = where
    return (f'<div class="rqa-otable-wrap">{grid_html(grids[gi], (r, c))}</div>'), True


def lines_view(text: str, cell: Any, cells: list) -> tuple[str, bool]:
    """(html, found): the quoted line of a text file with the value marked, and the lines around it."""
    where = locate_text_line(text, cell, cells)
    if where is None:
        return '<div class="rqa-note">未能在原文件中定位被引用的那一行。</div>', False
    a, b, va, vb = where
    start = text.rfind("\n", 0, a) + 1
    end = text.find("\n", b)
    end = len(text) if end < 0 else end
    before = text[:start].split("\n")[-CONTEXT_LINES - 1:-1] if start else []
    after = text[end + 1:].split("\n")[:CONTEXT_LINES] if end < len(text) else []
    line = (f"{_esc(text[start:a])}<mark class=\"rqa-oline\">{_esc(text[a:va])}<b class=\"{HIT}\">"
            f"{_esc(text[va:vb])}</b>{_esc(text[vb:b])}</mark>{_esc(text[b:end])}")
    rows = [f'<div class="rqa-ol">{_esc(x)}</div>' for x in before]
    rows.append(f'<div class="rqa-ol rqa-ol-hit">{line}</div>')
    rows += [f'<div class="rqa-ol">{_esc(x)}</div>' for x in after]
    return f'<div class="rqa-olines">{"".join(rows)}</div>', True


def file_text(path: str, sha: str) -> str:
    """The text of a TXT / Markdown file as the reader decoded it (pages joined)."""
    doc = _document(path, sha)
    return "\n".join(doc.pages)
