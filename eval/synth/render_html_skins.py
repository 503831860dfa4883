"""How real government websites print a report page, as HTML "skins" of one abstract document.

Learnt from the real pages of ../shared/corpus/real (a 平潭 site) and the classes issue 10 names; none of
their words is copied, only their layout habits:

- ``cms``  — an article page: a short breadcrumb, the title as <h1>, cells wrapped in <p><span> or bare.
- ``site`` — the whole page as a user saves it: navigation menus, a breadcrumb, an info line
  (来源/发布时间/浏览次数), the title printed in the body or only in <title> (with the site's suffix
  "_政府信息公开年报_<site>"), headings as <span> in 黑体 after two U+3000 spaces, border="0" tables with a
  border on every cell, values padded with ``&nbsp;`` or put between empty paragraphs, and a long footer.
- ``word`` — text pasted from Word: uppercase tags and attributes (<TABLE>, <TD vAlign=center>, inline CSS in
  capitals), MsoNormal paragraphs with <o:p></o:p>, a long label or number split over several <SPAN>s, a
  row-spanning label written one character per <P> (vertical text), header cells broken by <BR>.

Each skin gets every cell of the grid (rowspan/colspan) exactly as the document model lays it out, so the
ground truth is the same whatever the skin.
"""

from __future__ import annotations

import html
import random

SKINS = ("cms", "site", "word")

_MENU = ("首页", "走进本地", "政务公开", "政务服务", "互动交流", "专题专栏", "数据开放", "政策文件", "政策解读",
         "人事信息", "财政资金", "重点领域", "规划计划", "统计信息", "应急管理", "建议提案办理", "新闻发布会")
_CATEGORIES = ("政府信息公开年报", "政府信息公开年度报告", "年度报告")


def pick_skin(rng: random.Random) -> str:
    return rng.choice(SKINS)


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def site_name(rng: random.Random, host: str) -> str:
    """The label a site appends to every <title>: the host government, sometimes with its 网 suffix."""
    return rng.choice([host, f"{host}门户网站", f"中国·{host.removesuffix('人民政府')}"])


def page_title(rng: random.Random, title: str, host: str, skin: str) -> str:
    if skin == "cms":
        return title
    return f"{title}_{rng.choice(_CATEGORIES)}_{site_name(rng, host)}"


def chrome_head(rng: random.Random, host: str) -> list[str]:
    """Navigation and breadcrumb before the article (site skin)."""
    links = "".join(f'<li><a href="/col/{i}/index.html" target="_blank">{m}</a></li>'
                    for i, m in enumerate(rng.sample(_MENU, k=min(len(_MENU), rng.randint(9, 16)))))
    cat = rng.choice(_CATEGORIES)
    return [
        f'<div class="top"><span class="date">今天是：</span><a href="/">{esc(host)}</a> | 无障碍 | 长者模式</div>',
        f'<div class="nav"><ul>{links}</ul></div>',
        '<div class="search"><input type="text" placeholder="请输入关键字"/><button>搜索</button></div>',
        f'<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
        f'<a href="/zfxxgk/">政府信息公开</a> &gt; <span>{cat}</span></div>',
    ]


def info_line(rng: random.Random, year: int, source: str) -> str:
    return (f'<div class="info"><span>发布时间：{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)} '
            f'{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}</span>　<span>来源：{esc(source)}</span>　'
            f'<span>浏览次数：{rng.randint(20, 3000)}</span>　<span>字号：【大 中 小】</span></div>')


def chrome_foot(rng: random.Random, host: str) -> list[str]:
    return [
        '<div class="share">分享到：微信 微博 QQ空间　【打印本页】【关闭窗口】</div>',
        '<div class="related"><h3>相关链接</h3><ul>'
        + "".join(f"<li><a href='/art/{rng.randint(1000, 9999)}.html'>关于印发工作要点的通知</a></li>" for _ in range(3))
        + "</ul></div>",
        f'<div class="footer"><p>主办：{esc(host)}办公室　承办：{esc(host)}信息中心</p>'
        f'<p>网站标识码：{rng.randint(10**9, 10**10 - 1)}　备案号：X ICP备{rng.randint(10**7, 10**8 - 1)}号</p>'
        '<script>var _hmt=_hmt||[];(function(){var s=document.createElement("script");})();</script></div>',
    ]


# ---------------------------------------------------------------- headings and paragraphs


def heading(skin: str, text: str, level: int) -> str:
    if skin == "site":
        font = "黑体" if level == 1 else "楷体"
        return f'<p style="text-indent:0"><span style="font-family:{font};font-size:16pt">　　{esc(text)}</span></p>'
    if skin == "word":
        font = "黑体" if level == 1 else "楷体_GB2312"
        return (f'<P class=MsoNormal style="TEXT-INDENT: 32pt"><SPAN style="FONT-FAMILY: {font}; FONT-SIZE: 16pt">'
                f"{esc(text)}</SPAN><o:p></o:p></P>")
    tag = "strong" if level == 1 else "b"
    return f'<p style="text-indent:2em"><{tag}>{esc(text)}</{tag}></p>'


