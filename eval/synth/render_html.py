"""HTML rendering: a government-site page with <table>s (rowspan/colspan), in one of the skins of
``render_html_skins`` (an article page, a whole saved page with the site's chrome, Word-pasted markup)."""

from __future__ import annotations

import random

from . import render_html_skins as sk
from .document import Heading, Para, Signature, T2Table, T3Table, T4Table, Title, grid_of

TALL = 4  # a label cell spanning at least this many rows may be printed vertically


def _table(rng: random.Random, el, skin: str, wrap: bool) -> str:
    g = grid_of(el)
    cls = {T2Table: "t2", T3Table: "t3", T4Table: "t4"}[type(el)]
    out = [sk.table_open(skin, cls)]
    for row in g.rows:
        tds = []
        for c in row:
            if skin == "cms":
                body = sk.esc(c.text) if c.text else "&nbsp;"
                if wrap and c.text:
                    body = f'<p style="text-align:center"><span style="font-size:14px">{body}</span></p>'
            else:
                body = sk.cell_body(rng, skin, c.text, header=c.header, tall=c.rowspan >= TALL)
            tds.append(sk.td(rng, skin, body, c.rowspan, c.colspan))
        out.append(sk.tr(skin, tds))
    out.append(sk.table_close(skin))
    return "\n".join(out)


def _title_html(rng: random.Random, el: Title, skin: str) -> str:
    if skin == "word" and rng.random() < 0.5:  # the title wrapped over two centred paragraphs
        return "".join(f'<P class=MsoNormal align=center><B><SPAN style="FONT-SIZE: 22pt">{sk.esc(x)}</SPAN></B></P>'
                       for x in el.two_lines())
    return '<h1 class="title">' + "<br/>".join(sk.esc(x) for x in el.lines) + "</h1>"


def render_html(rng: random.Random, doc: list, encoding: str, *, skin: str = "cms", host: str = "政府",
                year: int = 2024, source: str = "政府办公室") -> str:
    wrap = rng.random() < 0.5  # cms: cells wrapped in <p><span> as CMS editors do
    title_el = next((el for el in doc if isinstance(el, Title)), None)
    title = "".join(title_el.lines) if title_el else ""
    charset = "gbk" if encoding.lower() in ("gbk", "gb2312", "gb18030") else "utf-8"
    title_in_body = skin == "cms" or rng.random() < 0.6  # else the title is only in <title>
    parts = [
        "<!DOCTYPE html>",
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        f"<title>{sk.esc(sk.page_title(rng, title, host, skin))}</title></head><body>",
    ]
    if skin == "site":
        parts += sk.chrome_head(rng, host)
    else:
        parts.append('<div class="header">首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>')
    parts.append('<div class="article">')
    for el in doc:
        if isinstance(el, Title):
            if title_in_body:
                parts.append(_title_html(rng, el, skin))
            if skin == "cms":
                parts.append(f'<div class="info">发布日期：{rng.randint(2020, 2025)}-0{rng.randint(1, 3)}-'
                             f"{rng.randint(10, 28)}　来源：{sk.esc(source)}</div>")
            elif skin == "site":
                parts.append(sk.info_line(rng, year, source))
            parts.append('<div class="TRS_Editor">' if skin != "word" else '<DIV class=Section1>')
        elif isinstance(el, Heading):
            parts.append(sk.heading(skin, el.text, el.level))
        elif isinstance(el, Para):
            parts.append(sk.paragraph(skin, el.text))
        elif isinstance(el, (T2Table, T3Table, T4Table)):
            parts.append(_table(rng, el, skin, wrap))
        elif isinstance(el, Signature):
            parts += [f'<p style="text-align:right">{sk.esc(x)}</p>' for x in el.lines]
    parts.append("</div></div>")
    if skin == "site":
        parts += sk.chrome_foot(rng, host)
    else:
        parts.append('<div class="footer">主办单位：政府办公室　网站标识码：0000000000</div>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
