"""Renditions staff make: a real page printed to PDF by headless Chromium gives the same cells as the page.

The PDF is made at test time (``chromium --headless --print-to-pdf``, header and footer as a browser prints
them), then read through the public ``parse_file``: the text layer first, rows it cannot read taken from the
PDF's ruled tables.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ingest.models import CellState
from ingest.parse import parse_file
from tests.conftest import SHARED

REAL = SHARED / "corpus" / "real"
# whole saved pages and one article extract; a blank cell (jjp_2022), vertical text (hzs_2024), stray &nbsp; (zrz)
STEMS = ["hzs_2024", "jjp_2022", "zrz_2023", "htp_2023", "gyz_2023", "jjp_2021_article"]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "chromium is needed for this test: `make browser` installs it"
    return exe


def _cells(report) -> dict:
    return {(c.table, c.row, c.column): (c.value if c.state is CellState.number else c.state.value) for c in report.cells}


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_page_printed_to_pdf_by_chromium_gives_the_same_cells(tmp_path, stem):
    src = REAL / f"{stem}.html"
    if not src.exists():
        pytest.skip(f"real corpus not found at {REAL} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    pdf = tmp_path / f"{stem}.pdf"
    subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
                    src.as_uri()], capture_output=True, timeout=180, check=False)
    assert pdf.exists() and pdf.stat().st_size > 10_000
    page, printed = parse_file(src), parse_file(pdf)
    assert (printed.agency, printed.year) == (page.agency, page.year)
    assert _cells(printed) == _cells(page)
    assert printed.coverage.cells_found == page.coverage.cells_found


LO_STEMS = ["hzs_2024", "czj_2020_article", "scj_2020_article", "jjp_2022", "jtj_2025_article", "htp_2023"]


@pytest.mark.slow
def test_pages_converted_to_docx_by_libreoffice_give_the_same_cells(tmp_path):
    """LibreOffice (``soffice --convert-to docx``) writes the pages' tables with gridSpan/vMerge merges."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice is needed for this test: `make office` installs libreoffice-writer-nogui"
    srcs = [REAL / f"{s}.html" for s in LO_STEMS]
    if not all(p.exists() for p in srcs):
        pytest.skip(f"real corpus not found at {REAL} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    subprocess.run([exe, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(tmp_path), *map(str, srcs)],
                   capture_output=True, timeout=600, check=False)
    for src in srcs:
        docx = tmp_path / f"{src.stem}.docx"
        assert docx.exists(), f"LibreOffice did not convert {src.name}"
        page, converted = parse_file(src), parse_file(docx)
        assert (converted.agency, converted.year) == (page.agency, page.year)
        assert _cells(converted) == _cells(page), src.name
        assert {t.table: t.source for t in converted.coverage.tables} == {"表二": "grid", "表三": "grid", "表四": "grid"}
