"""A real page "saved as PDF" by headless Chromium (with the browser's date/title/URL header and footer):
its text layer carries Kangxi radicals (⼯ for 工, ⾸⻚ for 首页); identification runs on normalised text and
names the same agency and year as the page, while the title keeps what the PDF shows. (The reader's PDFium text
layer maps these glyphs back to unified ideographs; pdfplumber's layer of the same file keeps them.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.parse import parse_file
from tests.conftest import SHARED

CHROMIUM = os.environ.get("REPORTQA_CHROMIUM", "/usr/bin/chromium")
REAL = SHARED / "corpus" / "real"

pytestmark = pytest.mark.integration


def _print(src: Path, out: Path) -> Path:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk, or set REPORTQA_CHROMIUM)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
        try:
            page = browser.new_page()
            page.goto(src.resolve().as_uri())
            page.pdf(path=str(out), display_header_footer=True)
        finally:
            browser.close()
    return out


@pytest.mark.parametrize("name", ["hzs_2024.html", "jtj_2025_article.html"])
def test_a_page_printed_to_pdf_is_identified(tmp_path, name):
    src = REAL / name
    if not src.exists():
        pytest.skip(f"shared corpus not found at {REAL} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    pdf = _print(src, tmp_path / "printed.pdf")
    page = parse_file(src)
    printed = parse_file(pdf)
    assert (printed.agency, printed.year) == (page.agency, page.year)
    assert [s.number for s in printed.sections if s.number] == ["一", "二", "三", "四", "五", "六"]
    # PDFium (the reader's text layer) maps these glyphs to unified ideographs; pdfplumber's layer of the same PDF
    # keeps the radicals, as other extractors do: that text, saved as a TXT, is identified the same way
    import pdfplumber

    with pdfplumber.open(pdf) as d:
        layer = "\f".join(pg.extract_text() or "" for pg in d.pages)
    assert any("\u2f00" <= ch <= "\u2fd5" or "\u2e80" <= ch <= "\u2ef3" for ch in layer)
    txt = tmp_path / "printed.txt"
    txt.write_text(layer, encoding="utf-8")
    from_layer = parse_file(txt)
    assert (from_layer.agency, from_layer.year) == (page.agency, page.year)
    assert any("\u2f00" <= ch <= "\u2fd5" or "\u2e80" <= ch <= "\u2ef3"
               for ch in from_layer.title + "".join(s.text for s in from_layer.all_sections()))  # quotes as printed
