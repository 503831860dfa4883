"""The main flows in headless Chromium with an English browser locale (en-US): every string the page shows is
Chinese — the 问答 tab before and after an answer (cards, source, feedback), the 报告 tab (upload widget, a failed
upload, a report's verdicts), the 审核 and 评测 tabs — and a failed upload leads its headline with the count that
failed and gives each file's reason in Chinese.

The scan reads the visible text and the placeholder / aria-label / title of every visible element (command lines in <code> aside); it removes
names that are not words for staff (file names, PDF/DOCX/HTML/Markdown/TXT, CSV, API, Gradio, ReportQA, p50),
then no ASCII word of three letters or more may remain. Screenshots at 1280 and 390 px go to
REPORTQA_SCREENS_DIR (/tmp/reportqa-screens).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.ui.test_e2e_chat import ARGS, CHROMIUM, Q, _ask, _serve

pytestmark = pytest.mark.integration

SCREENS = Path(os.environ.get("REPORTQA_SCREENS_DIR", "/tmp/reportqa-screens"))
ALLOWED = {"PDF", "DOCX", "HTML", "TXT", "Markdown", "CSV", "API", "Gradio", "ReportQA", "reportqa", "JSON", "jsonl",
           "sha256", "csv", "xlsx"}
_STRIP = [re.compile(r"`[^`]*`"), re.compile(r"[\w\-\u4e00-\u9fff]+\.(?:txt|pdf|docx?|html?|md|jsonl?|csv|xlsx)\b"),
          re.compile(r"(?<!\w)\.[a-z]+\b"), re.compile(r"--[a-z/-]+"), re.compile(r"\b[0-9a-f]{8,}\b"),
          re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b"), re.compile(r"[\w/]*eval/gold\b")]  # rule ids: t3.balance
_WORD = re.compile(r"[A-Za-z]{3,}")

VISIBLE_TEXT_JS = """(attrs) => {
  const out = [];
  if (!attrs.length) {  // every text node that is laid out (screen-reader-only text included), not only innerText
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (w.nextNode()) {
      const p = w.currentNode.parentElement;
      if (p && p.getClientRects().length && getComputedStyle(p).visibility !== 'hidden'
          && !p.closest('script, style, code')) out.push(w.currentNode.textContent);
    }
  }
  for (const el of document.querySelectorAll(attrs.map(a => '[' + a + ']').join(',') || 'none')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    for (const a of attrs) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  return out.join('\\n');
}"""


def english_words(text: str) -> list[str]:
    for pat in _STRIP:
        text = pat.sub(" ", text)
    return sorted({w for w in _WORD.findall(text) if w not in ALLOWED})


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    pw = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    with pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app, url = _serve(tmp_path_factory.mktemp("zh"), demo=False)
    yield url
    app.close()


def _page(browser, url, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    ctx.set_default_timeout(20_000)
    pg = ctx.new_page()
    pg.goto(url)
    pg.wait_for_selector("#rqa-question textarea")
    return ctx, pg


def _scan(pg, where: str) -> dict[str, list[str]]:
    out = {}
    for what, attrs in (("text", []), ("placeholder/title", ["placeholder", "title"]), ("aria-label", ["aria-label"])):
        words = english_words(pg.evaluate(VISIBLE_TEXT_JS, attrs))
        if words:
            out[f"{where} {what}"] = words
    return out


def _shot(pg, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_the_scan_finds_english():
    assert english_words("Drop File Here · 上传 a.pdf（PDF）") == ["Drop", "File", "Here"]


@pytest.mark.parametrize("width", [1280, 390])
def test_main_flows_are_chinese_with_an_english_browser(browser, server, tmp_path, width):
    ctx, pg = _page(browser, server, width)
    found: dict[str, list[str]] = {}
    try:
        found |= _scan(pg, "问答 (empty)")
        _ask(pg, Q, 1)
        pg.locator("#rqa-cards .rqa-card").first.click()
        pg.locator("#rqa-source td.rqa-hit:visible, #rqa-source-m td.rqa-hit:visible").first.wait_for()
        found |= _scan(pg, "问答 (answer, cards, source)")
        _shot(pg, f"zh-chat-{width}")

        pg.get_by_role("tab", name="报告").click()
        pg.wait_for_selector("#rqa-upload")
        found |= _scan(pg, "报告 (upload widget)")
        good, bad = tmp_path / "好报告.txt", tmp_path / "坏报告.txt"  # the fake assistant refuses 坏
        good.write_text("报告", encoding="utf-8")
        bad.write_text("不是年报", encoding="utf-8")
        pg.set_input_files("#rqa-upload input[type=file]", [str(good), str(bad)])
        pg.locator("#rqa-ingest-result").get_by_text("已上传 2 个文件").wait_for()
        pg.click("#rqa-ingest")
        pg.locator("#rqa-ingest-result").get_by_text("未能入库").wait_for(timeout=30_000)
        result = pg.inner_text("#rqa-ingest-result")
        head = result.strip().splitlines()[0]
        assert "1 个文件未能入库" in head and "入库完成" not in head, result
        line = next(x for x in result.splitlines() if "坏报告.txt" in x)
        assert "失败" in line and "不是政府信息公开工作年度报告" in line, result
        found |= _scan(pg, "报告 (failed upload)")
        pg.locator("#rqa-reports").get_by_text("淮安市人民政府", exact=True).last.click()  # the first is a hidden copy
        pg.wait_for_function("document.body.innerText.includes('一致性检查')")
        found |= _scan(pg, "报告 (a report's verdicts)")
        _shot(pg, f"zh-reports-{width}")

        pg.get_by_role("tab", name="审核").click()
        pg.wait_for_timeout(800)
        found |= _scan(pg, "审核")
        pg.get_by_role("tab", name="评测").click()
        pg.wait_for_selector("#rqa-eval-run")
        found |= _scan(pg, "评测")
        assert not found, json.dumps(found, ensure_ascii=False)
    finally:
        ctx.close()
