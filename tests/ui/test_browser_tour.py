"""The 问答 tab as staff use it, in headless Chromium over a real `reportqa serve` (fake embedder), at desktop
(1440) and phone (390) width: a table question, a narrative question, the three export buttons, switching between
saved conversations, a new conversation. Each screen is saved to /tmp/reportqa-screens/tour-*.png (and looked at).

Truth: szfgs2024.pdf prints 105 for 「8.属于行政查询事项」 (淮安市人民政府 2024); seed 000's 五、（一） lists the
problems of 河东区机关事务服务中心 2021 (「一是政府信息公开意识有待加强」)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.ui.serve_proc import CHROMIUM, CHROMIUM_ARGS, SCREENS

pytestmark = pytest.mark.integration

TABLE_Q = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"
NARRATIVE_Q = "河东区机关事务服务中心2021年政府信息公开工作存在哪些问题？"
OTHER_Q = "淮安市2024年新收政府信息公开申请多少件？"
BUTTONS = ("#rqa-copy-text", "#rqa-copy-md", "#rqa-dl-answer", "#rqa-dl-csv", "#rqa-dl-conv")


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeds_dir, raw_dir):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    from ingest.indexer import ingest_paths
    from ingest.settings import Settings
    from tests.ui.serve_proc import serving

    base = tmp_path_factory.mktemp("tour")
    paths = sorted(seeds_dir.glob("*.txt")) + sorted(raw_dir.glob("*.pdf"))
    assert ingest_paths(Settings(index_dir=base / "index", embedding_model="fake"), paths).failed == 0
    with serving(base / "index", base) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _shot(pg, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENS / f"tour-{name}.png"), full_page=True)


def _ask(pg, q: str, n: int) -> None:
    pg.fill("#rqa-question textarea", q)
    pg.click("#rqa-send")
    pg.wait_for_function(f"document.querySelectorAll('#rqa-chat .rqa-scope').length >= {n}")
    pg.wait_for_timeout(400)


def _enabled(pg) -> dict:
    return {b: pg.locator(b).is_enabled() for b in BUTTONS}


def _bubbles(pg) -> list[str]:
    return [t for t in pg.locator("#rqa-chat [data-testid='bot']").all_inner_texts() if t.strip()]


def _no_overflow(pg, width: int) -> None:
    assert pg.evaluate("document.scrollingElement.scrollWidth") <= width, "the page scrolls sideways"
    for sel in ("#rqa-send", "#rqa-dl-conv", "#rqa-conv-rename", "#rqa-clear"):
        box = pg.locator(sel).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (sel, box)


@pytest.mark.parametrize("width", [1440, 390])
def test_tour_of_the_chat(browser, server, width):
    ctx = browser.new_context(viewport={"width": width, "height": 1000 if width > 760 else 844}, locale="zh-CN",
                              accept_downloads=True)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server["url"].rstrip("/"))
    ctx.set_default_timeout(30_000)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        pg.goto(server["url"])
        pg.wait_for_selector("#rqa-question textarea")
        assert not any(_enabled(pg).values()), _enabled(pg)  # nothing to copy or export before an answer
        _shot(pg, f"0-empty-{width}")

        _ask(pg, NARRATIVE_Q, 1)
        assert "意识有待加强" in _bubbles(pg)[-1]
        items = pg.locator("#rqa-chat [data-testid='bot'] li:not(.rqa-srclist li)").all_inner_texts()
        assert len(items) == 3 and "意识有待加强" in items[0], items  # the quoted sentences as a list, one a line
        on = _enabled(pg)
        assert not on["#rqa-dl-csv"] and on["#rqa-dl-answer"] and on["#rqa-dl-conv"], on  # no table cited
        _no_overflow(pg, width)
        _shot(pg, f"1-narrative-{width}")
        with pg.expect_download() as dl:
            pg.click("#rqa-dl-answer")
        text = Path(dl.value.path()).read_text(encoding="utf-8")
        assert dl.value.suggested_filename.endswith(".md") and "意识有待加强" in text and "<" not in text

        _ask(pg, TABLE_Q, 2)
        assert "105" in _bubbles(pg)[-1]
        assert all(_enabled(pg).values()), _enabled(pg)  # a table answer: all five
        _shot(pg, f"2-table-{width}")
        with pg.expect_download() as dl:
            pg.click("#rqa-dl-csv")
        assert dl.value.suggested_filename.endswith(".csv")
        assert "105" in Path(dl.value.path()).read_text(encoding="utf-8-sig")
        with pg.expect_download() as dl:
            pg.click("#rqa-dl-conv")
        text = Path(dl.value.path()).read_text(encoding="utf-8")
        assert dl.value.suggested_filename == "对话.md" and "105" in text and "意识有待加强" in text
        _shot(pg, f"3-exported-{width}")

        pg.click("#rqa-clear")  # 新对话: nothing of the old one left on the screen
        pg.wait_for_function("document.querySelectorAll('#rqa-chat .rqa-scope').length == 0")
        pg.wait_for_timeout(400)
        assert not pg.locator("#rqa-cards .rqa-card").count() and not pg.locator("#rqa-source .rqa-source").count()
        assert not any(_enabled(pg).values()), _enabled(pg)
        assert pg.locator("#rqa-conv-list input").input_value().startswith("新对话")
        _shot(pg, f"4-new-{width}")

        _ask(pg, OTHER_Q, 1)
        assert len(_bubbles(pg)) == 1
        pg.click("#rqa-conv-list input")
        labels = pg.get_by_role("option").all_inner_texts()
        assert len(labels) == 2 and "1 问" in labels[0] and "2 问" in labels[1], labels  # most recent first
        _shot(pg, f"5-list-{width}")
        # back to the first conversation: its two answers, no stale cards
        pg.get_by_role("option", name=re.compile("^" + re.escape(NARRATIVE_Q[:8]))).click()
        pg.wait_for_function("document.querySelectorAll('#rqa-chat .rqa-scope').length == 2")
        pg.wait_for_timeout(400)
        texts = _bubbles(pg)
        assert "意识有待加强" in texts[0] and "105" in texts[1] and not any("新收" in t for t in texts)
        assert not pg.locator("#rqa-cards .rqa-card").count()
        on = _enabled(pg)
        assert on["#rqa-dl-conv"] and not on["#rqa-dl-answer"], on  # the conversation has answers to export
        with pg.expect_download() as dl:
            pg.click("#rqa-dl-conv")
        assert "意识有待加强" in Path(dl.value.path()).read_text(encoding="utf-8")
        _no_overflow(pg, width)
        _shot(pg, f"6-switched-{width}")
        assert not errors, errors
    finally:
        ctx.close()


def test_serve_start_up_lines_are_chinese(server):
    """What `reportqa serve` prints before the page is up (the staff member who starts it reads it)."""
    from tests.ui.test_cli_chinese import english_words

    text = server["log"].read_text(encoding="utf-8")
    assert "正在加载模型" in text and "ReportQA 已启动：http://127.0.0.1:" in text and "无需登录" in text, text
    assert english_words(re.sub(r"https?://\S+?(?=[（\s]|$)", " ", text).replace("Ctrl+C", "")) == [], text  # addresses are names
