"""HTML of the source panel: a cited table with its cell highlighted, or a cited paragraph with the quoted
sentence highlighted (pure functions, as :mod:`ui.render`; every text goes through ``esc``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ui.render_common import HIT_CLASS, _get, esc, fmt_value, norm

# ---------------------------------------------------------------------- source panel: tables

SOURCE_EMPTY = '<div class="rqa-empty">点击回答中的 [n] 或上方的引用卡片，在这里查看原表或原文段落。</div>'

# 表三's applicant columns: 法人或其他组织 groups five of them (as printed).
_T3_LEGAL = {"commercial", "research", "social", "legal", "other"}
_TOP = re.compile(r"^([一二三四五六七八九十]+、[^（(]*?)(?=[（(]|$)")
_GROUP = re.compile(r"^([（(][一二三四五六七八九十]+[）)][^0-9０-９]*?)\s*(?=[0-9０-９]+\s*[.．、]|$)")


def label_parts(label: str) -> list[str]:
    """Split a canonical row label into its printed levels.

    ``三、本年度办理结果（三）不予公开 8.属于行政查询事项`` ->
    ``["三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项"]``.
    """
    rest = (label or "").strip()
    parts: list[str] = []
    m = _TOP.match(rest)
    if m and m.group(1) and m.end() < len(rest):
        parts.append(m.group(1).strip())
        rest = rest[m.end():].strip()
    m = _GROUP.match(rest)
    if m and m.group(1) and m.end() < len(rest):
        parts.append(m.group(1).strip())
        rest = rest[m.end():].strip()
    parts.append(rest)
    return [p for p in parts if p]


def _cell_text(cell: Any) -> tuple[str, str]:
    """(display text, css class) of a TableCell."""
    state = _get(cell, "state")
    state = getattr(state, "value", state)
    if state == "blank":
        return "未填报", "rqa-blank"
    if state == "na":
        return "—", "rqa-na"
    fn = getattr(cell, "display_value", None)
    return (fn() if callable(fn) else fmt_value(_get(cell, "value"))), ""


def find_cell(cells: Sequence[Any], table: str | None, row: str | None, column: str | None) -> Any | None:
    """The cell a citation names (by canonical label or key; loosely on punctuation)."""
    if not table or not row:
        return None
    in_table = [c for c in cells if _get(c, "table") == table]
    nrow, ncol = norm(row), norm(column)

    def row_ok(c: Any, loose: bool) -> bool:
        labels = (_get(c, "row_label"), _get(c, "row"), _get(c, "printed_label"))
        if any(norm(x) == nrow for x in labels if x):
            return True
        return loose and any(nrow and x and (nrow in norm(x) or norm(x).endswith(nrow)) for x in labels)

    def col_ok(c: Any) -> bool:
        return not column or norm(_get(c, "column_label")) == ncol or norm(_get(c, "column")) == ncol

    for loose in (False, True):
        hits = [c for c in in_table if row_ok(c, loose) and col_ok(c)]
        if len(hits) >= 1:
            return hits[0]
    return None


def table_html(cells: Sequence[Any], table: str, hit: Any | None = None) -> str:
    """One of 表二/表三/表四 as printed-like HTML, the ``hit`` cell highlighted (class rqa-hit)."""
    tcells = [c for c in cells if _get(c, "table") == table]
    if not tcells:
        return f'<div class="rqa-empty">该报告中没有解析出{esc(table)}。</div>'
    # rows in printed order, each with its columns in printed order
    rows: dict[str, dict[str, Any]] = {}
    row_label: dict[str, str] = {}
    col_label: dict[str, str] = {}
    for c in tcells:
        rk = _get(c, "row")
        rows.setdefault(rk, {})[_get(c, "column")] = c
        row_label.setdefault(rk, _get(c, "row_label") or rk)
        col_label.setdefault(_get(c, "column"), _get(c, "column_label") or _get(c, "column"))
    hit_row = _get(hit, "row") if hit is not None else None
    hit_col = _get(hit, "column") if hit is not None else None

    out = [f'<table class="rqa-table" data-table="{esc(table)}">']
    seen_parents: set[str] = set()
    current_cols: tuple[str, ...] | None = None
    for rk, by_col in rows.items():
        cols = tuple(by_col)
        if cols != current_cols:  # a new header whenever the column set changes (表二's items)
            head = _header_html(table, cols, col_label, hit_col if hit_row in rows and hit_row and
                                tuple(rows[hit_row]) == cols else None)
            # the first header sticks to the top while the table scrolls; later ones (表二) are plain rows
            out.append(f"<thead>{head}</thead><tbody>" if current_cols is None else f"</tbody><tbody>{head}")
            current_cols = cols
        parts = label_parts(row_label[rk])
        for depth, parent in enumerate(parts[:-1]):
            key = "/".join(parts[: depth + 1])
            if key not in seen_parents:
                seen_parents.add(key)
                out.append(f'<tr class="rqa-parent"><th class="rqa-rl rqa-d{depth}" colspan="{len(cols) + 1}">'
                           f'<span class="rqa-pl">{esc(parent)}</span></th></tr>')
        depth = len(parts) - 1
        is_hit_row = rk == hit_row
        tr_cls = ' class="rqa-hitrow"' if is_hit_row else ""
        cells_html = []
        for ck in cols:
            text, cls = _cell_text(by_col[ck])
            classes = [cls] if cls else []
            if is_hit_row and ck == hit_col:
                classes.append(HIT_CLASS)
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells_html.append(f"<td{attr}>{esc(text)}</td>")
        title = esc(row_label[rk])
        out.append(f'<tr{tr_cls}><th class="rqa-rl rqa-d{depth}" title="{title}">{esc(parts[-1])}</th>'
                   + "".join(cells_html) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _header_html(table: str, cols: tuple[str, ...], col_label: Mapping[str, str], hit_col: str | None) -> str:
    def th(ck: str, extra: str = "") -> str:
        cls = ' class="rqa-hitcol"' if ck == hit_col else ""
        return f"<th{cls}{extra}>{esc(col_label.get(ck, ck))}</th>"

    legal = [ck for ck in cols if ck in _T3_LEGAL]
    if table == "表三" and len(legal) >= 2:
        first = ['<tr class="rqa-head"><th rowspan="2" class="rqa-corner">申请人情况</th>']
        done_group = False
        for ck in cols:
            if ck in _T3_LEGAL:
                if not done_group:
                    first.append(f'<th colspan="{len(legal)}">法人或其他组织</th>')
                    done_group = True
            else:
                first.append(th(ck, ' rowspan="2"'))
        first.append("</tr>")
        second = '<tr class="rqa-head">' + "".join(th(ck) for ck in cols if ck in _T3_LEGAL) + "</tr>"
        return "".join(first) + second
    return '<tr class="rqa-head"><th class="rqa-corner"></th>' + "".join(th(ck) for ck in cols) + "</tr>"


# ---------------------------------------------------------------------- source panel: paragraphs

_WS = re.compile(r"\s+")


def find_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text``, ignoring whitespace differences."""
    if not text or not quote:
        return None
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    idx = [k for k, ch in enumerate(text) if not ch.isspace()]
    compact = "".join(text[k] for k in idx)
    q = _WS.sub("", quote)
    for probe in (q, q[:40], q[-40:]):
        if len(probe) < 6 and probe != q:
            continue
        j = compact.find(probe) if probe else -1
        if j >= 0:
            return idx[j], idx[j + len(probe) - 1] + 1
    return None


