"""The source view in headless Chromium: a question over a PDF, its citation opened, the page image with the
box at the right place; the original HTML table with the cell highlighted; the original file downloaded.

Truth is read off the documents by a person: szfgs2024.pdf prints 「8.属于行政查询事项」 on page 4 with 105
under 自然人 and 105 under 总计; hzs_2024.html's 表三 has 28 new applications in 总计. The box is checked
against pdfplumber's text layer of the page (the boxes come from PDFium's), and its red outline against
the pixels Chromium shows. Screenshots (desktop and 390 px) go to /tmp/reportqa-screens/.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from tests.ui.serve_proc import CHROMIUM, CHROMIUM_ARGS, SCREENS, _tail, serving

pytestmark = pytest.mark.integration

PDF_QUESTION = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"
NARRATIVE_QUESTION = "淮安市2024年主动公开工作有哪些做法？"
HTML_QUESTION = "平潭综合实验区行政审批局2024年本年新收政府信息公开申请多少件？"


@pytest.fixture(scope="module")
def server(tmp_path_factory, raw_dir):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk, or set REPORTQA_CHROMIUM)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    from ingest.indexer import ingest_paths
    from ingest.settings import Settings

    real = raw_dir.parent / "real" / "hzs_2024.html"
    base = tmp_path_factory.mktemp("browser-source")
    index = base / "index"
    paths = sorted(raw_dir.glob("*.pdf")) + ([real] if real.exists() else [])
    res = ingest_paths(Settings(index_dir=index, embedding_model="fake"), paths)
    assert res.failed == 0, res.files
    with serving(index, base) as srv:
        yield {"url": srv["url"], "dir": base, "log": srv["log"], "real": real if real.exists() else None}


def _browser(server, width: int, height: int):
    """A fresh browser profile each time (no conversation restored from an earlier test)."""
    import tempfile

    from playwright.sync_api import sync_playwright

    p = sync_playwright().start()
    ctx = p.chromium.launch_persistent_context(
        tempfile.mkdtemp(prefix=f"profile-{width}-", dir=server["dir"]), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True)
    ctx.set_default_timeout(40_000)
    pg = ctx.new_page()
    pg.js_errors = []
    pg.on("pageerror", lambda e: pg.js_errors.append(str(e)))
    pg.goto(server["url"])
    pg.wait_for_selector("#rqa-question textarea")
    return p, ctx, pg


def _ask(pg, question: str) -> None:
    pg.fill("#rqa-question textarea", question)
    pg.press("#rqa-question textarea", "Enter")


def _shot(pg, name: str, locator=None) -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / name
    (locator or pg).screenshot(path=str(path))
    return path


def _red_near(png: bytes, x: float, y: float, radius: int = 30) -> bool:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = img.size
    for dx in range(-radius, radius + 1, 2):
        for dy in (-radius // 3, 0, radius // 3):
            px, py = int(x + dx), int(y + dy)
            if 0 <= px < w and 0 <= py < h:
                r, g, b = img.getpixel((px, py))
                if r > 170 and g < 120 and b < 120:
                    return True
    return False


def test_pdf_source_shows_the_page_with_the_box_on_the_cited_cell(server, raw_dir):
    import pdfplumber

    p, ctx, pg = _browser(server, 1440, 1000)
    try:
        _ask(pg, PDF_QUESTION)
        card = pg.locator("#rqa-cards .rqa-card").first
        card.wait_for()
        card.click()
        page_div = pg.locator("#rqa-source .rqa-page")
        page_div.wait_for()
        assert page_div.get_attribute("data-page") == "4"
        assert page_div.get_attribute("data-status") == "found"
        img = pg.locator("#rqa-source img.rqa-page-img")
        pg.wait_for_function("() => { const i = document.querySelector('#rqa-source img.rqa-page-img');"
                             " return i && i.complete && i.naturalWidth > 1000; }")
        x0, y0, x1, y1 = (float(v) for v in page_div.get_attribute("data-boxes").split(";")[0].split(","))
        # the box's region of the page, read with pdfplumber: the cited value, under 总计 or 自然人
        pdf_path = raw_dir / "szfgs2024.pdf"
        with pdfplumber.open(str(pdf_path)) as pdf:
            page = pdf.pages[3]
            W, H = float(page.width), float(page.height)
            text = "".join(page.crop((x0 * W - 1, y0 * H - 1, x1 * W + 1, y1 * H + 1)).extract_text().split())
            words = page.extract_words()
        assert text == "105"
        label = next(w for w in words if "属于行政查询事项" in w["text"])
        assert label["top"] - 4 <= y0 * H <= label["bottom"] + 4, "on the row of 8.属于行政查询事项"
        heads = {w["text"]: w for w in words if w["text"] in ("总计", "自然人")}
        centre = (x0 + x1) / 2 * W
        assert any(h["x0"] - 20 <= centre <= h["x1"] + 20 for h in heads.values())
        # the box is scrolled into view inside the page frame, and Chromium shows its red outline there
        pg.wait_for_timeout(800)
        marker = pg.locator("#rqa-source .rqa-pbox")
        frame = pg.locator("#rqa-source .rqa-page-wrap")
        mb, fb = marker.bounding_box(), frame.bounding_box()
        assert fb["y"] <= mb["y"] and mb["y"] + mb["height"] <= fb["y"] + fb["height"], (mb, fb)
        assert 0 <= mb["y"] and mb["y"] + mb["height"] <= 1000, mb  # and in the window, without scrolling by hand
        _shot(pg, "source-pdf-desktop.png")
        png = frame.screenshot()
        assert _red_near(png, mb["x"] - fb["x"] + mb["width"] / 2, mb["y"] - fb["y"] + mb["height"] / 2)
        # beside it, the rebuilt table with the same cell
        assert pg.locator("#rqa-source td.rqa-hit").inner_text().strip() == "105"
        _shot(pg, "source-pdf-panel-desktop.png", pg.locator("#rqa-source"))
        # the original file, downloaded through the app: the same bytes, named as the report's file
        btn = pg.locator("#rqa-src-dl")
        btn.wait_for()
        assert "szfgs2024.pdf" in btn.inner_text()
        with pg.expect_download() as dl:
            btn.click()
        got = Path(dl.value.path()).read_bytes()
        assert dl.value.suggested_filename == "szfgs2024.pdf"
        assert hashlib.sha256(got).hexdigest() == hashlib.sha256(pdf_path.read_bytes()).hexdigest()
        assert str(raw_dir) not in pg.inner_text("body")
        assert not pg.js_errors, pg.js_errors
    finally:
        ctx.close()
        p.stop()


def test_pdf_source_on_a_phone_opens_under_the_answer(server):
    p, ctx, pg = _browser(server, 390, 844)
    try:
        _ask(pg, PDF_QUESTION)
        card = pg.locator("#rqa-cards .rqa-card").first
        card.wait_for()
        card.click()
        page_div = pg.locator("#rqa-source-m .rqa-page")
        page_div.wait_for()
        assert page_div.get_attribute("data-status") == "found"
        pg.wait_for_function("() => { const i = document.querySelector('#rqa-source-m img.rqa-page-img');"
                             " return i && i.complete && i.naturalWidth > 1000; }")
        pg.wait_for_timeout(800)
        frame = pg.locator("#rqa-source-m .rqa-page-wrap").bounding_box()
        assert frame["width"] <= 390 and frame["x"] >= 0, frame  # no sideways overflow of the page frame
        img = pg.locator("#rqa-source-m img.rqa-page-img").bounding_box()
        assert img["width"] <= frame["width"] + 1  # the page fits the frame's width until 放大 is ticked
        from playwright.sync_api import expect

        expect(pg.locator("#rqa-src-dl-m")).to_be_visible(timeout=15_000)  # its own server event, see below
        assert not pg.locator("#rqa-src-dl").is_visible()
        _shot(pg, "source-pdf-390.png")
        # 放大: the page twice as wide, the frame scrolled so that the box stays in view
        pg.locator("#rqa-source-m .rqa-zoom").check()
        pg.wait_for_timeout(500)
        assert pg.locator("#rqa-source-m img.rqa-page-img").bounding_box()["width"] > 1.8 * frame["width"]
        mb = pg.locator("#rqa-source-m .rqa-pbox").bounding_box()
        fb = pg.locator("#rqa-source-m .rqa-page-wrap").bounding_box()
        assert fb["x"] <= mb["x"] and mb["x"] + mb["width"] <= fb["x"] + fb["width"], (mb, fb)
        assert fb["y"] <= mb["y"] and mb["y"] + mb["height"] <= fb["y"] + fb["height"], (mb, fb)
        _shot(pg, "source-pdf-390-zoomed.png")
        _shot(pg, "source-pdf-panel-390.png", pg.locator("#rqa-source-m"))
        assert not pg.js_errors, pg.js_errors
    finally:
        ctx.close()
        p.stop()


def test_pdf_sentence_source_boxes_the_quoted_lines(server, raw_dir):
    """A narrative answer over szfgs2024.pdf: its first citation opens on the page holding the quoted
    sentence, the box's region (pdfplumber's text layer) holds the start of the quote."""
    import pdfplumber

    p, ctx, pg = _browser(server, 1440, 1000)
    try:
        _ask(pg, NARRATIVE_QUESTION)
        card = pg.locator("#rqa-cards .rqa-card").first
        card.wait_for()
        card.click()
        page_div = pg.locator("#rqa-source .rqa-page")
        page_div.wait_for()
        assert page_div.get_attribute("data-status") in ("found", "partial")
        n = int(page_div.get_attribute("data-page"))
        quote = pg.locator("#rqa-source .rqa-para mark.rqa-hit, #rqa-source blockquote.rqa-quote").first.inner_text()
        boxes = [tuple(float(v) for v in b.split(",")) for b in page_div.get_attribute("data-boxes").split(";")]
        with pdfplumber.open(str(raw_dir / "szfgs2024.pdf")) as pdf:
            page = pdf.pages[n - 1]
            W, H = float(page.width), float(page.height)
            text = "".join("".join(page.crop((x0 * W - 1, y0 * H - 1, x1 * W + 1, y1 * H + 1)).extract_text().split())
                           for x0, y0, x1, y1 in boxes)
        start = "".join(quote.split())[:8]
        assert start and start in text, (start, text[:80])
        pg.wait_for_timeout(600)
        _shot(pg, "source-pdf-sentence-desktop.png")
        assert not pg.js_errors, pg.js_errors
    finally:
        ctx.close()
        p.stop()


def test_html_source_shows_the_original_table_with_the_cell(server):
    if server["real"] is None:
        pytest.skip("../shared/corpus/real/hzs_2024.html not found")
    p, ctx, pg = _browser(server, 1440, 1000)
    try:
        _ask(pg, HTML_QUESTION)
        card = pg.locator("#rqa-cards .rqa-card").first
        card.wait_for()
        from playwright.sync_api import expect

        expect(pg.locator("#rqa-chat .message.bot, #rqa-chat [data-testid='bot']").last).to_contain_text("28")
        card.click()
        hit = pg.locator("#rqa-source table.rqa-otable td.rqa-ohit")
        hit.wait_for()
        assert hit.inner_text().strip() == "28"
        row = hit.locator("xpath=ancestor::tr[1]").inner_text()
        assert "本年新收" in row
        assert pg.locator("#rqa-source table.rqa-otable a, #rqa-source table.rqa-otable script").count() == 0
        # the download button follows the panel in its own server event (panel.change -> source_download)
        expect(pg.locator("#rqa-src-dl")).to_be_visible(timeout=15_000)
        pg.wait_for_timeout(500)
        _shot(pg, "source-html-desktop.png")
        assert not pg.js_errors, pg.js_errors
    finally:
        ctx.close()
        p.stop()


def test_server_log_has_no_traceback(server):
    assert "Traceback" not in _tail(server["log"], 200_000)