def paragraph(skin: str, text: str) -> str:
    if skin == "word":
        return (f'<P class=MsoNormal style="TEXT-INDENT: 32pt"><SPAN style="FONT-FAMILY: 仿宋_GB2312; '
                f'FONT-SIZE: 16pt">{esc(text)}</SPAN><o:p></o:p></P>')
    if skin == "site":
        return f'<p style="text-indent:2em;line-height:2em"><span style="font-size:16px">{esc(text)}</span></p>'
    return f'<p style="text-indent:2em">{esc(text)}</p>'


# ---------------------------------------------------------------- table cells


def _split_spans(rng: random.Random, text: str, span: str) -> str:
    """A run of text broken into 2–4 <SPAN>s at random points, as Word's revision marks leave it."""
    if len(text) < 2:
        return f"<SPAN{span}>{esc(text)}</SPAN>"
    cuts = sorted(rng.sample(range(1, len(text)), k=min(len(text) - 1, rng.randint(1, 3))))
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    return "".join(f"<SPAN{span}>{esc(p)}</SPAN>" for p in parts)


def cell_body(rng: random.Random, skin: str, text: str, *, header: bool, tall: bool) -> str:
    """The inside of one <td>. ``tall``: a label spanning many rows (written vertically by some editors)."""
    if skin == "cms":
        return esc(text) if text else "&nbsp;"
    if skin == "site":
        if not text:
            return rng.choice(["&nbsp;", "<p>&nbsp;</p>", '<p style="text-align:center">&nbsp;</p>'])
        if header and tall and rng.random() < 0.7:
            return "".join(f'<p style="text-align:center">{esc(ch)}</p>' for ch in text)
        if not header:
            r = rng.random()
            if r < 0.25:
                return f"<p>&nbsp;</p><p>{esc(text)}</p><p>&nbsp;</p>"
            if r < 0.5:
                return rng.choice([f"&nbsp;{esc(text)}", f"{esc(text)}&nbsp;&nbsp;", f"&nbsp; {esc(text)}"])
        return f'<p style="text-align:center"><span style="font-size:14px">{esc(text)}</span></p>'
    # word
    span = ' style="FONT-FAMILY: 宋体; FONT-SIZE: 10pt"'
    if not text:
        return f"<P class=MsoNormal align=center><SPAN{span}>&nbsp;<o:p></o:p></SPAN></P>"
    if header and tall:
        return "".join(f"<P class=MsoNormal align=center><SPAN{span}>{esc(ch)}</SPAN></P>" for ch in text)
    if header and len(text) >= 4 and rng.random() < 0.3:
        cut = rng.randint(1, len(text) - 1)
        inner = f"<SPAN{span}>{esc(text[:cut])}<BR>{esc(text[cut:])}</SPAN>"
    elif rng.random() < 0.3:
        inner = _split_spans(rng, text, span)
    else:
        inner = f"<SPAN{span}>{esc(text)}</SPAN>"
    return f"<P class=MsoNormal align=center>{inner}<o:p></o:p></P>"


def table_open(skin: str, cls: str) -> str:
    if skin == "site":
        return (f'<table class="{cls}" border="0" cellspacing="0" cellpadding="0" width="600" '
                'style="border-collapse:collapse"><tbody>')
    if skin == "word":
        return (f'<TABLE class=MsoNormalTable style="BORDER-COLLAPSE: collapse" cellSpacing=0 cellPadding=0 '
                f"border=1 id={cls}><TBODY>")
    return f'<table class="{cls}" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse"><tbody>'


def td(rng: random.Random, skin: str, body: str, rowspan: int, colspan: int) -> str:
    if skin == "word":
        attrs = "".join([f" rowSpan={rowspan}" if rowspan > 1 else "", f" colSpan={colspan}" if colspan > 1 else ""])
        style = "BORDER-TOP: #000 1px solid; BORDER-RIGHT: #000 1px solid; BORDER-BOTTOM: #000 1px solid; " \
                "BORDER-LEFT: #000 1px solid; PADDING-LEFT: 5.4pt"
        valign = rng.choice(["center", "middle", "top"])
        return f'<TD style="{style}" vAlign={valign}{attrs}>{body}</TD>'
    attrs = "".join([f' rowspan="{rowspan}"' if rowspan > 1 else "", f' colspan="{colspan}"' if colspan > 1 else ""])
    if skin == "site":
        style = "border:1px solid #000000;padding:0px"
        return f'<td style="{style}" valign="{rng.choice(["middle", "top", "center"])}"{attrs}>{body}</td>'
    return f"<td{attrs}>{body}</td>"


def tr(skin: str, cells: list[str]) -> str:
    return ("<TR>" + "".join(cells) + "</TR>") if skin == "word" else ("<tr>" + "".join(cells) + "</tr>")


def table_close(skin: str) -> str:
    return "</TBODY></TABLE>" if skin == "word" else "</tbody></table>"
