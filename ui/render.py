"""HTML and Markdown for the web app: answers, citation cards, the reports tab; the source panel's tables and
paragraphs are built in :mod:`ui.render_source` (re-exported here), the shared helpers in :mod:`ui.render_common`.

Pure functions over plain data (the answer object as a dict, ``ingest.models.Report``),
no Gradio import, so they are unit-tested without a browser. Every piece of text that
comes from a user, a report or the assistant goes through :func:`esc` before it is
placed in HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ui.render_common import HIT_CLASS, _get, as_dict, esc, fmt_value, norm  # noqa: F401 - re-exported
from ui.render_source import (  # noqa: F401 - re-exported: the source panel is part of this module's API
    SOURCE_EMPTY,
    find_cell,
    find_span,
    highlight_html,
    label_parts,
    source_error_html,
    source_panel_html,
    table_html,
)

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
