"""HTML and Markdown for the web app: answers, citation cards, source tables and paragraphs.

Pure functions over plain data (the answer object as a dict, ``ingest.models.Report``),
no Gradio import, so they are unit-tested without a browser. Every piece of text that
comes from a user, a report or the assistant goes through :func:`esc` before it is
placed in HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

HIT_CLASS = "rqa-hit"

# ---------------------------------------------------------------------- helpers


def esc(value: object) -> str:
    """HTML-escape any value (None -> '')."""
    return "" if value is None else html.escape(str(value), quote=True)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def as_dict(obj: Any) -> dict:
    """The answer (pydantic model or dict) as a plain JSON-able dict."""
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "to_json_dict"):
        return obj.to_json_dict()
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    raise TypeError(f"not an answer object: {type(obj).__name__}")


_SPACE_PUNCT = re.compile(r"[\s\u3000,，.。、:：;；\"'“”‘’()（）\[\]【】<>《》·\-—_/]+")


def norm(s: object) -> str:
    """Compare labels loosely: no spaces or punctuation."""
    return _SPACE_PUNCT.sub("", str(s or ""))


def fmt_value(v: object) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".") if not v.is_integer() else f"{int(v):,}"  # never to 6 digits
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


# ---------------------------------------------------------------------- the chat bubble

_REF = re.compile(r"\[(\d{1,3})\]")


_LINKISH = (("[", "&#91;"), ("]", "&#93;"), ("://", ":&#47;&#47;"), ("www.", "www&#46;"), ("@", "&#64;"))


def no_links(escaped: str) -> str:
    """Text from a report, already HTML-escaped, with nothing Markdown would turn into a link:
    ``[x](url)``, bare ``http://``/``www.`` addresses and e-mail addresses show as plain text."""
    for a, b in _LINKISH:
        escaped = escaped.replace(a, b)
    return escaped


def _inline(text: str, answer_id: str | None = None) -> str:
    """Escape HTML, disable links, turn ``[n]`` into citation badges; with ``answer_id`` the badges are links
    (``#rqa-cite-<answer id>-<n>``) that the page's script turns into "open and scroll to source n"."""
    out = no_links(esc(_REF.sub(lambda m: f"\0{m.group(1)}\0", text)))
    if answer_id:
        aid = re.sub(r"[^0-9a-zA-Z]", "", str(answer_id))
        return re.sub("\0(\\d{1,3})\0", lambda m: f'<a class="rqa-ref" href="#rqa-cite-{aid}-{m.group(1)}" '
                      f'title="查看来源 {m.group(1)}">[{m.group(1)}]</a>', out)
    return re.sub("\0(\\d{1,3})\0", r'<sup class="rqa-ref">[\1]</sup>', out)


def stream_markdown(text: str) -> str:
    """What the bubble shows while the answer streams in."""
    return _inline(text) + " ▍"


def citation_label(c: Mapping[str, Any]) -> str:
    """One line naming a citation: agency · year · table · row · column = value · page."""
    parts = [str(c.get("agency") or "—"), f"{c.get('year')}年" if c.get("year") else ""]
    if c.get("table"):
        parts.append(str(c["table"]))
        if c.get("row"):
            parts.append(str(c["row"]))
        if c.get("column"):
            col = str(c["column"])
            if c.get("value") not in (None, ""):
                col += f" = {c['value']}"
            parts.append(col)
    elif c.get("section"):
        parts.append(str(c["section"]))
    if c.get("page"):
        parts.append(f"第{c['page']}页")
    return " · ".join(p for p in parts if p)


def answer_markdown(answer: Any, answer_id: str | None = None, *, demo: bool = False) -> str:
    """The final bubble: scope chips and the 理解为 line, the answer, its warnings said plainly, a source list."""
    from ui import scope_view

    a = as_dict(answer)
    body = _inline(a.get("answer") or "（没有答案）", answer_id)
    if not a.get("answerable", True):
        body = f'<div class="rqa-refusal">{body}</div>'
    head = scope_view.scope_chips_html(a, demo=demo)
    # a blank line after the chips: text right after an HTML block is part of it, so the answer's own lines
    # (「报告原文列举如下：」 then one 「- 」 item per quoted sentence) would run together in one paragraph
    lines = [head, body] if head else [body]
    for w in scope_view.other_warnings(a):
        lines.append(f'<div class="rqa-warn">⚠ {no_links(esc(w))}</div>')
    cites = a.get("citations") or []
    if cites:
        items = "".join(f'<li><b>[{esc(c.get("id"))}]</b> {esc(citation_label(c))}</li>' for c in cites)
        lines.append(f'<details class="rqa-srclist"><summary>来源（{len(cites)} 处，点击 [n] 或引用卡片查看原文）</summary>'
                     f"<ol>{items}</ol></details>")
    return "\n\n".join(lines)


