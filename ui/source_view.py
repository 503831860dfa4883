"""The source panel's view of the original file: the PDF page with the citation boxed, the original
HTML / DOCX table with the cell highlighted, or the original TXT / Markdown line with the value marked.

``original_html(report, citation)`` is one HTML block for ``ui.render.source_panel_html``; every failure
(file gone or changed, text not found, unreadable file) is one Chinese sentence in it, never a guess.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from ui import source_file
from ui.source_original import file_text, lines_view, table_view

log = logging.getLogger(__name__)

JS = """
const rqaCentre = (pbox) => {
  const wrap = pbox && pbox.closest('.rqa-page-wrap');
  if (!wrap) return;
  const go = () => {
    wrap.scrollTop = Math.max(0, pbox.offsetTop - wrap.clientHeight / 3);
    wrap.scrollLeft = Math.max(0, pbox.offsetLeft + pbox.offsetWidth / 2 - wrap.clientWidth / 2);
    // and the box itself into the window (after the panel's own scroll into view)
    setTimeout(() => { if (wrap.offsetParent !== null) pbox.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'smooth'}); }, 450);
  };
  const img = wrap.querySelector('img');
  if (img && !img.complete) img.addEventListener('load', go, {once: true}); else go();
};
rqaCentre(element.querySelector('.rqa-pbox'));
if (!element.dataset.rqaZoom) {  // the 放大 box: keep the boxed place in view when zooming in or out
  element.dataset.rqaZoom = '1';
  element.addEventListener('change', (e) => {
    if (e.target.classList && e.target.classList.contains('rqa-zoom')) {
      rqaCentre(e.target.closest('.rqa-orig').querySelector('.rqa-pbox'));
    }
  });
}
const rhit = element.querySelector('.rqa-table-wrap td.rqa-hit');  // the rebuilt table: the hit column in view
if (rhit) {
  const w = rhit.closest('.rqa-table-wrap');
  const right = rhit.offsetLeft + rhit.offsetWidth + 12;
  if (right > w.clientWidth) w.scrollLeft = right - w.clientWidth;
}
const ohit = element.querySelector('.rqa-ohit');
if (ohit) {
  const w = ohit.closest('.rqa-otable-wrap');
  if (w) w.scrollTop = Math.max(0, ohit.offsetTop - w.clientHeight / 2);
}
"""

NOTE_UNAVAILABLE = "原文件已不在服务器上，或入库后已被更改，无法显示原文。"


def _esc(v: object) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def original_html(report: Any, citation: dict, hit_cell: Any | None) -> str:
    """The original-file block for one citation ('' when the file kind has nothing to add)."""
    kind = source_file.kind_of(report)
    if kind not in ("pdf", "html", "docx", "txt", "md"):
        return ""
    is_cell = bool(citation.get("table"))
    if kind in ("html", "docx") and not is_cell:
        return ""  # a sentence: the paragraph view below already shows it in its section
    if kind in ("txt", "md") and not is_cell:
        return ""
    path = source_file.original_path(report)
    if path is None:
        return _block("原文", f'<div class="rqa-note">{NOTE_UNAVAILABLE}</div>')
    sha = _get(report, "sha256") or ""
    try:
        if kind == "pdf":
            return _pdf_block(str(path), sha, report, citation, hit_cell)
        if hit_cell is None:
            return _block("原文表格", '<div class="rqa-note">未能在解析出的表格中找到被引用的单元格，因此无法在原文中标出。</div>')
        cells = list(_get(report, "cells") or [])
        if kind in ("html", "docx") or (kind == "md" and _md_has_grid(str(path), sha)):
            body, found = table_view(str(path), sha, hit_cell)
            if found or kind != "md":
                note = "原文件中的表格（只保留表格结构和文字，不含原网页的样式、脚本和链接），被引用的单元格已高亮。"
                return _block("原文表格", (f'<div class="rqa-k2">{note}</div>' if found else "") + body)
        body, found = lines_view(file_text(str(path), sha), hit_cell, cells)
        return _block("原文", ('<div class="rqa-k2">原文件中的这一行，被引用的数值已加粗标出。</div>' if found else "") + body)
    except Exception as e:  # noqa: BLE001 - the rest of the panel still shows
        log.info("original view failed: %s", e, exc_info=True)
        return _block("原文", '<div class="rqa-note">无法读取原文件，不能显示原文。</div>')


def _md_has_grid(path: str, sha: str) -> bool:
    from ui.source_original import grids_of

    try:
        return bool(grids_of(path, sha))
    except Exception:  # noqa: BLE001
        return False


def _block(title: str, body: str) -> str:
    return f'<div class="rqa-orig"><div class="rqa-k">{_esc(title)}</div>{body}</div>'


def _pdf_block(path: str, sha: str, report: Any, c: dict, cell: Any | None) -> str:
    from ui import source_page

    page = c.get("page") or (_get(cell, "page") if cell is not None else None)
    if not page:
        return _block("原页面", '<div class="rqa-note">该引用没有页码，无法显示原页面。</div>')
    page = int(page)
    n = source_page.page_count(path)
    if not 1 <= page <= n:
        return _block("原页面", f'<div class="rqa-note">原文件只有 {n} 页，没有引用所说的第{page}页。</div>')
    if c.get("table") and cell is None:  # the cell is not among the parsed ones: the page, unboxed
        view = source_page.page_view(path, sha, page, {"quote": ""}, None, [])
        note = f"未能在解析出的表格中找到被引用的单元格，下面是第{page}页，未加框。"
        return _page_html(view, note, _esc(_get(report, "source")))
    cells = list(_get(report, "cells") or [])
    view = source_page.page_view(path, sha, page, c, cell, cells)
    also: int | None = None  # the other page a sentence split over a page break runs on
    if view.status != "found" and not c.get("table"):  # a sentence may start on the page before or run on
        for other in (page + 1, page - 1):
            if 1 <= other <= n:
                alt = source_page.page_view(path, sha, other, c, None, [])
                if alt.status == "found" or (alt.status == "partial" and view.status == "not_found"):
                    view = alt
                    if alt.status == "found":
                        break
                elif alt.status == "partial" and view.status == "partial" and also is None:
                    also = other
    note = _note(view, page, c, cell)
    if view.status == "partial" and also is not None:
        note = f"引文跨页：本页框出的是它在第{view.page}页上的部分，其余部分在第{also}页。"
    return _page_html(view, note, _esc(_get(report, "source")))


def _note(view: Any, cited: int, c: dict, cell: Any | None) -> str:
    moved = f"（引用记为第{cited}页，文字在第{view.page}页）" if view.page != cited else ""
    if view.status == "found":
        if cell is not None:
            label = "；黄框：该行的行标题" if view.labelled else ""
            return (f"红框：被引用的单元格（{_get(cell, 'row_label')} × {_get(cell, 'column_label')} = "
                    f"{c.get('value') or ''}）{label}。{moved}")
        return f"红框：被引用的原文。{moved}"
    if view.status == "partial":
        return f"本页只找到了引文的一部分（其余部分可能在相邻页），红框框出的是这一部分。{moved}"
    what = "单元格的数值" if cell is not None else "引用的文字"
    return f"未能在第{view.page}页上定位被引用的{what}，下面是整页，未加框（不在猜测的位置加框）。"


def _page_html(view: Any, note: str, source: str) -> str:
    from ui.source_page import data_uri

    cls = "rqa-note" if view.status == "not_found" else "rqa-k2"
    marker = ""
    if view.boxes:
        x0, y0, x1, y1 = view.boxes[0]
        marker = (f'<div class="rqa-pbox" style="left:{x0 * 100:.2f}%;top:{y0 * 100:.2f}%;'
                  f'width:{(x1 - x0) * 100:.2f}%;height:{(y1 - y0) * 100:.2f}%"></div>')
    box_attr = ";".join(",".join(f"{v:.4f}" for v in b) for b in view.boxes)
    body = (f'<div class="{cls}">{_esc(note)}</div>'
            '<label class="rqa-zoom-l"><input type="checkbox" class="rqa-zoom"> 放大</label>'
            f'<div class="rqa-page-wrap"><div class="rqa-page" data-page="{view.page}" data-status="{view.status}" '
            f'data-boxes="{box_attr}"><img class="rqa-page-img" src="{data_uri(view.png)}" '
            f'width="{view.width}" height="{view.height}" alt="{source} 第{view.page}页">{marker}</div></div>')
    return _block(f"原页面 · 第{view.page}页", body)


CSS = """
.rqa-orig { margin: 6px 0 10px; }
.rqa-orig .rqa-k2 { font-size: 12px; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
.rqa-zoom-l { font-size: 12px; cursor: pointer; user-select: none; display: inline-flex; gap: 4px; align-items: center; }
.rqa-page-wrap { max-height: 70vh; overflow: auto; border: 1px solid var(--border-color-primary);
  border-radius: 6px; background: #fff; margin-top: 4px; }
.rqa-page { position: relative; width: 100%; }
.rqa-page-img { display: block; width: 100%; height: auto; }
.rqa-orig:has(.rqa-zoom:checked) .rqa-page { width: 200%; max-width: none !important; }
.rqa-pbox { position: absolute; pointer-events: none; outline: 2px solid rgba(220, 38, 38, .9); outline-offset: 5px;
  border-radius: 2px; animation: rqa-pulse 1.2s ease-in-out 3; }
@keyframes rqa-pulse { 50% { outline-offset: 10px; outline-color: rgba(220, 38, 38, .35); } }
.rqa-otable-wrap { max-height: 60vh; overflow: auto; border: 1px solid var(--border-color-primary); border-radius: 6px; }
table.rqa-otable { border-collapse: collapse; font-size: 12px; width: 100%; }
table.rqa-otable td { border: 1px solid #cbd5e1; padding: 3px 5px; vertical-align: middle; color: #111827;
  background: #fff; }
table.rqa-otable td.rqa-ohit { background: #fde68a; outline: 3px solid #dc2626; outline-offset: -3px; font-weight: 700; }
.rqa-olines { font-family: var(--font-mono); font-size: 12px; border: 1px solid var(--border-color-primary);
  border-radius: 6px; padding: 6px 8px; overflow-x: auto; white-space: pre-wrap; }
.rqa-ol { color: var(--body-text-color-subdued); }
.rqa-ol-hit { color: var(--body-text-color); }
.rqa-oline { background: #fef3c7; color: #111827; }
.rqa-olines b.rqa-ohit { background: #fca5a5; outline: 2px solid #dc2626; }
@media (max-width: 760px) {
  #rqa-src-dl { display: none !important; }
  /* the rebuilt table on a phone: row labels wrap in a sticky first column, the numbers scroll beside it */
  #rqa-source-m .rqa-source table.rqa-table { width: max-content; max-width: none; }
  #rqa-source-m .rqa-source table.rqa-table th.rqa-rl:not([colspan]),
  #rqa-source-m .rqa-source table.rqa-table th.rqa-corner {
    white-space: normal !important; width: 8.5em; min-width: 8.5em !important; max-width: 8.5em !important;
    position: sticky; left: 0; z-index: 1; background: var(--background-fill-primary); }
  #rqa-source-m .rqa-source table.rqa-table th.rqa-corner { background: var(--background-fill-secondary); z-index: 2; }
  #rqa-source-m .rqa-source table.rqa-table tr.rqa-parent th { white-space: normal !important; }
  #rqa-source-m .rqa-source table.rqa-table tr.rqa-parent .rqa-pl { position: sticky; left: 6px; }
}
"""
