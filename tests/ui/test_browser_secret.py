"""Conversations saved in the browser survive a server restart: the browser store's key (ui.serve_safety.browser_secret)
is made once and kept beside the index (mode 0600), or given by REPORTQA_WEB_STATE_SECRET."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ingest.settings import Settings
from ui.serve_safety import SECRET_FILE, browser_secret

Q = "淮安市2024年因属于行政查询事项不予公开的申请有几件？"


def test_the_key_is_made_once_and_kept_beside_the_index_readable_by_its_owner_only(tmp_path):
    s = Settings(index_dir=tmp_path / "idx", cache_dir=tmp_path / "cache")
    key = browser_secret(s)
    path = tmp_path / "idx" / SECRET_FILE
    assert path.read_text(encoding="utf-8").strip() == key and len(key) >= 16
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert browser_secret(Settings(index_dir=tmp_path / "idx", cache_dir=tmp_path / "cache")) == key  # a restart
    assert browser_secret(Settings(index_dir=tmp_path / "other", cache_dir=tmp_path / "cache")) != key
    assert [p.name for p in (tmp_path / "idx").iterdir()] == [SECRET_FILE]  # no temporary file left


def test_the_setting_wins_and_is_masked_in_stamps(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTQA_WEB_STATE_SECRET", "k" * 20)
    s = Settings(index_dir=tmp_path / "idx", cache_dir=tmp_path / "cache")
    assert browser_secret(s) == "k" * 20
    assert not (tmp_path / "idx" / SECRET_FILE).exists()
    assert s.public_dict()["web_state_secret"] == "***"


def test_a_damaged_key_file_is_replaced(tmp_path):
    (tmp_path / "idx").mkdir()
    (tmp_path / "idx" / SECRET_FILE).write_text("short\n", encoding="utf-8")
    key = browser_secret(Settings(index_dir=tmp_path / "idx", cache_dir=tmp_path / "cache"))
    assert len(key) >= 16 and (tmp_path / "idx" / SECRET_FILE).read_text(encoding="utf-8").strip() == key


def test_an_index_folder_that_cannot_be_written_keeps_its_key_in_the_cache(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")  # nothing can be created under a file, not even by root
    s = Settings(index_dir=blocker / "idx", cache_dir=tmp_path / "cache")
    key = browser_secret(s)
    assert browser_secret(s) == key
    assert [p.read_text(encoding="utf-8").strip() for p in (tmp_path / "cache").iterdir()] == [key]


@pytest.mark.integration
def test_a_conversation_saved_before_a_restart_is_listed_after_it(tmp_path, raw_dir):
    """A real server over one index, stopped and started again on the same port (the browser's storage is per
    address): the conversation asked before the restart is in the list after it, its answer shown."""
    from tests.ui.serve_proc import serving
    from tests.ui.serve_proc import CHROMIUM, CHROMIUM_ARGS, SCREENS, _free_port

    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    pw = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    from ingest.indexer import ingest_paths

    index = tmp_path / "index"
    assert ingest_paths(Settings(index_dir=index, embedding_model="fake"), sorted(raw_dir.glob("*.pdf"))).failed == 0
    port = _free_port()
    with pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        ctx.set_default_timeout(30_000)
        pg = ctx.new_page()
        with serving(index, tmp_path, port=port, log_name="server-1.log") as srv:
            pg.goto(srv["url"])
            pg.fill("#rqa-question textarea", Q)
            pg.click("#rqa-send")
            pg.wait_for_function("document.querySelectorAll('#rqa-chat .rqa-scope').length >= 1")
            pg.wait_for_function("() => (localStorage.getItem('reportqa-conversations') || '').length > 100")
            assert Q[:10] in pg.locator("#rqa-conv-list input").input_value()
        with serving(index, tmp_path, port=port, log_name="server-2.log") as srv:
            pg.goto(srv["url"])
            pg.wait_for_function("document.querySelectorAll('#rqa-chat .rqa-scope').length >= 1")
            assert Q[:10] in pg.locator("#rqa-conv-list input").input_value()
            assert "105" in pg.locator("#rqa-chat .message.bot, #rqa-chat [data-testid='bot']").last.inner_text()
            SCREENS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(SCREENS / "restart-restored-1440.png"), full_page=True)
        ctx.close()
        browser.close()
