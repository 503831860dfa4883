"""The 问答 tab in headless Chromium over the in-process app and tests/ui/fake_assistant.py.

Follow-up chain (context passed, 沿用上一问 chip), the filter-conflict note, 「[n]」 marker click opening and
scrolling to the source, conversations kept over a reload (new / rename / delete), copy yields no HTML,
Chinese strings with an English browser locale, the demo labelled 示例（虚构）. Screenshots of each screen at
1280 and 390 px go to REPORTQA_SCREENS_DIR (/tmp/reportqa-screens).
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest

from tests.ui.fake_assistant import FakeAssistant

pytestmark = pytest.mark.integration

CHROMIUM = os.environ.get("REPORTQA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENS = Path(os.environ.get("REPORTQA_SCREENS_DIR", "/tmp/reportqa-screens"))
Q = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"
ENGLISH = re.compile(r"\b(Drop File Here|Click to Upload|Warning|Error|Info|Submit|Clear|Loading)\b")


class EmptyAssistant(FakeAssistant):
    """A user's index with no reports (the demo stands in)."""

    def __init__(self, settings=None):
        super().__init__(settings)
        self._reports = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp, demo: bool):
    from ingest.settings import Settings
    from ui.app import build_app, launch

    settings = Settings(index_dir=tmp / "idx", embedding_model="fake", feedback_file=tmp / "fb.jsonl",
                        cache_dir=tmp / "cache")  # the demo index and its removed marker stay in tmp
    if demo:
        app = build_app(EmptyAssistant(settings), settings, demo_assistant=FakeAssistant(settings))
    else:
        app = build_app(FakeAssistant(settings), settings)
    port = _free_port()
    launch(app, settings, port=port, prevent_thread_lock=True, quiet=True)
    return app, f"http://127.0.0.1:{port}/"


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
    app, url = _serve(tmp_path_factory.mktemp("chat"), demo=False)
    yield url
    app.close()


def _page(browser, url, width=1280):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    ctx.set_default_timeout(20_000)
    pg = ctx.new_page()
    pg.goto(url)
    pg.wait_for_selector("#rqa-question textarea")
    return ctx, pg


def _ask(pg, q, n_answers):
    pg.fill("#rqa-question textarea", q)
    pg.click("#rqa-send")
    pg.wait_for_function(f"document.querySelectorAll('#rqa-chat .rqa-scope').length >= {n_answers}")
    pg.wait_for_timeout(300)