_DEBRIS = re.compile(r"\(cid:\d+\)|[\ue000-\uf8ff\u0000-\u0008\u000b-\u001f\u007f\ufffd]|(?:[.·…_－—-]\s*){4,}")
_NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?(?![\d.])")
CARD_MAX_NUMBERS = 8  # a printed table line with more numbers (表四's 15) is not an excerpt of one cell


def clean_excerpt(text: object) -> str:
    """A quote for a card: no PDF debris (``(cid:12)``, private-use glyphs, control characters, dot leaders),
    whitespace collapsed."""
    return " ".join(_DEBRIS.sub(" ", str(text or "")).split())


def card_excerpt(c: Mapping[str, Any]) -> str:
    """What a card quotes: the cleaned quote; for a table cell whose printed line carries many numbers (a whole
    表四 row of 15), nothing — the card already names row, column and value, and the source panel shows the line."""
    q = clean_excerpt(c.get("quote"))
    if c.get("table") and len(_NUMBER.findall(q)) > CARD_MAX_NUMBERS:
        return ""
    return q


def user_markdown(question: str) -> str:
    return no_links(esc(question))


# ---------------------------------------------------------------------- citation cards

CARDS_EMPTY = ('<div class="rqa-empty">提问后，这里会列出答案所依据的表格单元格和原文段落。'
               "点击卡片可查看原表（单元格高亮）或原文段落。</div>")


def citation_cards_html(answer: Any, active: int | None = None, *, demo: bool = False) -> str:
    """Numbered, clickable cards (``data-cite`` = citation id) for one answer; ``demo``: labelled 示例（虚构）."""
    a = as_dict(answer)
    cites = a.get("citations") or []
    if not a:
        return CARDS_EMPTY
    tag = '<span class="rqa-chip-s rqa-demo">示例（虚构）</span> ' if demo else ""
    head = f'<div class="rqa-cards-q">{tag}问：{esc(a.get("question"))}</div>'
    if not cites:
        msg = "本答案没有引用。" if a.get("answerable", True) else "已索引的报告中没有找到可以回答这个问题的内容。"
        return f'<div class="rqa-cards">{head}<div class="rqa-empty">{msg}</div></div>'
    cards = [head]
    for c in cites:
        cid = c.get("id")
        is_table = bool(c.get("table"))
        where: list[str] = []
        if is_table:
            where.append(f'<span class="rqa-tag">{esc(c.get("table"))}</span>')
            if c.get("row"):
                where.append(f'<span class="rqa-k">行</span><span class="rqa-row">{esc(c.get("row"))}</span>')
            if c.get("column"):
                where.append(f'<span class="rqa-k">列</span><span class="rqa-col">{esc(c.get("column"))}</span>')
            if c.get("value") not in (None, ""):
                where.append(f'<span class="rqa-eq">=</span><span class="rqa-val">{esc(c.get("value"))}</span>')
        else:
            where.append('<span class="rqa-tag rqa-tag-text">正文</span>')
            if c.get("section"):
                where.append(f'<span class="rqa-sec">{esc(c.get("section"))}</span>')
        meta = [esc(c.get("source"))]
        if c.get("page"):
            meta.insert(0, f"第{esc(c.get('page'))}页")
        quote = card_excerpt(c)
        cls = "rqa-card active" if active is not None and cid == active else "rqa-card"
        cards.append(
            f'<div class="{cls}" role="button" tabindex="0" data-cite="{esc(cid)}" '
            f'title="点击查看原文">'
            f'<div class="rqa-card-head"><span class="rqa-num">{esc(cid)}</span>'
            f'<span class="rqa-agency">{esc(c.get("agency"))}</span>'
            f'<span class="rqa-year">{esc(c.get("year"))}年</span>'
            f'<span class="rqa-open">查看原文 ›</span></div>'
            f'<div class="rqa-card-where">{" ".join(where)}</div>'
            + (f'<blockquote class="rqa-quote">{esc(quote)}</blockquote>' if quote else "")
            + f'<div class="rqa-card-meta">{" · ".join(m for m in meta if m)}</div></div>'
        )
    return '<div class="rqa-cards">' + "".join(cards) + "</div>"


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


