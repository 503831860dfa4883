"""The 审核 tab in Chromium: findings listed, filtered by verdict, a row opens its cells, export to xlsx.
Screenshots at desktop width and 390px (copied to /tmp/reportqa-screens/)."""

from __future__ import annotations

import pytest

from tests.ui.test_e2e_browser import _screenshot_on_failure, _shot, page, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


def _grid_text(page) -> str:
    return page.locator("#rqa-audit-grid").inner_text()


def test_audit_tab_lists_filters_opens_and_exports(page, server):
    page.get_by_role("tab", name="审核").click()
    summary = page.locator("#rqa-audit-summary")
    summary.get_by_text("份报告").wait_for(timeout=60_000)
    assert "✗ 不通过" in summary.inner_text()
    page.wait_for_function("() => document.querySelector('#rqa-audit-grid').innerText.includes('t4.total')")
    assert "narrative.t3_new" in _grid_text(page) and "无法核对" in _grid_text(page)
    _shot(page, server, "audit-desktop.png")

    # only 不通过: untick 提示 and 无法核对
    verdicts = page.locator("#rqa-audit-verdict")
    verdicts.get_by_label("提示").uncheck()
    verdicts.get_by_label("无法核对").uncheck()
    # two filter updates: wait for the grid after the second one (the first alone already hides narrative.t3_new)
    page.wait_for_function("() => { const t = document.querySelector('#rqa-audit-grid').innerText;"
                           " return !t.includes('narrative.t3_new') && !t.includes('? 无法核对'); }", timeout=30_000)
    text = _grid_text(page)
    assert "t4.total" in text and "? 无法核对" not in text and "⚠ 提示" not in text

    # a row opens the cells it compared
    page.locator("#rqa-audit-grid").get_by_text("合计 11", exact=False).first.click()
    detail = page.locator("#rqa-audit-detail")
    detail.get_by_text("t4.total").wait_for()
    assert "hzq2023_working.pdf" in detail.inner_text()
    page.wait_for_function("() => document.querySelector('#rqa-audit-cells').innerText.includes('结果维持')")
    cells = page.locator("#rqa-audit-cells").inner_text()
    assert "尚未审结" in cells and "已填数字" in cells

    # export what is shown
    page.locator("#rqa-audit-export").click()
    link = page.locator("#rqa-audit-file a[href*='.xlsx']").first
    link.wait_for(timeout=30_000)
    assert "审核结果" in page.locator("#rqa-audit-file").inner_html()
    _shot(page, server, "audit-desktop-opened.png")

    assert not page.js_errors, page.js_errors


def test_audit_tab_at_390px(page, server):
    phone = page.context.new_page()
    try:
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(server["url"])
        phone.get_by_role("tab", name="审核").click()
        phone.locator("#rqa-audit-summary").get_by_text("份报告").wait_for(timeout=60_000)
        phone.wait_for_function("() => document.querySelector('#rqa-audit-grid').innerText.includes('t4.total')")
        _shot(phone, server, "audit-390.png")
        width = phone.evaluate("() => document.documentElement.clientWidth")
        wide = phone.evaluate("""() => [...document.querySelectorAll('#rqa-audit-summary, #rqa-audit-verdict, #rqa-audit-agency')]
            .map(e => [e.id, Math.round(e.getBoundingClientRect().right)])""")
        assert width == 390 and all(right <= width + 1 for _, right in wide), wide  # the filters fit
    finally:
        phone.close()
