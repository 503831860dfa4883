"""The source panel's original-file view on real files: the PDF page with the cited cell / sentence boxed,
the original HTML table with the cell highlighted (sanitised), the original TXT line.

Truth is read off the documents by a person (the page images of ../shared/corpus/raw, the HTML tables of
../shared/corpus/real), never from the parser: the values below and where they are printed. A box is checked
with pdfplumber's text layer (not the PDFium one the boxes come from): the words inside the box, and the
column header printed above it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from ingest.indexer import sha256_file
from ingest.parse import parse_file
from ui import render, source_view
from ui.chat import ChatMixin
from ui.source_locate import locate_pdf_cell, locate_pdf_quote

pdfplumber = pytest.importorskip("pdfplumber")


@lru_cache(maxsize=16)
def _report(path: Path):
    r = parse_file(path)
    return r.model_copy(update={"sha256": sha256_file(path), "source_path": str(path)})


def _cell(report, table: str, row: str, column: str):
    return next(c for c in report.cells if c.table == table and c.row == row and c.column == column)


def _citation(report, cell) -> dict:
    return {"id": 1, "agency": report.agency, "year": report.year, "source": report.source, "page": cell.page,
            "table": cell.table, "row": cell.row_label, "column": cell.column_label,
            "value": cell.display_value(), "quote": cell.quote}


def _words_in(path: Path, page: int, box) -> str:
    """pdfplumber's text inside a box (points, origin top-left), a point of slack around it."""
    with pdfplumber.open(str(path)) as pdf:
        x0, top, x1, bottom = box
        return "".join(pdf.pages[page - 1].crop((x0 - 1, top - 1, x1 + 1, bottom + 1)).extract_text().split())


def _header_x(path: Path, page: int, word: str, nth: int = 0) -> tuple[float, float]:
    """x-range of the nth occurrence of a header word on the page (pdfplumber words, spaces removed)."""
    with pdfplumber.open(str(path)) as pdf:
        words = pdf.pages[page - 1].extract_words()
    hits = [w for w in words if w["text"].replace(" ", "") == word]
    return hits[nth]["x0"], hits[nth]["x1"]


def _chars(path: Path, page: int):
    from ingest.pdf_text import pdfium_page_chars

    return pdfium_page_chars(path, page)


# ---------------------------------------------------------------------- PDF cells (szfgs2024.pdf, hand-read)


@pytest.fixture(scope="module")
def szfgs(raw_dir):
    path = raw_dir / "szfgs2024.pdf"
    return path, _report(path)


@pytest.mark.parametrize("row,column,value,header", [
    ("withheld_inquiry", "natural", "105", "自然人"),  # 8.属于行政查询事项: 105 … 105, the first one
    ("withheld_inquiry", "total", "105", "总计"),  # … and the last one, under 总计
    ("new", "total", "3119", "总计"),
    ("new", "legal", "61", None),
    ("carried", "research", "0", None),
])
def test_pdf_cell_box_holds_the_value_under_its_column(szfgs, row, column, value, header):
    path, report = szfgs
    cell = _cell(report, "表三", row, column)
    assert cell.page == 4  # 表三's first rows are printed on page 4
    hit = locate_pdf_cell(_chars(path, 4), cell, report.cells)
    assert hit is not None and len(hit.boxes) == 1
    box = hit.boxes[0]
    assert _words_in(path, 4, box) == value
    if header:
        hx0, hx1 = _header_x(path, 4, header)
        centre = (box[0] + box[2]) / 2
        assert hx0 - 20 <= centre <= hx1 + 20, (header, box, (hx0, hx1))


def test_pdf_cell_box_same_line_as_its_row_label(szfgs):
    path, report = szfgs
    cell = _cell(report, "表三", "withheld_inquiry", "total")
    hit = locate_pdf_cell(_chars(path, 4), cell, report.cells)
    assert hit.label, "the row label 8.属于行政查询事项 is printed on the value's line"
    assert "属于行政查询事项" in _words_in(path, 4, hit.label[0])
    # the two 105s of the row: the natural-person one is left of the total one, on the same line
    nat = locate_pdf_cell(_chars(path, 4), _cell(report, "表三", "withheld_inquiry", "natural"), report.cells)
    assert nat.boxes[0][2] < hit.boxes[0][0]
    assert abs(nat.boxes[0][1] - hit.boxes[0][1]) < 3


