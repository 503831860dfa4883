"""Markdown as converters write it: real pages and PDFs converted with markitdown at test time give the same cells.

markitdown writes a colspan as the cell plus empty cells and drops the cells a rowspan covers, so its pipe rows
are ragged; the reader puts a short row's cells back under the columns they belong to (ingest.grid._markdown_grid).
"""

from __future__ import annotations

import json

import pytest

from ingest.grid import markdown_grids
from ingest.models import CellState
from ingest.parse import parse_file
from ingest.readers import read_document
from ingest.tables_grid import read_grids, read_t3, read_t4
from tests.conftest import FIXTURES, SHARED
from tests.ingest.test_parser import expected_cells

REAL = SHARED / "corpus" / "real"
RAW = SHARED / "corpus" / "raw"


def _need(path):
    if not path.exists():
        pytest.skip(f"shared corpus not found at {path} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    return path


def _cells(tables) -> dict:
    return {(c.table, c.row, c.column): (c.value, c.state.value) for t in tables.values() for c in t.cells}


def _markitdown(src, out):
    from markitdown import MarkItDown

    out.write_text(MarkItDown().convert(str(src)).text_content, "utf-8")
    return out


@pytest.mark.parametrize("stem", ["hzs_2024", "czj_2020_article", "scj_2020_article", "jjp_2021_article", "zrz_2023"])
def test_real_page_converted_by_markitdown_gives_the_same_cells(tmp_path, stem):
    src = _need(REAL) / f"{stem}.html"
    md = _markitdown(src, tmp_path / f"{stem}.md")
    want, got = _cells(read_grids(read_document(src).tables)), _cells(read_grids(read_document(md).tables))
    assert len(want) >= 190 and got == want


@pytest.mark.parametrize("stem", ["szfgs2024", "hzq2023_working", "hzq2024_working"])
def test_real_pdf_converted_by_markitdown_gives_the_printed_cells(tmp_path, stem):
    md = _markitdown(_need(RAW) / f"{stem}.pdf", tmp_path / f"{stem}.md")
    fx = json.loads((FIXTURES / "pdfs" / f"{stem}.json").read_text("utf-8"))
    r = parse_file(md)
    got = {(c.table, c.row, c.column): c.value for c in r.cells}
    want = expected_cells(fx)
    assert got == want, {k: (want.get(k), got.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}
    assert r.coverage.cells_found == r.coverage.cells_expected


# ------------------------------------------------------------------ ragged pipe tables, invented variants

T3_RAGGED = """
| （勾稽关系） | | | 申请人情况 | | | | | | |
| 自然人 | 法人或其他组织 | | | | | 总计 |
| 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |
| 一、本年新收政府信息公开申请数量 | | | 5 | 1 | 0 | 0 | 0 | 0 | 6 |
| 二、上年结转政府信息公开申请数量 | | | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 三、本年度办理结果 | （一）予以公开 | | 3 | 1 | 0 | 0 | 0 | 0 | 4 |
| （二）部分公开 | | 2 | 0 | 0 | 0 | 0 | 0 | 2 |
| （三）不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| （六）其他处理 | 1.申请人无正当理由逾期不补正 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 2.申请人逾期未按收费通知要求缴纳费用 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
| 其他 | 0 | 0 | 0 | | 0 | 0 | 0 |
| （七）总计 | | 5 | 1 | 0 | 0 | 0 | 0 | 6 |
| 四、结转下年度继续办理 | | | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
"""


@pytest.mark.parametrize("sep", [True, False])
def test_ragged_t3_rows_go_under_their_columns(sep):
    text = T3_RAGGED.strip()
    if sep:
        lines = text.splitlines()
        text = "\n".join([lines[0], "|" + "---|" * 10, *lines[1:]])
    (g,), _ = markdown_grids(text)
    assert g.width == 10
    assert [g.text(2, c) for c in range(3, 10)] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    t = {(c.row, c.column): (c.value if c.state is CellState.number else c.state.value) for c in read_t3(g).cells}
    assert t[("new", "natural")] == 5 and t[("new", "commercial")] == 1 and t[("new", "total")] == 6
    assert t[("partial", "natural")] == 2 and t[("partial", "total")] == 2
    assert t[("withheld_law", "total")] == 0 and t[("total", "total")] == 6
    # a bare 其他 under （六）其他处理 is the row 3.其他 (its group carried down), and its empty cell is blank
    assert t[("other_other", "natural")] == 0 and t[("other_other", "social")] == "blank"


def test_ragged_t4_sub_headers_go_under_their_groups():
    text = """| 行政复议 | | | | | 行政诉讼 | | | | | | | | | |
| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | | | | | 复议后起诉 | | | | |
| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |
| 1 | 0 | 2 | 0 | 3 | 0 | 0 | 0 | 4 | 4 | 0 | 5 | 0 | 0 | 5 |"""
    (g,), _ = markdown_grids(text)
    t = {(c.row, c.column): c.value for c in read_t4(g).cells}
    assert t[("review", "other")] == 2 and t[("review", "total")] == 3
    assert t[("direct", "pending")] == 4 and t[("after_review", "corrected")] == 5 and len(t) == 15
