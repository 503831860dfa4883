"""Table layouts met in real reports, as builders for tests (not a test module).

``t3_html`` writes 表三 the way the real government pages do (three header rows,
three label columns with rowspan/colspan, 申请人情况 / 法人或其他组织 spanning
headers); options switch on the variants met in ../shared/corpus/real. The
``grid_to_*`` functions render a grid read from a real page into another format
(Markdown pipe table, DOCX with merged cells) so a test can check that the same
cells come back.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.grid import Grid
from ingest.template import RESULT_GROUPS, T3_COLUMNS, t3_rows

HEADER_LEAVES = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _td(text: str, rowspan: int = 1, colspan: int = 1, tag: str = "td") -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<{tag}{attrs}>{text}</{tag}>"


def t3_html(values: dict[str, list], *, single_other: bool = False, cell: Callable[[object], str] = str,
            label: Callable[[str], str] = lambda s: s, vertical: bool = False, numbering: bool = True,
            order: list[int] | None = None, upper: bool = False, split_first_label: bool = False) -> str:
    """表三 as a real page prints it. ``values[row_key]`` = 7 values in template column order.

    ``order`` permutes the printed columns (header and values move together); ``vertical`` writes header and
    group labels one character per <p>; ``numbering=False`` drops 一、/（一）/1. from the labels;
    ``split_first_label`` prints the 本年新收 label over two cells instead of one cell spanning three.
    """
    order = order or list(range(7))
    rows = t3_rows(single_other)

    def lab(text: str) -> str:
        if vertical:
            return "".join(f"<p>{ch}</p>" for ch in text)
        return label(text)

    leaves = [HEADER_LEAVES[i] for i in order]
    head = [
        _td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3) + _td("申请人情况", 1, 7),
        "".join(_td(lab(t), 2, 1) if t in ("自然人", "总计") else "" for t in leaves[:1])
        + _td("法人或其他组织", 1, 5) + "".join(_td(lab(t), 2, 1) for t in leaves[6:]),
        "".join(_td(t) for t in leaves[1:6]),
    ]
    if leaves[0] not in ("自然人", "总计") or leaves[6] not in ("自然人", "总计"):
        # a permuted header: one flat header row under the title cell instead
        head = [_td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 2, 3) + _td("申请人情况", 1, 7),
                "".join(_td(t) for t in leaves)]
    body: list[str] = []
    results = [r for r in rows if r.key.startswith(("open", "partial", "withheld", "unable", "not_handled", "other"))
               or r.key == "total"]
    group_seen: set[str] = set()

    def num(text: str) -> str:
        if numbering:
            return text
        import re

        return re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)", "", text)

    for r in rows:
        vals = "".join(_td(cell(values[r.key][i])) for i in order)
        if r.key in ("new", "carried", "forward"):
            text = num(r.label)
            if r.key == "new" and split_first_label:
                body.append(_td(text[:-6], 1, 2) + _td(text[-6:]) + vals)
            else:
                body.append(_td(text, 1, 3) + vals)
            continue
        first = _td(lab(num("三、本年度办理结果")), len(results), 1) if r is results[0] else ""
        if r.group in (None, "open", "partial") or (r.key == "other" and single_other):
            body.append(first + _td(num(r.label.split(" ")[0].replace("三、本年度办理结果", "")), 1, 2) + vals)
            continue
        group = ""
        if r.group not in group_seen:
            group_seen.add(r.group)
            n = sum(1 for x in rows if x.group == r.group)
            group = _td(lab(num(RESULT_GROUPS[r.group])), n, 1)
        leaf = r.label.split(" ", 1)[1] if " " in r.label else r.short
        body.append(first + group + _td(num(leaf)) + vals)
    html = "<table border=\"1\">" + "".join(f"<tr>{tr}</tr>" for tr in head + body) + "</table>"
    return html.upper() if upper else html


def t4_html(values: dict[str, list], cell: Callable[[object], str] = str, br: bool = False) -> str:
    """表四 as real pages print it: 行政复议 (5) | 行政诉讼 (10 = 未经复议直接起诉 5 + 复议后起诉 5), one value row."""
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    shown = [(f"{t[:2]}<br/>{t[2:]}" if br else t) for t in leaves]
    head = [
        _td("行政复议", 1, 5) + _td("行政诉讼", 1, 10),
        "".join(_td(t, 2, 1) for t in shown) + _td("未经复议直接起诉", 1, 5) + _td("复议后起诉", 1, 5),
        "".join(_td(t) for t in shown) * 2,
    ]
    vals = "".join(_td(cell(v)) for g in ("review", "direct", "after_review") for v in values[g])
    return "<table>" + "".join(f"<tr>{tr}</tr>" for tr in [*head, vals]) + "</table>"


def zero_t3(single_other: bool = False) -> dict[str, list]:
    return {r.key: [0] * len(T3_COLUMNS) for r in t3_rows(single_other)}


def grid_to_markdown(grid: Grid, repeat_spans: bool = False) -> str:
    """A grid as a converter writes a pipe table: merged cells once (or repeated), first row as the header."""
    lines = []
    for r in range(grid.height):
        cells = []
        for c in range(grid.width):
            s = grid.rows[r][c]
            cells.append(s.text if (s.origin or repeat_spans) else "")
        lines.append("| " + " | ".join(t.replace("|", "\\|") for t in cells) + " |")
        if r == 0:
            lines.append("|" + "---|" * grid.width)
    return "\n".join(lines)


def grid_to_docx_table(document, grid: Grid):
    """Write a grid into a python-docx document as Word does: w:gridSpan for a colspan, w:vMerge for a rowspan."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from xml.sax.saxutils import escape

    table = document.add_table(rows=0, cols=grid.width)
    tbl = table._tbl
    for r in range(grid.height):
        tcs = []
        c = 0
        while c < grid.width:
            s = grid.rows[r][c]
            pr = f'<w:gridSpan w:val="{s.colspan}"/>' if s.colspan > 1 else ""
            if s.rowspan > 1:
                pr += '<w:vMerge w:val="restart"/>' if s.row0 == r else "<w:vMerge/>"
            text = escape(s.text) if s.row0 == r else ""
            tcs.append(f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p></w:tc>")
            c += max(1, s.colspan if s.col0 == c else 1)
        tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{''.join(tcs)}</w:tr>"))
    return table
