"""Structure-first table reading: grids (HTML, DOCX, Markdown) -> 表二/表三/表四 cells, by label and header.

Layouts come from ../shared/corpus/real (read at test time) and from builders that write the same layouts with
variants (tests/ingest/tables_layouts.py). Expected values were read off the pages by a person (SOURCES.md and the
page markup), never taken from the parser.
"""

from __future__ import annotations

import pytest

from ingest.grid import Grid, build_grid, html_grids, markdown_grids
from ingest.models import CellState
from ingest.readers import read_document
from ingest.tables_grid import identify, read_grids, read_t3, read_t4, read_value
from ingest.tables_grid_t2 import read_t2
from ingest.template import T3_COLUMNS, T4_COLUMNS, t3_rows
from tests.conftest import SHARED
from tests.ingest.tables_layouts import t3_html, t4_html, zero_t3

REAL = SHARED / "corpus" / "real"


def _grids(html: str) -> list[Grid]:
    from bs4 import BeautifulSoup

    return html_grids(BeautifulSoup(html, "lxml"))


def _cells(table) -> dict[tuple[str, str], object]:
    return {(c.row, c.column): (c.value if c.state is CellState.number else c.state.value) for c in table.cells}


def _real(stem: str):
    path = REAL / f"{stem}.html"
    if not path.exists():
        pytest.skip(f"real corpus not found at {REAL} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    return read_grids(read_document(path).tables)


def _values_with(**rows) -> dict[str, list]:
    v = zero_t3()
    v.update(rows)
    return v


# ------------------------------------------------------------------ values


@pytest.mark.parametrize("text,want", [
    ("12000元", 12000), ("6586650.10元", 6586650.1), ("−5", -5), ("-5", -5), ("－5", -5), ("+3", 3),
    ("3.25", 3.25), ("1,234", 1234), ("０", 0), ("\u00a0 1", 1), ("0\u00a0\u00a0", 0), ("2笔", 2), (" 17 件", 17),
])
def test_values_with_units_signs_and_decimals_are_numbers(text, want):
    v, state = read_value(text)
    assert state is CellState.number and v == want and type(v) is type(want)


@pytest.mark.parametrize("text", ["", " ", "\u00a0\u00a0\u00a0", "—", "/", "－", "无"])
def test_empty_and_dash_cells_are_blank(text):
    assert read_value(text) == (None, CellState.blank)


@pytest.mark.parametrize("text", ["见附件", "1 2", "约5", "3-4", "??", "5%%"])
def test_unreadable_cells_are_unread_never_zero(text):
    assert read_value(text) == (None, CellState.unread)


# ------------------------------------------------------------------ grids


def test_rowspan_and_colspan_fill_every_slot_they_cover():
    g = build_grid([[("a", 2, 2), ("b", 1, 1)], [("c", 1, 1)], [("d", 1, 3)]], "html")
    assert [[s.text for s in row] for row in g.rows] == [["a", "a", "b"], ["a", "a", "c"], ["d", "d", "d"]]
    assert [s.origin for s in g.rows[1]] == [False, False, True]
    assert g.row_texts(1) == ["a", "c"] and g.row_texts(2) == ["d"]


def test_html_cell_text_joins_paragraphs_spans_and_br():
    html = ("<table><tr><td><p>自</p><p>然</p><p>人</p></td><td>本年<br/>制发件数</td>"
            "<td><span>6</span><span>5</span><span>8</span><span>6650</span><span>.</span>"
            "<span><span>10</span><font face='宋体'><span>元</span></font></span><o:p></o:p></td>"
            "<td>&nbsp;</td><td><p>&nbsp;</p><p>21</p><p>&nbsp;</p></td><td><!-- x -->7</td></tr></table>")
    (g,) = _grids(html)
    assert [g.text(0, c) for c in range(g.width)] == ["自然人", "本年制发件数", "6586650.10元", "", "21", "7"]


def test_nested_layout_table_is_not_read_as_a_data_table():
    inner = t4_html({"review": [1, 0, 0, 0, 1], "direct": [0] * 5, "after_review": [0] * 5})
    grids = _grids(f"<table><tr><td>导航</td><td>{inner}</td></tr></table>")
    assert len(grids) == 1 and identify(grids[0]) == "表四"


# ------------------------------------------------------------------ 表三 from real-layout variants


VALUES = _values_with(new=[28, 1, 0, 0, 2, 0, 31], open=[18, 1, 0, 0, 2, 0, 21], partial=[6, 0, 0, 0, 0, 0, 6],
                      unable_not_held=[4, 0, 0, 0, 0, 0, 4], total=[28, 1, 0, 0, 2, 0, 31])


@pytest.mark.parametrize("variant", [
    {}, {"vertical": True}, {"numbering": False}, {"upper": True}, {"split_first_label": True},
    {"cell": lambda v: f"&nbsp;{v}"}, {"cell": lambda v: f"{v}&nbsp;&nbsp;"},
    {"cell": lambda v: f"<p>&nbsp;</p><p>{v}</p><p>&nbsp;</p>"},
    {"cell": lambda v: f"<span style='font-size:18.6667px'>{v}</span><o:p></o:p>"},
    {"order": [1, 0, 2, 3, 4, 5, 6]}, {"order": [6, 5, 4, 3, 2, 1, 0]},
])
def test_t3_rows_by_label_columns_by_header(variant):
    (g,) = _grids(t3_html(VALUES, **variant))
    t = read_t3(g)
    got = _cells(t)
    want = {(r, c.key): VALUES[r][i] for r in VALUES for i, c in enumerate(T3_COLUMNS)}
    assert got == want, {k: (want.get(k), got.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
    assert t.expected == 175 and not t.warnings


def test_t3_single_other_row_of_the_2019_template():
    v = zero_t3(single_other=True)
    v["other"] = [3, 0, 0, 0, 0, 0, 3]
    (g,) = _grids(t3_html(v, single_other=True))
    t = read_t3(g)
    assert t.expected == len(t3_rows(True)) * 7 == 161
    assert _cells(t)[("other", "natural")] == 3 and ("other_overdue", "natural") not in _cells(t)


def test_t3_blank_and_unread_cells_stay_what_they_are():
    v = _values_with(forward=["", 0, "&nbsp;", 0, "—", 0, "见附件"])
    (g,) = _grids(t3_html(v))
    got = _cells(read_t3(g))
    assert got[("forward", "natural")] == "blank" and got[("forward", "research")] == "blank"
    assert got[("forward", "legal")] == "blank" and got[("forward", "total")] == "unread"
    assert got[("forward", "commercial")] == 0 and got[("forward", "social")] == 0


def test_t3_label_typos_are_tolerated():
    html = t3_html(VALUES).replace("本机关不掌握相关政府信息", "本机关不掌握相关政府信").replace("重复申请", "重复申清")
    (g,) = _grids(html)
    got = _cells(read_t3(g))
    assert got[("unable_not_held", "natural")] == 4 and got[("not_handled_repeat", "total")] == 0
    assert len(got) == 175


# ------------------------------------------------------------------ 表四


@pytest.mark.parametrize("br", [False, True])
@pytest.mark.parametrize("cell", [str, lambda v: f"&nbsp; {v}", lambda v: f"{v}&nbsp;&nbsp;"])
def test_t4_groups_and_columns_by_header(br, cell):
    vals = {"review": [1, 0, 0, 0, 0], "direct": [0, 0, 0, 0, 0], "after_review": [0, 0, 1, 0, 1]}
    (g,) = _grids(t4_html(vals, cell=cell, br=br))
    got = _cells(read_t4(g))
    assert got == {(grp, c.key): vals[grp][i] for grp in vals for i, c in enumerate(T4_COLUMNS)}


# ------------------------------------------------------------------ 表二


def _t2_html(header_2019: bool, amount: str = "0") -> str:
    cols = ["本年新制作数量", "本年新公开数量", "对外公开总数量"] if header_2019 else ["本年制发件数", "本年废止件数", "现行有效件数"]
    rows = [
        '<tr><td colspan="4">第二十条第（一）项</td></tr>',
        "<tr><td>信息内容</td>" + "".join(f"<td>{c}</td>" for c in cols) + "</tr>",
        "<tr><td>规章</td><td>0</td><td>0</td><td>1</td></tr>",
        "<tr><td>规范性文件</td><td>6</td><td>&nbsp;</td><td>11</td></tr>",
        '<tr><td colspan="4">第二十条第（五）项</td></tr>',
    ]
    if header_2019:
        rows += ["<tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td><td>处理决定数量</td></tr>",
                 "<tr><td>行政许可</td><td>37</td><td>−5</td><td>5</td></tr>",
                 "<tr><td>其他对外管理服务事项</td><td>109</td><td>0</td><td>24</td></tr>",
                 '<tr><td colspan="4">第二十条第（九）项</td></tr>',
                 '<tr><td>信息内容</td><td>采购项目数量</td><td colspan="2">采购总金额</td></tr>',
                 f'<tr><td>政府集中采购</td><td>17</td><td colspan="2">{amount}</td></tr>']
    else:
        rows += ['<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>',
                 '<tr><td>行政许可</td><td colspan="3">3</td></tr>',
                 '<tr><td colspan="4">第二十条第（八）项</td></tr>',
                 '<tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr>',
                 f'<tr><td>行政事业性收费</td><td colspan="3">{amount}</td></tr>']
    return "<table>" + "".join(rows) + "</table>"


def test_t2_2021_wording_blank_and_unit_header():
    (g,) = _grids(_t2_html(False, amount="1.25"))
    t = read_t2(g)
    got = _cells(t)
    assert got[("rules", "in_force")] == 1 and got[("normative", "repealed")] == "blank"
    assert got[("licensing", "decisions")] == 3 and got[("fees", "amount")] == 1.25
    assert "单位：万元" in next(c.quote for c in t.cells if c.row == "fees")


@pytest.mark.parametrize("amount,want", [("6586650.10元", 6586650.1), ("<span>9843</span><span>61元</span>", 984361)])
def test_t2_2019_wording_negative_change_and_procurement(amount, want):
    (g,) = _grids(_t2_html(True, amount=amount))
    got = _cells(read_t2(g))
    assert got[("normative", "made")] == 6 and got[("normative", "public_total")] == 11
    assert got[("licensing", "change")] == -5 and got[("other_services", "decisions")] == 24
    assert got[("procurement", "count")] == 17 and got[("procurement", "amount")] == want


def test_t2_word_pasted_colspans_that_do_not_line_up_follow_the_header_order():
    # czj_2020: header 上一年(1) | 本年增/减 (colspan 2) | 处理决定(1); data 0 (colspan 2) | 1 | 0
    html = ('<TABLE><TR><TD colspan="5">第二十条第（五）项</TD></TR><TR><TD>信息内容</TD><TD>上一年项目数量</TD>'
            '<TD colspan="2">本年增/减</TD><TD>处理决定数量</TD></TR><TR><TD>行政许可</TD><TD colspan="2">0</TD>'
            "<TD>1</TD><TD>0</TD></TR></TABLE>")
    (g,) = _grids(html)
    got = _cells(read_t2(g))
    assert got == {("licensing", "prev_items"): 0, ("licensing", "change"): 1, ("licensing", "decisions"): 0}


# ------------------------------------------------------------------ real pages


def test_real_vertical_text_page_hzs_2024():
    t = _real("hzs_2024")
    t3 = _cells(t["表三"])
    assert t3[("new", "natural")] == 28 and t3[("open", "total")] == 18 and t3[("partial", "natural")] == 6
    assert t3[("unable_not_held", "total")] == 4 and t3[("total", "total")] == 28
    assert _cells(t["表四"])[("review", "upheld")] == 1 and _cells(t["表四"])[("review", "total")] == 0


def test_real_number_split_over_seven_spans_scj_2020():
    t2 = _cells(_real("scj_2020_article")["表二"])
    assert t2[("procurement", "amount")] == 6586650.1 and t2[("procurement", "count")] == 17
    assert t2[("other_services", "prev_items")] == 109 and t2[("penalty", "decisions")] == 40


def test_real_blank_cell_jjp_2022():
    t3 = _cells(_real("jjp_2022")["表三"])
    blanks = [k for k, v in t3.items() if v == "blank"]
    assert len(blanks) == 1 and blanks[0][0] == "forward"
    assert all(v == 0 for k, v in t3.items() if k not in blanks)


def test_real_word_pasted_uppercase_2019_czj_2020():
    t = _real("czj_2020_article")
    t2 = _cells(t["表二"])
    assert (t2[("licensing", "prev_items")], t2[("licensing", "change")], t2[("licensing", "decisions")]) == (0, 1, 0)
    assert t2[("normative", "made")] == 6 and t2[("procurement", "amount")] == 984361
    assert t["表三"].expected == 161 and ("other", "total") in _cells(t["表三"])


def test_real_nbsp_padded_value_cells_zrz_2023():
    t3 = _cells(_real("zrz_2023")["表三"])
    assert t3[("partial", "natural")] == 8 and t3[("partial", "commercial")] == 1 and t3[("partial", "total")] == 8
    assert t3[("new", "total")] == 19
    t4 = _real("zrz_2023")["表四"]
    assert len(t4.cells) == 15 and all(c.state is CellState.number for c in t4.cells)


# ------------------------------------------------------------------ Markdown


def test_markdown_pipe_table_reads_like_the_html():
    from tests.ingest.tables_layouts import grid_to_markdown

    (g,) = _grids(t3_html(VALUES))
    for repeat in (False, True):
        md = grid_to_markdown(g, repeat_spans=repeat)
        (mg,), spans = markdown_grids("前言\n\n" + md + "\n\n后文")
        assert spans == [(2, 2 + g.height + 1)]
        assert _cells(read_t3(mg)) == _cells(read_t3(g))


# ------------------------------------------------------------------ renditions of real pages: DOCX, Markdown files


REAL_STEMS = ["hzs_2024", "czj_2020_article", "scj_2020_article", "jjp_2022", "zrz_2023", "htp_2023"]


@pytest.mark.parametrize("stem", REAL_STEMS)
def test_real_tables_written_to_docx_with_merged_cells_read_back_the_same(tmp_path, stem):
    import docx

    from tests.ingest.tables_layouts import grid_to_docx_table

    path = REAL / f"{stem}.html"
    if not path.exists():
        pytest.skip(f"real corpus not found at {REAL}")
    html = read_document(path)
    d = docx.Document()
    d.add_paragraph("表格")
    for g in html.tables:
        grid_to_docx_table(d, g)
        d.add_paragraph("")
    out = tmp_path / f"{stem}.docx"
    d.save(str(out))
    doc = read_document(out)
    assert len(doc.tables) == len(html.tables)
    for a, b in zip(doc.tables, html.tables):
        assert [[s.text for s in row] for row in a.rows] == [[s.text for s in row] for row in b.rows]
    want, got = read_grids(html.tables), read_grids(doc.tables)
    assert {k: _cells(v) for k, v in got.items()} == {k: _cells(v) for k, v in want.items()}


@pytest.mark.parametrize("stem", REAL_STEMS)
def test_real_tables_as_a_markdown_file_read_back_the_same(tmp_path, stem):
    from tests.ingest.tables_layouts import grid_to_markdown

    path = REAL / f"{stem}.html"
    if not path.exists():
        pytest.skip(f"real corpus not found at {REAL}")
    html = read_document(path)
    md = "# 报告\n\n" + "\n\n**表**\n\n".join(grid_to_markdown(g) for g in html.tables) + "\n"
    out = tmp_path / f"{stem}.md"
    out.write_text(md, "utf-8")
    doc = read_document(out)
    assert doc.kind == "md" and len(doc.tables) == len(html.tables)
    assert "|" not in doc.text and "\t" in doc.text  # pipe rows became tab-separated lines for the text parser
    want, got = read_grids(html.tables), read_grids(doc.tables)
    assert {k: _cells(v) for k, v in got.items()} == {k: _cells(v) for k, v in want.items()}


# ------------------------------------------------------------------ more invented variants of the real layouts


def test_t3_with_two_label_columns_th_cells_and_other_header_words():
    html = t3_html(VALUES).replace("<td", "<th").replace("</td>", "</th>")
    html = html.replace("总计</th>", "合计</th>").replace("勾稽", "钩稽")
    (g,) = _grids(html)
    got = _cells(read_t3(g))
    assert got[("new", "total")] == 31 and got[("unable_not_held", "natural")] == 4 and len(got) == 175
    # the label columns merged into two: group and leaf share one column
    import re

    two = re.sub(r'<td rowspan="(\d+)">（[一二三四五六]）[^<]*</td>', "", t3_html(VALUES))
    two = two.replace('colspan="3"', 'colspan="2"').replace('rowspan="3" colspan="2"', 'rowspan="3" colspan="2"')
    (g2,) = _grids(two)
    got2 = _cells(read_t3(g2))
    assert got2[("partial", "natural")] == 6 and got2[("unable_not_held", "total")] == 4
    assert got2[("withheld_secret", "natural")] == 0 and len(got2) == 175


def test_t4_printed_transposed_groups_as_rows():
    html = ("<table><tr><td></td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>"
            "<tr><td>行政复议</td><td>2</td><td>0</td><td>1</td><td>0</td><td>3</td></tr>"
            "<tr><td>行政诉讼（未经复议直接起诉）</td><td>0</td><td>1</td><td>0</td><td>0</td><td>1</td></tr>"
            "<tr><td>行政诉讼（复议后起诉）</td><td>0</td><td>0</td><td>0</td><td>&nbsp;</td><td>0</td></tr></table>")
    (g,) = _grids(html)
    assert identify(g) == "表四"
    got = _cells(read_t4(g))
    assert got[("review", "upheld")] == 2 and got[("review", "total")] == 3 and got[("direct", "corrected")] == 1
    assert got[("after_review", "pending")] == "blank" and len(got) == 15


@pytest.mark.parametrize("row_label", ["（七）总计", "七、总计", "总计", "（七） 总 计"])
def test_t3_total_row_however_numbered(row_label):
    (g,) = _grids(t3_html(VALUES).replace("（七）总计", row_label))
    assert _cells(read_t3(g))[("total", "natural")] == 28
