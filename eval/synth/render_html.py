"""HTML rendering: a government-site article page with <table>s (rowspan/colspan)."""

from __future__ import annotations

import html
import random

from .document import Heading, Para, Signature, T2Table, T3Table, T4Table, Title, grid_of


def _table(rng: random.Random, el, wrap: bool) -> str:
    g = grid_of(el)
    cls = {T2Table: "t2", T3Table: "t3", T4Table: "t4"}[type(el)]
    out = [f'<table class="{cls}" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">',
           "<tbody>"]
    for row in g.rows:
        tds = []
        for c in row:
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            body = html.escape(c.text) if c.text else "&nbsp;"
            if wrap and c.text:
                body = f'<p style="text-align:center"><span style="font-size:14px">{body}</span></p>'
            tds.append(f"<td{attrs}>{body}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render_html(rng: random.Random, doc: list, encoding: str) -> str:
    wrap = rng.random() < 0.5  # cells wrapped in <p><span> as CMS editors do
    title = next(("".join(el.lines) for el in doc if isinstance(el, Title)), "")
    charset = "gbk" if encoding.lower() in ("gbk", "gb2312", "gb18030") else "utf-8"
    parts = [
        "<!DOCTYPE html>",
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        f"<title>{html.escape(title)}</title></head><body>",
        '<div class="header">首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>',
        '<div class="article">',
    ]
    for el in doc:
        if isinstance(el, Title):
            parts.append('<h1 class="title">' + "<br/>".join(html.escape(x) for x in el.lines) + "</h1>")
            parts.append(f'<div class="info">发布日期：{rng.randint(2020, 2025)}-0{rng.randint(1, 3)}-'
                         f"{rng.randint(10, 28)}　来源：政府办公室</div>")
            parts.append('<div class="TRS_Editor">')
        elif isinstance(el, Heading):
            tag = "strong" if el.level == 1 else "b"
            parts.append(f'<p style="text-indent:2em"><{tag}>{html.escape(el.text)}</{tag}></p>')
        elif isinstance(el, Para):
            parts.append(f'<p style="text-indent:2em">{html.escape(el.text)}</p>')
        elif isinstance(el, (T2Table, T3Table, T4Table)):
            parts.append(_table(rng, el, wrap))
        elif isinstance(el, Signature):
            parts += [f'<p style="text-align:right">{html.escape(x)}</p>' for x in el.lines]
    parts += ["</div></div>", '<div class="footer">主办单位：政府办公室　网站标识码：0000000000</div>', "</body></html>"]
    return "\n".join(parts) + "\n"