def _shot(pg, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_follow_up_chain_marker_jump_and_reload(browser, server, width):
    ctx, pg = _page(browser, server, width)
    try:
        _ask(pg, Q, 1)
        _ask(pg, "那2023年呢？", 2)
        last = pg.locator("#rqa-chat .rqa-scope").last
        assert "沿用上一问：机关" in last.inner_text() and "2023年" in last.inner_text()
        assert "淮安市人民政府" in last.inner_text()
        _shot(pg, f"chat-followup-{width}")
        pg.evaluate("window.scrollTo(0, 0)")
        pg.locator("#rqa-chat a.rqa-ref").last.click()
        panel = "#rqa-source" if width > 760 else "#rqa-source-m"  # on a phone: inline, under the answer
        hit = pg.wait_for_selector(f"{panel} td.rqa-hit")
        assert hit.inner_text().strip() == "105"
        pg.wait_for_timeout(800)  # smooth scroll
        box = pg.locator(panel).bounding_box()
        top = pg.evaluate("window.scrollY")
        assert box["y"] < 900 and box["y"] + box["height"] > 0, (box, top)  # the source is on screen
        assert pg.locator("#rqa-cards .rqa-card.active").count() == 1
        if width <= 760:  # the inline panel sits between the chat and the question box, and fits the screen
            chat = pg.locator("#rqa-chat").bounding_box()
            ask = pg.locator("#rqa-question").bounding_box()
            assert chat["y"] < box["y"] < ask["y"]
            assert pg.evaluate("document.scrollingElement.scrollLeft") == 0
            send = pg.locator("#rqa-send").bounding_box()
            assert send["x"] + send["width"] <= width  # nothing pushed off the right edge
        _shot(pg, f"chat-source-{width}")

        pg.reload()
        pg.wait_for_function("document.querySelectorAll('#rqa-chat .rqa-scope').length >= 2")
        assert "淮安市2024年" in pg.locator("#rqa-conv-list input").input_value()
        pg.click("#rqa-clear")  # 新对话
        pg.wait_for_function("document.querySelectorAll('#rqa-chat .rqa-scope').length == 0")
        _ask(pg, "那2023年呢？", 1)  # a new conversation has no context to follow
        assert "沿用上一问" not in pg.locator("#rqa-chat .rqa-scope").last.inner_text()
        pg.fill("#rqa-conv-name input, #rqa-conv-name textarea", "第二个对话")
        pg.click("#rqa-conv-rename")
        pg.wait_for_function("document.querySelector('#rqa-conv-list input').value.startsWith('第二个对话')")
        pg.click("#rqa-conv-delete")
        pg.wait_for_function("document.querySelectorAll('#rqa-chat .rqa-scope').length == 2")  # back to the first
    finally:
        ctx.close()


def test_filter_conflict_is_named_in_the_answer(browser, server):
    ctx, pg = _page(browser, server)
    try:
        pg.click("#rqa-clear")
        pg.locator("#rqa-year input").click()
        pg.get_by_role("option", name="2024").click()
        _ask(pg, "淮安市2023年因属于行政查询事项不予公开的申请有几件？", 1)
        note = pg.locator("#rqa-chat .rqa-override").last.inner_text()
        assert "忽略了筛选条件" in note and "年度：2024" in note
        _shot(pg, "chat-override-1280")
    finally:
        ctx.close()


def test_copy_yields_no_html_and_citations_written_out(browser, server):
    ctx, pg = _page(browser, server)
    try:
        pg.click("#rqa-clear")
        _ask(pg, Q, 1)
        pg.wait_for_function("!document.querySelector('#rqa-copy-text').disabled")
        pg.wait_for_timeout(500)
        for btn in ("#rqa-copy-text", "#rqa-copy-md"):
            pg.evaluate("delete document.body.dataset.rqaCopied")
            pg.click(btn)
            pg.wait_for_function("document.body.dataset.rqaCopied")
            text = pg.evaluate("navigator.clipboard.readText()")
            assert "<" not in text and "rqa-" not in text, text
            assert "[1] 淮安市人民政府 · 2024年 · 表三" in text and "105" in text
        assert pg.locator("#rqa-dl-csv").is_enabled()
    finally:
        ctx.close()


def test_chinese_everywhere_with_an_english_browser(browser, server):
    ctx, pg = _page(browser, server)
    try:
        pg.click("#rqa-send")  # empty question: a toast
        pg.wait_for_selector("[data-testid='toast-body']")
        title = pg.evaluate("""() => { const t = document.querySelector('[data-testid="toast-body"] .toast-title');
            return {size: getComputedStyle(t).fontSize, before: getComputedStyle(t, '::before').content}; }""")
        assert title == {"size": "0px", "before": '"注意"'}, title  # the English type word is not shown
        assert "请输入问题" in pg.inner_text("[data-testid='toast-body']")
        pg.get_by_role("tab", name="报告").click()
        up = pg.wait_for_selector("#rqa-upload")
        assert "将文件拖放到此处" in up.inner_text() or "拖放" in up.inner_text()
        assert not ENGLISH.search(up.inner_text()), up.inner_text()
        assert re.search(r"[\u4e00-\u9fff]", up.inner_text())
        _shot(pg, "reports-en-locale-1280")
    finally:
        ctx.close()


def test_demo_is_labelled_everywhere(browser, tmp_path):
    app, url = _serve(tmp_path, demo=True)
    try:
        ctx, pg = _page(browser, url)
        assert "示例（虚构）" in pg.inner_text("#rqa-status")
        assert "示例（虚构）" in pg.inner_text("#rqa-examples")
        _ask(pg, Q, 1)
        assert "示例（虚构）" in pg.locator("#rqa-chat .rqa-scope").last.inner_text()
        pg.locator("#rqa-agency input").click()
        opts = [o.replace("✓", "").strip() for o in pg.get_by_role("option").all_inner_texts()]
        assert [o for o in opts if o != "全部机关"] and all("示例（虚构）" in o for o in opts if o != "全部机关")
        pg.keyboard.press("Escape")
        _shot(pg, "demo-1280")
        pg.get_by_role("tab", name="报告").click()
        pg.wait_for_selector("#rqa-demo-remove")
        assert "示例（虚构）" in pg.inner_text("#rqa-reports")
        # isolation: the demo was answered from its own index; nothing of it was written into the user's
        user = app.rqa_handlers.assistant
        assert user.ingested == [] and user.reports() == []
        pg.click("#rqa-demo-remove")
        pg.wait_for_function("document.querySelector('#rqa-status').innerText.includes('索引中还没有报告')")
        assert "示例（虚构）" not in pg.inner_text("#rqa-reports") and user.reports() == []
        ctx.close()
    finally:
        app.close()