@pytest.mark.parametrize("row,column,value,nth_total", [
    ("review", "upheld", "72", None),
    ("review", "total", "351", 0),  # 行政复议's 总计 is the first 总计 of 表四
    ("after_review", "total", "20", 2),  # 复议后起诉's is the third
])
def test_pdf_table4_one_line_of_fifteen_numbers(szfgs, row, column, value, nth_total):
    path, report = szfgs
    cell = _cell(report, "表四", row, column)
    assert cell.page == 5
    hit = locate_pdf_cell(_chars(path, 5), cell, report.cells)
    assert hit is not None
    assert _words_in(path, 5, hit.boxes[0]) == value
    if nth_total is not None:
        hx0, hx1 = _header_x(path, 5, "总计", nth_total)
        assert hx0 - 20 <= (hit.boxes[0][0] + hit.boxes[0][2]) / 2 <= hx1 + 20


def test_pdf_rows_of_zeros_are_told_apart_by_their_label(raw_dir):
    """hzq2024: 3./4./5. of （五）不予处理 all print 0 0 0 0 0 0 0; the box of 5.'s total is on 5.'s line."""
    path = raw_dir / "hzq2024_working.pdf"
    report = _report(path)
    cell = _cell(report, "表三", "not_handled_confirm", "total")
    hit = locate_pdf_cell(_chars(path, cell.page), cell, report.cells)
    assert hit is not None
    assert _words_in(path, cell.page, hit.boxes[0]) == "0"
    with pdfplumber.open(str(path)) as pdf:
        words = pdf.pages[cell.page - 1].extract_words()
    label = [w for w in words if "要求行政机关确认" in w["text"]]
    mass = [w for w in words if "无正当理由大量反复" in w["text"]]
    assert label and mass
    top = hit.boxes[0][1]
    # the value is printed below the start of 5.'s label (a two-line label) and below 4.'s line
    assert top > mass[0]["bottom"] and top > label[0]["top"] - 2


def test_pdf_sentence_box_holds_the_quote(szfgs):
    path, _ = szfgs
    quote = "2024年，市政府网站主动公开各类政府信息5500余条"
    hit = locate_pdf_quote(_chars(path, 1), quote)
    assert hit is not None and hit.boxes and not hit.partial
    text = "".join(_words_in(path, 1, b) for b in hit.boxes)
    assert "主动公开各类政府信息5500余条" in text


def test_pdf_quote_not_on_the_page_gives_no_box(szfgs):
    path, _ = szfgs
    assert locate_pdf_quote(_chars(path, 1), "这句话不在任何一页上出现过，也不会被框出来。") is None


def test_pdf_cell_with_a_wrong_value_gives_no_box(szfgs):
    """A cell whose value is not what its line prints is never boxed at the likely place."""
    path, report = szfgs
    cell = _cell(report, "表三", "new", "total")
    wrong = cell.model_copy(update={"value": 3118})
    cells = [wrong if c == cell else c for c in report.cells]
    assert locate_pdf_cell(_chars(path, 4), wrong, cells) is None


def test_panel_shows_the_page_image_with_the_box(szfgs):
    path, report = szfgs
    cell = _cell(report, "表三", "withheld_inquiry", "total")
    c = _citation(report, cell)
    html = render.source_panel_html(report, c, original=ChatMixin._original(report, c))
    assert 'data-status="found"' in html and 'data-page="4"' in html
    assert re.search(r'<img class="rqa-page-img" src="data:image/png;base64,', html)
    assert "红框" in html and "重建的表格" in html and 'class="rqa-hit"' in html
    assert str(path.parent) not in html  # no server path
    # the drawn box: red pixels around the value's place in the image
    import base64
    import io

    from PIL import Image

    png = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1))
    img = Image.open(io.BytesIO(png)).convert("RGB")
    boxes = re.search(r'data-boxes="([^"]+)"', html).group(1)
    x0, y0, x1, y1 = (float(v) for v in boxes.split(";")[0].split(","))
    w, h = img.size
    y = int((y0 + y1) / 2 * h)
    row = [img.getpixel((x, y)) for x in range(int(x0 * w) - 14, int(x1 * w) + 14)]
    assert any(r > 180 and g < 90 and b < 90 for r, g, b in row), "a red outline crosses the value's line"


