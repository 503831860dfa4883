"""The Gradio web app: 问答 (chat with citation cards and a source panel), 报告, 评测.

Uses only the assistant's public API (``Assistant.ask/ask_stream/reports/get_report/
ingest/example_questions``) and, for the 评测 tab, ``eval.runner.run_gold``
(imported when that tab is used). HTML comes from :mod:`ui.render`.

Modules: :mod:`ui.handlers` (the handlers as plain methods), :mod:`ui.chat_tab`, :mod:`ui.reports_tab`,
:mod:`ui.audit_tab`, :mod:`ui.eval_tab` (each tab's layout and events), :mod:`ui.web_assets` (scripts, CSS, theme),
:mod:`ui.web_common` (one-line errors, filter values).

``build_app(assistant, settings)`` returns the Blocks; ``launch(app, settings, ...)``
starts it with safe defaults (127.0.0.1, no share link, optional login, upload
size/type limits, a queue sized for a small machine). The named API endpoint
``/ask`` returns the answer object as a dict::

    from gradio_client import Client
    Client("http://127.0.0.1:7860/").predict("淮安市2024年…？", None, None, api_name="/ask")
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from ui import conversations as conv  # noqa: E402
from ui import render, scope_view  # noqa: E402
from ui.audit_tab import build_audit_tab  # noqa: E402
from ui.chat import MAX_QUESTION_CHARS  # noqa: E402,F401 - re-exported
from ui.chat_tab import ASSISTANT_CONCURRENCY, build_chat_tab, wire_chat  # noqa: E402
from ui.eval_tab import CHART_CSS, METRIC_COLUMNS, MISS_HEADERS, build_eval_tab, eval_views  # noqa: E402,F401 - re-exported
from ui.handlers import Handlers, examples_html  # noqa: E402,F401 - re-exported
from ui.i18n import TOAST_CSS, attr_js, chinese_toasts, force_zh_cn  # noqa: E402
from ui.reports_tab import WATCH_S, build_reports_tab, wire_reports  # noqa: E402,F401 - re-exported
from ui.serve_queue import configure_queue, quiet_queue_analytics  # noqa: E402
from ui.serve_safety import LoginGuard, browser_secret, login_middleware, parse_auth, resolve_auth  # noqa: E402,F401 - parse_auth re-exported
from ui.upload_flow import ALLOWED_SUFFIXES  # noqa: E402,F401 - re-exported
from ui.web_assets import DEMO_LABEL, EXTRA_CSS, HEAD, SUBTITLE, TITLE, theme  # noqa: E402,F401 - re-exported
from ui.web_common import AGENCY_ALL, YEAR_ALL, _agency, _friendly, _safe, _year  # noqa: E402,F401 - re-exported

QUEUE_MAX_SIZE = 64


def build_app(assistant: Any, settings: Any, *, gold_dir: Path | None = None,
              demo_assistant: Any = None) -> gr.Blocks:
    """The whole app; ``assistant`` is shared by all sessions (its ask is thread-safe). ``demo_assistant``:
    示例（虚构） reports in their own index, answered from while ``assistant``'s index is empty."""
    chinese_toasts()  # 注意 / 提示 / 出错 as toast titles, every call site
    h = Handlers(assistant, settings, gold_dir=gold_dir, demo_assistant=demo_assistant)
    agencies, years = h.filter_choices()

    with gr.Blocks(title=f"{TITLE} · ReportQA", analytics_enabled=False) as app:
        app.rqa_handlers = h  # for tests and the CLI
        gr.Markdown(f"# {TITLE}\n{SUBTITLE}", elem_id="rqa-title")
        status = gr.Markdown(h.status_line(), elem_id="rqa-status")

        states = SimpleNamespace(
            app=app, status=status,
            answers=gr.State({}),  # str(chat message index) -> {"id", "answer", "demo"}
            # ui/conversations.py; the same key after a restart, or the browser could not read them back
            store=gr.BrowserState(conv.empty(), storage_key="reportqa-conversations", secret=browser_secret(settings)),
            summary=gr.State(conv.meta(None)),  # the server's summary of the stored conversations (conversations.meta)
            shown=gr.State([]),  # the chat messages the page shows (kept here: the page does not send them back)
            current=gr.State(None),  # the answer whose cards are shown
            pending=gr.State(None),  # the 👎 answer awaiting a correction
            report_ids=gr.State(h.reports_table()[1]),
        )
        with gr.Tabs():
            chat = build_chat_tab(h, agencies, years)  # 问答
            reports = build_reports_tab(h, settings)  # 报告
            app.rqa_audit = build_audit_tab(h.assistant)  # 审核 (ui/audit_tab.py)
            build_eval_tab(h)  # 评测, with its events
        ui = SimpleNamespace(**vars(states), **vars(chat), **vars(reports))
        wire_chat(h, ui)
        wire_reports(h, ui)

        # the named API endpoint: Client(url).predict(question, agency, year, api_name="/ask")
        def ask(question: str, agency: str | None = None, year: int | None = None) -> dict:
            """Answer one question; returns the answer object (question, answer, answerable, value, citations, warnings)."""
            return h.ask_api(question, agency, year)

        gr.api(ask, api_name="ask", concurrency_id="assistant", concurrency_limit=ASSISTANT_CONCURRENCY)
    return app


def launch(app: gr.Blocks, settings: Any, *, host: str | None = None, port: int | None = None,
           auth: str | None = None, prevent_thread_lock: bool = False, quiet: bool = False) -> Any:
    """Start the app with safe defaults; returns what Blocks.launch returns."""
    creds = resolve_auth(auth, settings)
    guard = LoginGuard(*creds).callable() if creds else None  # rate-limited login
    quiet_queue_analytics()  # no per-event pandas summary of all past events (ui/serve_queue.py)
    configure_queue(app, default_concurrency_limit=ASSISTANT_CONCURRENCY, max_size=QUEUE_MAX_SIZE)  # ui/serve_queue.py
    return app.launch(
        server_name=host or settings.host,
        server_port=int(port or settings.port),
        share=False,
        auth=guard,
        auth_message="请登录以使用政府信息公开年报问答。" if creds else None,
        max_file_size=f"{int(settings.upload_max_mb)}mb",
        show_error=True,
        inbrowser=False,
        quiet=quiet,
        prevent_thread_lock=prevent_thread_lock,
        ssr_mode=False,
        mcp_server=False,
        footer_links=["api"],
        theme=theme(),
        css=render.CSS + EXTRA_CSS + scope_view.CSS + TOAST_CSS + CHART_CSS,
        head=HEAD + attr_js(),
        i18n=force_zh_cn(),
        allowed_paths=[],
        app_kwargs={"middleware": login_middleware()} if creds else None,  # the address of each login attempt
        state_session_capacity=int(settings.web_sessions),  # bounded memory for sessions (ingest/settings.py)
    )