# ---------------------------------------------------------------------- reports tab

REPORT_HEADERS = ["机关", "年度", "来源文件", "模板", "章节", "表格单元格", "一致性问题", "整表未填报", "解析覆盖", "文件指纹"]


def coverage_text(coverage: Any) -> str:
    """Parse coverage (ReportInfo.coverage) as staff read it: 表格单元格 found/expected, unread and sections."""
    if not coverage:
        return "—"
    tables = coverage.get("tables") or {}
    unread = sum(int(t.get("unread") or 0) for t in tables.values())
    short = [f"{name}缺{t['expected'] - t['found']}" for name, t in tables.items() if t.get("found", 0) < t.get("expected", 0)]
    text = f"{coverage.get('cells_found', 0)}/{coverage.get('cells_expected', 0)}"
    if unread:
        text += f"（{unread} 格未能读取）"
    if short:
        text += "；" + "、".join(short)
    return text


def report_rows(reports: Iterable[Any]) -> list[list[Any]]:
    from ui.report_view import findings_cell

    rows = []
    for r in reports:
        blank = _get(r, "blank_tables") or []
        rows.append([
            _get(r, "agency"), _get(r, "year"), _get(r, "source"), f"{_get(r, 'template')}版",
            f"{_get(r, 'sections')}/6", _get(r, "cells"),
            findings_cell(r), "、".join(blank) if blank else "—",
            coverage_text(_get(r, "coverage")),
            (_get(r, "sha256") or "")[:8] or "—",  # same-named files are told apart by their content hash
        ])
    rows.sort(key=lambda x: (str(x[0]), -int(x[1] or 0)))
    return rows


def report_detail_markdown(report: Any) -> str:
    """Markdown (escaped) for one report: a verdict per table (一致 / 不一致 / 无法核对), 提示, 注意 (ui/report_view)."""
    from ui.report_view import report_detail_markdown as detail

    return detail(report)


def ingest_result_markdown(files: Iterable[Mapping[str, Any]]) -> str:
    icon = {"ingested": "✓ 已入库", "unchanged": "↷ 未变化，跳过", "failed": "✗ 失败"}
    lines = []
    for f in files:
        who = f" — {esc(f.get('agency'))} {esc(f.get('year'))}年" if f.get("agency") else ""
        why = f"：{esc(f.get('reason'))}" if f.get("reason") else ""
        name = str(f.get("path") or "").replace("\\", "/").rsplit("/", 1)[-1]
        lines.append(f"- {icon.get(str(f.get('status')), esc(f.get('status')))} `{esc(name)}`{who}{why}")
    return "\n".join(lines) or "没有文件。"


# ---------------------------------------------------------------------- CSS

