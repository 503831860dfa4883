"""The parser on real inputs: the five seeds and the three real PDFs (hand-checked fixtures)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from eval.bench_real_cells import expected_cells
from ingest.models import CellState
from ingest.parse import parse_file
from tests.conftest import FIXTURES, seed

SEED_META = {
    "000": ("河东区机关事务服务中心", 2021),
    "001": ("河东区工业和信息化局", 2021),
    "002": ("东关街道办事处", 2021),
    "003": ("海东市市直机关事务管理局", 2021),
    "004": ("淄博市张店区机关事务服务中心", 2021),
}


@pytest.fixture(scope="module")
def seed_reports(seed_paths):
    return {p.name[:3]: parse_file(p) for p in seed_paths}


@pytest.mark.parametrize("prefix", sorted(SEED_META))
def test_seed_metadata_and_sections(seed_reports, prefix):
    r = seed_reports[prefix]
    agency, year = SEED_META[prefix]
    assert r.agency == agency
    assert r.year == year
    assert [s.number for s in r.sections if s.number] == list("一二三四五六")
    assert r.sections[-1].canonical == "其他需要报告的事项"


@pytest.mark.parametrize("prefix", sorted(SEED_META))
def test_seed_tables(seed_reports, prefix):
    r = seed_reports[prefix]
    t3, t4 = r.table_cells("表三"), r.table_cells("表四")
    assert len(t3) == 175 and len(t4) == 15
    assert len({(c.row, c.column) for c in t3}) == 175
    if prefix == "003":  # 海东: the tables are left blank — not reported, not 0
        assert all(c.state is CellState.blank and c.value is None for c in t3 + t4)
        assert {f.rule for f in r.findings if f.table in ("表三", "表四")} == {"table.blank"}
    else:
        assert all(c.state is CellState.number and c.value == 0 for c in t3 + t4)
        assert not [f for f in r.findings if f.severity == "error"]


def test_seed_agency_variants(seed_reports):
    r = seed_reports["001"]  # title 河东区工信局, body 河东区工业和信息化局
    assert r.agency == "河东区工业和信息化局"
    assert "河东区工信局" in r.agency_variants


def test_seed_000_2019_style_table2(seed_reports):
    """Seed 000 prints 表二 with the 2019 columns (本年新制作数量 …) inside a 2021 report."""
    cols = {(c.row, c.column_label) for c in seed_reports["000"].table_cells("表二")}
    assert ("rules", "本年新制作数量") in cols
    assert ("licensing", "上一年项目数量") in cols and ("licensing", "处理决定数量") in cols


def test_seed_subsections(seed_reports):
    r = seed_reports["001"]
    paths = [s.path for s in r.all_sections()]
    assert any(p.startswith("一、总体情况 / （二）依申请公开") for p in paths), paths
    sub = next(s for s in r.all_sections() if s.path.startswith("一、总体情况 / （二）"))
    assert "未收到政府信息公开申请" in sub.text


def test_seed_quotes_hold_their_numbers(seed_reports):
    for r in seed_reports.values():
        for c in r.cells:
            if c.state is CellState.number:
                assert str(c.value) in c.quote.replace(",", ""), (r.source, c.row, c.quote)


# ----------------------------------------------------------------- real PDFs

PDF_STEMS = ["szfgs2024", "hzq2023_working", "hzq2024_working"]


@pytest.fixture(scope="module")
def pdf_reports(raw_dir):
    return {stem: parse_file(raw_dir / f"{stem}.pdf") for stem in PDF_STEMS}



@pytest.mark.parametrize("stem", PDF_STEMS)
def test_pdf_every_cell_equals_printed_number(pdf_reports, stem):
    fx = json.loads((FIXTURES / "pdfs" / f"{stem}.json").read_text("utf-8"))
    r = pdf_reports[stem]
    assert (r.agency, r.year) == (fx["agency"], fx["year"])
    want = expected_cells(fx)
    got = {(c.table, c.row, c.column): c.value for c in r.cells}
    assert set(got) == set(want), set(got) ^ set(want)
    wrong = {k: (want[k], got[k]) for k in want if got[k] != want[k]}
    assert not wrong
    # pages: every 表三 cell sits on a page the fixture lists for 表三
    assert {c.page for c in r.table_cells("表三")} <= set(fx["pages"]["table3"])


def test_pdf_consistency_findings(pdf_reports):
    def errors(stem):
        return [f for f in pdf_reports[stem].findings if f.severity == "error"]

    assert errors("szfgs2024") == []
    assert errors("hzq2024_working") == []
    hz23 = errors("hzq2023_working")
    review = [f for f in hz23 if f.rule == "t4.total" and "行政复议」" in f.detail]
    assert len(review) == 1 and "11" in review[0].detail and "0" in review[0].detail
    narrative = [f for f in pdf_reports["hzq2024_working"].findings if f.rule == "narrative.t3_new"]
    assert len(narrative) == 1 and "17" in narrative[0].detail and "95" in narrative[0].detail


def test_pdf_single_other_row_in_2024_report(pdf_reports):
    """洪泽区 2024 prints （六）其他处理 as one row, 2019 style: 23 rows, 161 cells."""
    rows = Counter(c.row for c in pdf_reports["hzq2024_working"].table_cells("表三"))
    assert len(rows) == 23 and "other" in rows and "other_overdue" not in rows
    assert len(pdf_reports["szfgs2024"].table_cells("表三")) == 175


def test_pdf_citation_quote_and_page(pdf_reports):
    c = pdf_reports["szfgs2024"].cell("表三", "withheld_inquiry", "total")
    assert c.value == 105 and c.page == 4
    assert "属于行政查询事项" in c.quote and "105" in c.quote
    new = pdf_reports["szfgs2024"].cell("表三", "new", "total")
    assert new.quote == "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119"


def test_pdf_agency_long_form(pdf_reports):
    r = pdf_reports["hzq2023_working"]  # title says 洪泽区人民政府, body 淮安市洪泽区人民政府
    assert r.agency == "淮安市洪泽区人民政府"
    assert "洪泽区人民政府" in r.agency_variants


def test_numbers_are_shown_as_printed():
    """No rounding to six significant digits anywhere a value is shown (103716.6, not 103717)."""
    from ingest.models import CellState, TableCell
    from ingest.text import format_number

    assert format_number(103716.6) == "103716.6" and format_number(7730.28) == "7730.28"
    assert format_number(96171.0) == "96171" and format_number(0.0001) == "0.0001" and format_number(12) == "12"
    cell = TableCell(table="表二", row="fees", row_label="行政事业性收费", column="amount", column_label="本年收费金额",
                     value=1234567.5, state=CellState.number)
    assert cell.display_value() == "1234567.5"
