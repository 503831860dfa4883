"""End to end: `reportqa serve` over an index of the shared corpus, driven by Chromium (Playwright).

Asks a table question, sees the answer and a citation card (agency, row), opens the
source panel (the table with the cited cell highlighted), rates the answer 👎 with a
correction, uploads a report in the 报告 tab and sees it listed, runs a small gold
file in the 评测 tab, and calls the named /ask endpoint with gradio_client.

Screenshots go to the test's tmp dir; the latest are copied to /tmp/reportqa-screens/.
Uses the "fake" embedder (the test is about the UI; retrieval quality is tested elsewhere).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.ui.serve_proc import (CHROMIUM, CHROMIUM_ARGS, ROOT, SCREENS, _free_port, _tail, _wait_http,  # noqa: F401 - used by other browser tests
                                 serving)

pytestmark = pytest.mark.integration

QUESTION = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"
UPLOAD_PREFIX = "004_"  # left out of the index, then uploaded through the 报告 tab
UPLOAD_AGENCY = "淄博市张店区机关事务服务中心"


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeds_dir, raw_dir):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk, or set REPORTQA_CHROMIUM)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    from ingest.indexer import ingest_paths
    from ingest.settings import Settings

    base = tmp_path_factory.mktemp("e2e")
    index = base / "index"
    upload = next(seeds_dir.glob(f"{UPLOAD_PREFIX}*.txt"))
    paths = [p for p in sorted(seeds_dir.glob("*.txt")) if p != upload] + sorted(raw_dir.glob("*.pdf"))
    res = ingest_paths(Settings(index_dir=index, embedding_model="fake"), paths)
    assert res.failed == 0, res.files
    with serving(index, base) as srv:
        yield {"url": srv["url"], "dir": base, "upload": upload, "feedback": base / "feedback.jsonl", "index": index,
               "log": srv["log"]}


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(server["dir"] / "chromium-profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        ctx.set_default_timeout(30_000)
        pg = ctx.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(server["url"])
        pg.wait_for_selector("#rqa-question textarea")
        pg.js_errors = errors
        yield pg
        ctx.close()


@pytest.fixture(autouse=True)
def _screenshot_on_failure(request):
    """Keep what the browser showed when a step failed (in the tmp dir and /tmp/reportqa-screens)."""
    yield
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed and "server" in request.fixturenames:
        server = request.getfixturevalue("server")
        print(f"--- server log ({server['log']}) ---\n{_tail(server['log'])}")
        if "page" in request.fixturenames:
            try:
                _shot(request.getfixturevalue("page"), server, f"FAILED-{request.node.name}.png")
            except Exception:  # noqa: BLE001 - best effort
                pass


def _shot(page, server, name: str) -> Path:
    path = server["dir"] / name
    page.screenshot(path=str(path), full_page=True)
    SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, SCREENS / name)
    return path


def test_ask_shows_answer_card_and_highlighted_cell(page, server):
    page.fill("#rqa-question textarea", QUESTION)
    page.press("#rqa-question textarea", "Enter")
    card = page.locator("#rqa-cards .rqa-card").first
    card.wait_for()
    bubble = page.locator("#rqa-chat .message.bot, #rqa-chat [data-testid='bot']").last
    assert "105" in bubble.inner_text()
    text = card.inner_text()
    assert "淮安市人民政府" in text and "属于行政查询事项" in text and "105" in text and "表三" in text
    card.click()
    hit = page.locator("#rqa-source td.rqa-hit")
    hit.wait_for()
    assert hit.inner_text().strip() == "105"
    assert page.locator("#rqa-source td.rqa-hit").count() == 1
    assert hit.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "szfgs2024.pdf" in page.inner_text("#rqa-source")
    page.wait_for_timeout(700)  # the panel scrolls the cell into view
    _shot(page, server, "ask.png")
    assert not page.js_errors, page.js_errors


def test_thumbs_down_with_correction_is_recorded(page, server):
    page.locator("#rqa-chat button[aria-label='踩'], #rqa-chat button[aria-label='Dislike']").last.click()
    page.locator("#rqa-correct textarea").wait_for(state="visible")
    page.fill("#rqa-correct textarea", "105")
    page.click("#rqa-correct-send")
    page.locator("#rqa-correct textarea").wait_for(state="hidden")
    recs = [json.loads(x) for x in server["feedback"].read_text(encoding="utf-8").splitlines()]
    assert [(r["rating"], r["correct_answer"]) for r in recs][-2:] == [("down", None), ("down", "105")]
    assert recs[-1]["answer"]["question"] == QUESTION


def test_upload_in_reports_tab_lists_the_report(page, server):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="报告").click()
    assert UPLOAD_AGENCY not in page.inner_text("#rqa-reports")
    target = server["dir"] / "张店区2021年报.txt"
    shutil.copyfile(server["upload"], target)
    page.set_input_files("#rqa-upload input[type=file]", str(target))
    page.locator("#rqa-ingest-result").get_by_text("已上传 1 个文件").wait_for()  # the upload reached the server
    page.click("#rqa-ingest")
    page.locator("#rqa-ingest-result").get_by_text("新入库 1 个").wait_for(timeout=90_000)
    expect(page.locator("#rqa-reports")).to_contain_text(UPLOAD_AGENCY)
    _shot(page, server, "reports.png")
    # the new report is selectable in the 问答 filters too
    page.get_by_role("tab", name="问答").click()
    page.click("#rqa-agency input")
    page.get_by_role("option", name=UPLOAD_AGENCY).wait_for()
    page.keyboard.press("Escape")


def test_failed_upload_headline_counts_the_failures_with_chinese_reasons(page, server):
    """Over the real ingest: a .pdf that is no PDF and a text that is no report fail, each with its reason in Chinese;
    the headline leads with how many failed, never 入库完成."""
    page.get_by_role("tab", name="报告").click()
    bad_pdf = server["dir"] / "扫描件.pdf"
    bad_pdf.write_bytes(b"\x89PNG not a pdf at all " * 40)
    note = server["dir"] / "说明.txt"
    note.write_text("这不是年报，只是一份说明。\n" * 5, encoding="utf-8")
    clear = page.locator("#rqa-upload button[aria-label='清除'], #rqa-upload button[aria-label='Clear']")
    if clear.count():  # the previous test's file is still in the widget
        clear.first.click()
        page.wait_for_timeout(500)
    page.set_input_files("#rqa-upload input[type=file]", [str(bad_pdf), str(note)])
    page.locator("#rqa-ingest-result").get_by_text("已上传 2 个文件").wait_for()
    page.click("#rqa-ingest")
    page.locator("#rqa-ingest-result").get_by_text("未能入库").wait_for(timeout=90_000)
    result = page.inner_text("#rqa-ingest-result")
    head = result.strip().splitlines()[0]
    assert "2 个文件未能入库" in head and "入库完成" not in head, result
    pdf_line = next(x for x in result.splitlines() if "扫描件.pdf" in x)
    note_line = next(x for x in result.splitlines() if "说明.txt" in x)
    assert "失败" in pdf_line and "不是 PDF 文件" in pdf_line, result
    assert "失败" in note_line and "不是政府信息公开工作年度报告" in note_line, result
    assert not re.search(r"[A-Za-z]{4,}", result.replace("PDF", "")), result  # no English reason, no server path
    _shot(page, server, "upload-failed.png")


def test_eval_tab_runs_an_uploaded_gold_file(page, server):
    from playwright.sync_api import expect

    gold = server["dir"] / "pdfs.jsonl"  # named as the bundled set: its corpus (the three PDFs) makes the eval index
    lines = [json.loads(x) for x in (ROOT / "eval" / "gold" / "pdfs.jsonl").read_text(encoding="utf-8").splitlines()]
    pick = [g for g in lines if g["id"].startswith("sz24-t3-")][:3]
    assert pick, "pdfs.jsonl has no sz24-t3 questions"
    gold.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in pick), encoding="utf-8")
    page.get_by_role("tab", name="评测").click()
    page.set_input_files("#rqa-gold-upload input[type=file]", str(gold))
    page.locator("#rqa-eval-summary").get_by_text("已上传 pdfs.jsonl").wait_for()  # the upload reached the server
    page.click("#rqa-eval-run")
    page.locator("#rqa-eval-summary").get_by_text("答案准确率").wait_for(timeout=120_000)
    summary = page.inner_text("#rqa-eval-summary")
    assert f"共 {len(pick)} 题" in summary
    assert "评测索引" in summary and "共 3 份报告" in summary  # its own index, never the live one (7 reports)
    expect(page.locator("#rqa-metrics")).to_contain_text("全部")
    page.wait_for_timeout(800)  # let the chart draw
    _shot(page, server, "eval.png")


def test_ask_endpoint_with_gradio_client(server):
    from gradio_client import Client

    got = Client(server["url"], verbose=False).predict(QUESTION, None, None, api_name="/ask")
    assert isinstance(got, dict) and got["value"] == 105 and got["answerable"] is True
    c = got["citations"][0]
    assert c["agency"] == "淮安市人民政府" and c["year"] == 2024 and c["table"] == "表三" and c["column"] == "总计"
    scoped = Client(server["url"], verbose=False).predict("本年新收政府信息公开申请多少件？", "淮安市洪泽区人民政府", 2024,
                                                          api_name="/ask")
    assert scoped["value"] == 95