CSS = """
.gradio-container { max-width: 1480px !important; margin: 0 auto; }
.gradio-container .table-wrap td, .gradio-container .table-wrap th, .gradio-container .cell-wrap {
  font-family: var(--font) !important; }
#rqa-title h1 { font-size: 1.45rem; margin: 0.2rem 0 0; }
#rqa-title p { color: var(--body-text-color-subdued); margin: 0.15rem 0 0.4rem; }
.rqa-ref { color: var(--color-accent); font-weight: 600; font-size: 0.78em; }
a.rqa-ref { text-decoration: none; vertical-align: super; cursor: pointer; padding: 0 1px; }
a.rqa-ref:hover { text-decoration: underline; }
.rqa-warn { background: #fff7e6; border-left: 4px solid #f59e0b; color: #7c4a03; padding: 6px 10px;
  border-radius: 4px; margin: 6px 0; font-size: 0.92em; }
.dark .rqa-warn { background: #3b2a0a; color: #fcd9a0; }
.rqa-srclist { font-size: 0.85em; color: var(--body-text-color-subdued); }
.rqa-srclist ol { margin: 4px 0 0 1.2em; padding: 0; }
.rqa-refusal { color: var(--body-text-color-subdued); border-left: 3px solid #94a3b8; padding-left: 8px; }
.rqa-empty { color: var(--body-text-color-subdued); padding: 14px; font-size: 0.92em; }
.rqa-cards { display: flex; flex-direction: column; gap: 8px; }
.rqa-cards-q { font-size: 0.88em; color: var(--body-text-color-subdued); }
.rqa-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 9px 11px;
  background: var(--background-fill-primary); cursor: pointer; transition: border-color .15s, box-shadow .15s; }
.rqa-card:hover, .rqa-card:focus { border-color: var(--color-accent); box-shadow: 0 1px 6px rgba(0,0,0,.08); outline: none; }
.rqa-card.active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.rqa-card-head { display: flex; align-items: center; gap: 8px; font-weight: 600; }
.rqa-num { display: inline-flex; align-items: center; justify-content: center; min-width: 22px; height: 22px;
  border-radius: 11px; background: var(--color-accent); color: white; font-size: 0.8em; font-weight: 700; padding: 0 6px; }
.rqa-year { color: var(--body-text-color-subdued); font-weight: 500; }
.rqa-open { margin-left: auto; font-weight: 500; font-size: 0.85em; color: var(--color-accent); }
.rqa-card-where { margin-top: 5px; line-height: 1.7; }
.rqa-tag { display: inline-block; background: #e8f0fe; color: #1a56b3; border-radius: 4px; padding: 0 6px;
  font-size: 0.85em; margin-right: 2px; }
.rqa-tag-text { background: #eaf6ec; color: #1d6b33; }
.rqa-k { color: var(--body-text-color-subdued); font-size: 0.82em; margin: 0 3px 0 6px; }
.rqa-eq { margin: 0 4px; color: var(--body-text-color-subdued); }
.rqa-val { font-weight: 700; font-size: 1.08em; }
.rqa-card .rqa-quote, .rqa-source .rqa-quote { margin: 5px 0 2px !important; }
.rqa-quote { margin: 6px 0 2px; padding: 4px 9px; border-left: 3px solid var(--border-color-primary);
  color: var(--body-text-color-subdued); font-size: 0.86em; line-height: 1.55;
  display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.rqa-source .rqa-quote { -webkit-line-clamp: unset; display: block; }
.rqa-card-meta { font-size: 0.8em; color: var(--body-text-color-subdued); margin-top: 3px; }
.rqa-source { font-size: 0.92em; }
.rqa-src-head { display: flex; align-items: center; gap: 8px; font-weight: 600; margin-bottom: 4px; }
.rqa-src-title { margin: 4px 0 8px; }
.rqa-table-wrap { overflow: auto; max-height: 560px; border: 1px solid var(--border-color-primary); border-radius: 6px; }
table.rqa-table { border-collapse: separate; border-spacing: 0; width: 100%; font-size: 0.86em; }
table.rqa-table th, table.rqa-table td { border: 0; border-right: 1px solid var(--border-color-primary);
  border-bottom: 1px solid var(--border-color-primary); padding: 3px 6px; }
table.rqa-table tr > :last-child { border-right: 0; }
table.rqa-table td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.rqa-table tr.rqa-head th { background: var(--background-fill-secondary); font-weight: 600; text-align: center;
  font-size: 0.92em; line-height: 1.3; }
table.rqa-table thead { position: sticky; top: 0; z-index: 1; background: var(--background-fill-secondary); }
table.rqa-table thead th[colspan] { border-right: 1px solid var(--border-color-primary); }
table.rqa-table th.rqa-rl { text-align: left; font-weight: 400; min-width: 9em; }
table.rqa-table tr.rqa-parent th { font-weight: 600; background: var(--background-fill-secondary); }
table.rqa-table .rqa-d1 { padding-left: 1.4em; }
table.rqa-table .rqa-d2 { padding-left: 2.6em; }
table.rqa-table td.rqa-blank { color: #9ca3af; font-size: 0.9em; }
table.rqa-table tr.rqa-hitrow th, table.rqa-table tr.rqa-hitrow td { background: #fffbe6; }
table.rqa-table th.rqa-hitcol { background: #fff1b8 !important; }
table.rqa-table td.rqa-hit { background: #ffd43b !important; color: #111; font-weight: 800;
  outline: 3px solid #e8590c; outline-offset: -3px; }
mark.rqa-hit { background: #ffe066; color: inherit; padding: 1px 2px; border-radius: 2px; }
.rqa-para p { margin: 0 0 0.6em; line-height: 1.75; }
.rqa-note { color: #b45309; font-size: 0.85em; margin-top: 4px; }
.rqa-findings { margin-top: 10px; font-size: 0.9em; }
#rqa-feedback { align-items: center; }
#rqa-status { font-size: 0.86em; color: var(--body-text-color-subdued); }
"""

from ui.source_view import CSS as _SOURCE_VIEW_CSS  # noqa: E402 - the source panel's original-file view

CSS += _SOURCE_VIEW_CSS