def test_panel_says_so_when_the_file_changed(szfgs, tmp_path):
    path, report = szfgs
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes() + b"\n%changed\n")
    moved = report.model_copy(update={"source_path": str(copy)})
    cell = _cell(moved, "表三", "new", "total")
    html = source_view.original_html(moved, _citation(moved, cell), cell)
    assert source_view.NOTE_UNAVAILABLE in html and "<img" not in html


def test_panel_unboxed_page_when_the_quote_is_not_found(szfgs):
    path, report = szfgs
    c = {"id": 1, "source": report.source, "page": 2, "table": None, "quote": "这句话不在任何一页上出现过，也不会被框出来。"}
    html = source_view.original_html(report, c, None)
    assert 'data-status="not_found"' in html and "未加框" in html and 'class="rqa-pbox"' not in html


# ---------------------------------------------------------------------- HTML (real/), hand-read tables


@pytest.fixture(scope="module")
def real_dir(raw_dir):
    d = raw_dir.parent / "real"
    if not d.exists():
        pytest.skip(f"real corpus not found at {d}")
    return d


@pytest.mark.parametrize("name,table,row,column,value,row_word", [
    ("hzs_2024.html", "表三", "new", "total", "28", "本年新收"),
    ("hzs_2024.html", "表三", "open", "natural", "18", "予以公开"),
    ("jtj_2025_article.html", "表四", "review", "total", "9", None),
    ("jtj_2025_article.html", "表四", "review", "other", "5", None),
])
def test_html_original_table_highlights_the_cell(real_dir, name, table, row, column, value, row_word):
    path = real_dir / name
    report = _report(path)
    cell = _cell(report, table, row, column)
    html = source_view.original_html(report, _citation(report, cell), cell)
    hits = re.findall(r'<td[^>]*class="rqa-ohit"[^>]*>(.*?)</td>', html)
    assert hits == [value]
    if row_word:
        tr = next(t for t in re.findall(r"<tr>.*?</tr>", html) if "rqa-ohit" in t)
        assert row_word in tr
    # sanitised: table structure and text only
    assert not re.search(r"<script|<style|style=|href=|<a\b|\bon\w+=|<font|<span|<p\b", html.split("rqa-otable-wrap")[1])


def test_html_sentence_citation_has_no_table_view(real_dir):
    path = real_dir / "hzs_2024.html"
    report = _report(path)
    assert source_view.original_html(report, {"id": 1, "table": None, "quote": "x"}, None) == ""


# ---------------------------------------------------------------------- TXT (seeds/)


@pytest.mark.parametrize("column,position", [("total", 6), ("natural", 0), ("legal", 4)])
def test_txt_original_line_marks_the_value_at_its_column(seeds_dir, column, position):
    """Seed 000, line 202 (read by hand): 「一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0」; 表三's columns are
    printed 自然人, five 法人或其他组织 columns, 总计 — so 总计 is the 7th number, 自然人 the 1st, 法律服务机构 the 5th."""
    from tests.conftest import seed

    path = seed(seeds_dir, "000")
    report = _report(path)
    cell = _cell(report, "表三", "new", column)
    html = source_view.original_html(report, _citation(report, cell), cell)
    line = re.search(r'<div class="rqa-ol rqa-ol-hit">(.*?)</div>', html).group(1)
    plain = re.sub(r"<[^>]+>", "", line)
    assert plain.strip() == "一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0"
    before_mark = re.sub(r"<[^>]+>", "", line.split('<b class="rqa-ohit">')[0])
    assert re.findall(r'<b class="rqa-ohit">(.*?)</b>', line) == ["0"]
    assert len(re.findall(r"\d+", before_mark)) == position


# ---------------------------------------------------------------------- DOCX (synthetic: eval.synth, its truth file)


def _synth(tmp_path_factory, fmt: str):
    import json

    from eval.synth.generate import generate

    out = tmp_path_factory.mktemp(f"synth-{fmt}")
    generate(3, out, seed=7, formats=[fmt], gold=False)
    return [(p, json.loads(p.with_suffix(".truth.json").read_text(encoding="utf-8")))
            for p in sorted(out.glob(f"*.{fmt}"))]