def highlight_html(text: str, quote: str) -> tuple[str, bool]:
    """``text`` as paragraphs with ``quote`` wrapped in <mark class="rqa-hit">; (html, found)."""
    span = find_span(text, quote)
    if span is None:
        body = esc(text)
    else:
        a, b = span
        body = f'{esc(text[:a])}<mark class="{HIT_CLASS}">{esc(text[a:b])}</mark>{esc(text[b:])}'
    paras = [p for p in body.split("\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paras) or '<p class="rqa-empty">（本节没有正文）</p>', span is not None


def _section_for(report: Any, section: str | None, quote: str) -> Any | None:
    sections = list(report.all_sections()) if hasattr(report, "all_sections") else []
    if section:
        ns = norm(section)
        for s in sections:
            if norm(_get(s, "path")) == ns:
                return s
        for s in sections:
            if ns and (norm(_get(s, "path")).endswith(ns) or ns.endswith(norm(_get(s, "title")) or "\0")):
                if find_span(_get(s, "text") or "", quote):
                    return s
    if quote:
        for s in sections:
            if find_span(_get(s, "text") or "", quote):
                return s
    return None


def source_panel_html(report: Any, citation: Mapping[str, Any], *, demo: bool = False, original: str = "") -> str:
    """The cited table with the cell highlighted, or the cited paragraph with the sentence highlighted;
    ``original`` (ui.source_view.original_html: the PDF page with the box, the original table) goes first."""
    c = citation
    head_bits = ['<span class="rqa-chip-s rqa-demo">示例（虚构）</span>'] if demo else []
    head_bits += [esc(_get(report, "agency")), f"{esc(_get(report, 'year'))}年", esc(_get(report, "source"))]
    if c.get("page"):
        head_bits.append(f"第{esc(c.get('page'))}页")
    head = (f'<div class="rqa-src-head"><span class="rqa-num">{esc(c.get("id"))}</span>'
            f'{" · ".join(head_bits)}</div>')
    quote = c.get("quote") or ""
    parts = [head, original] if original else [head]
    if c.get("table"):
        cells = list(_get(report, "cells") or [])
        hit = find_cell(cells, c.get("table"), c.get("row"), c.get("column"))
        title = f"{esc(c.get('table'))}"
        if hit is not None:
            title += (f'：<span class="rqa-row">{esc(_get(hit, "row_label"))}</span> × '
                      f'<span class="rqa-col">{esc(_get(hit, "column_label"))}</span> = '
                      f'<b class="rqa-val">{esc(_cell_text(hit)[0])}</b>')
        parts.append(f'<div class="rqa-src-title">{"重建的表格 · " if original else ""}{title}</div>')
        blank = [x for x in cells if _get(x, "table") == c.get("table")]
        if blank and all(getattr(_get(x, "state"), "value", _get(x, "state")) == "blank" for x in blank):
            parts.append(f'<div class="rqa-warn">⚠ {esc(c.get("table"))}整表未填报（印刷的表格中没有任何数值）。</div>')
        parts.append(f'<div class="rqa-table-wrap">{table_html(cells, c["table"], hit)}</div>')
        if hit is None and c.get("row"):
            parts.append('<div class="rqa-note">未能在表中定位被引用的单元格，请参看下方原文摘录。</div>')
        if quote:
            parts.append(f'<div class="rqa-k">原文摘录</div><blockquote class="rqa-quote">{esc(quote)}</blockquote>')
    else:
        sec = _section_for(report, c.get("section"), quote)
        if sec is None:
            parts.append(f'<div class="rqa-src-title">{esc(c.get("section") or "正文")}</div>')
            parts.append(f'<blockquote class="rqa-quote"><mark class="{HIT_CLASS}">{esc(quote)}</mark></blockquote>')
        else:
            body, found = highlight_html(_get(sec, "text") or "", quote)
            parts.append(f'<div class="rqa-src-title">{esc(_get(sec, "path"))}</div>')
            parts.append(f'<div class="rqa-para">{body}</div>')
            if not found and quote:
                parts.append(f'<div class="rqa-k">引用原文</div><blockquote class="rqa-quote">'
                             f'<mark class="{HIT_CLASS}">{esc(quote)}</mark></blockquote>')
    findings = list(_get(report, "findings") or [])
    if findings:
        items = "".join(f"<li>{esc(_get(f, 'table'))}：{esc(_get(f, 'detail'))}</li>" for f in findings)
        parts.append(f'<details class="rqa-findings"><summary>该报告的一致性检查发现 {len(findings)} 处问题</summary>'
                     f"<ul>{items}</ul></details>")
    rid = esc(c.get("report_id") or _get(report, "id") or "")
    return (f'<div class="rqa-source" data-rid="{rid}" data-demo="{int(bool(demo))}">' + "".join(parts)
            + "</div>")


def source_error_html(message: str) -> str:
    return f'<div class="rqa-warn">⚠ {esc(message)}</div>'
