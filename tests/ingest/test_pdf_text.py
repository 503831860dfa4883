"""pypdfium2 page text (ingest/pdf_text.py, what ingest.readers reads PDFs with) against pdfplumber's, on the
three real PDFs.

The table parser depends on line layout: pypdfium2's text may replace pdfplumber's only if every cell the
parser reads from it is the same — value, state and page — as from pdfplumber's text. (The 572 hand-checked
cells of tests/ingest/test_parser.py now run through pypdfium2's text, since parse_file uses it.) Positions: the page-2 facts below were read off the
rendered page of 洪泽区 2023 by a person (the 表二 行政许可 row, 550, in the lower half of page 2, left column).
"""

from __future__ import annotations

import pytest

from ingest.errors import ReportError
from ingest.parse import parse_document, parse_file
from ingest.pdf_text import pdfium_lines_with_boxes, pdfium_pages
from ingest.readers import Document


def _cells(report) -> dict:
    return {(c.table, c.row, c.column): (c.state, c.value, c.page) for c in report.cells}


def _parse(path, pages):
    from ingest.readers import _pdf_grids

    return parse_document(Document(path, "pdf", pages, paged=True, load_tables=lambda: _pdf_grids(path, pages)))


def _plumber_pages(path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:  # as ingest.readers read PDFs before pypdfium2
        return [page.extract_text(x_tolerance=1.5, y_tolerance=3) or "" for page in pdf.pages]


@pytest.mark.slow
def test_pdfium_text_gives_the_same_report_as_pdfplumber(pdf_paths):
    for path in pdf_paths:
        plumber = _parse(path, _plumber_pages(path))
        pages = pdfium_pages(path)
        assert len(pages) == plumber.pages
        ours = _parse(path, pages)
        assert _cells(parse_file(path)) == _cells(ours)  # the reader uses PDFium's text
        assert (ours.agency, ours.year, ours.title) == (plumber.agency, plumber.year, plumber.title)
        assert _cells(ours) == _cells(plumber), path.name
        assert [s.title for s in ours.sections] == [s.title for s in plumber.sections]
        assert ["".join(s.text.split()) for s in ours.sections] == ["".join(s.text.split()) for s in plumber.sections]


def test_lines_carry_page_numbers_and_boxes(raw_dir):
    path = raw_dir / "hzq2023_working.pdf"
    lines = pdfium_lines_with_boxes(path)
    assert {ln.page for ln in lines} == {1, 2, 3, 4, 5}
    for ln in lines:
        left, bottom, right, top = ln.box
        assert 0 <= left <= right <= 595.5 and 0 <= bottom <= top <= 842.5 and ln.text
    permit = next(ln for ln in lines if ln.text.replace(" ", "").startswith("行政许可") and "550" in ln.text)
    assert permit.page == 2
    assert permit.box[3] < 842 / 2 and permit.box[0] < 595 / 3  # lower half, starting in the left third
    heading = next(ln for ln in lines if "主动公开政府信息情况" in ln.text)
    assert heading.page == 2 and heading.box[3] > permit.box[3]  # above the table row


def test_damaged_pdf_is_a_report_error(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n this is not a PDF body")
    with pytest.raises(ReportError, match="已损坏"):
        pdfium_pages(bad)