@pytest.mark.parametrize("fmt", ["docx", "md"])
def test_synthetic_original_table_highlights_the_true_value(tmp_path_factory, fmt):
    """DOCX (python-docx tables) and Markdown (pipe tables): every cell the view highlights holds the
    generator's true value; almost every printed cell is found (never highlighted elsewhere: not found is
    said instead)."""
    found = total = 0
    for path, truth in _synth(tmp_path_factory, fmt):
        report = _report(path)
        for t in truth["cells"]:
            if t.get("value") is None:
                continue
            cell = next((c for c in report.cells if c.table == t["table"] and c.row == t["row"]
                         and c.column == t["column"]), None)
            if cell is None or cell.state.value != "number":
                continue
            total += 1
            html = source_view.original_html(report, _citation(report, cell), cell)
            hits = re.findall(r'<td[^>]*class="rqa-ohit"[^>]*>(.*?)</td>', html)
            hits = hits or re.findall(r'<b class="rqa-ohit">(.*?)</b>', html)  # a Markdown table read as lines
            if not hits:
                assert "未能在原文件" in html
                continue
            found += 1
            assert len(hits) == 1
            assert float(hits[0].replace(",", "")) == float(t["value"]), (path.name, t)
            assert "<script" not in html and "style=" not in html
    assert total > 400 and found / total > 0.95, (found, total)


def test_pdf_sentence_over_a_page_break_is_boxed_on_its_page_and_the_rest_named(szfgs):
    """szfgs2024.pdf: 「紧紧围绕保障民生……“建设‘四最’一流」 ends page 1, 「营商环境高质量……回应舆论关切。」 opens
    page 2 (read off the pages)."""
    path, report = szfgs
    quote = ("紧紧围绕保障民生、深化改革、科技创新等工作主线，组织召开了“春节前后服务企业用工和促进返乡人员就业创业专项活动”"
             "“建设‘四最’一流营商环境高质量推进产业发展”“加快建设长三角北部重要产业科技创新高地的若干政策”等新闻发布会12场，"
             "努力传递政府声音、宣传政策法规、回应舆论关切。")
    hit = locate_pdf_quote(_chars(path, 1), quote)
    assert hit is not None and hit.partial
    text = "".join(_words_in(path, 1, b) for b in hit.boxes)
    assert "紧紧围绕保障民生" in text and "营商环境" not in text
    html = source_view.original_html(report, {"id": 1, "source": report.source, "page": 1, "table": None,
                                              "quote": quote}, None)
    assert 'data-page="1"' in html and 'data-status="partial"' in html and "其余部分在第2页" in html


# ---------------------------------------------------------------------- the download of the original file


class _QA:
    def __init__(self, reports):
        self._reports = {r.id: r for r in reports}

    def get_report(self, rid):
        if rid not in self._reports:
            raise KeyError(rid)
        return self._reports[rid]


def _handlers(reports):
    h = ChatMixin()
    h.assistant = _QA(reports)
    h.demo_assistant = None
    return h


def test_download_offers_the_indexed_file_only(szfgs, tmp_path):
    path, report = szfgs
    cell = _cell(report, "表三", "new", "total")
    c = _citation(report, cell)
    html = render.source_panel_html(report, c)
    upd = _handlers([report]).source_download(html)
    assert upd["visible"] is True and "szfgs2024.pdf" in upd["label"]
    got = Path(upd["value"])
    assert got.name == "szfgs2024.pdf" and got.read_bytes() == path.read_bytes()
    assert str(path.parent) not in upd["label"]
    # a report the index does not hold (an id the page was made to carry): no button
    forged = html.replace(f'data-rid="{report.id}"', 'data-rid="0123456789abcdef"')
    assert _handlers([report]).source_download(forged)["visible"] is False
    # the indexed file changed since: no button
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes() + b"\n%changed\n")
    moved = report.model_copy(update={"source_path": str(copy)})
    assert _handlers([moved]).source_download(render.source_panel_html(moved, c))["visible"] is False
    # nothing shown in the panel: no button
    assert _handlers([report]).source_download(render.SOURCE_EMPTY)["visible"] is False
