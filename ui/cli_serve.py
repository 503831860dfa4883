"""``reportqa serve`` (the Gradio app) and ``reportqa feedback-to-gold``.

Gradio is imported only inside ``serve`` so the other commands start fast.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import typer

from ingest.errors import ReportQAError
from ui.cli_common import IndexOpt, JsonOpt, console, emit_json, err_console, fail, make_settings, user_errors


def open_demo_if_empty(assistant, settings):
    """--demo: while the user's index is empty, the 示例（虚构） reports from their own index
    (<cache_dir>/demo-index, built once); never written into the user's index. None otherwise."""
    from ui.demo import demo_index_dir, open_demo, removed_marker

    have = len(assistant.reports())
    if have:
        err_console.print(f"示例数据：索引 {settings.index_dir} 已有 {have} 份报告，不使用示例数据。", highlight=False)
        return None
    if removed_marker(settings).exists():
        err_console.print(f"示例数据已被移除（删除 {removed_marker(settings)} 可恢复）。", highlight=False)
        return None
    try:
        qa = open_demo(settings, note=lambda m: err_console.print(m, highlight=False))
    except FileNotFoundError as e:
        fail(f"--demo：{e}")
    err_console.print(f"示例数据：{len(qa.reports())} 份虚构报告（{demo_index_dir(settings)}），"
                      "在您的索引为空时使用，界面中标注「示例（虚构）」。", highlight=False)
    return qa


def _warm_up(assistant) -> None:
    """Load the models behind narrative answers now, not on the first user's question."""
    from ui.serve_queue import warm_matplotlib

    warm_matplotlib()  # Gradio touches matplotlib in every event: imported here, not in the first one
    try:
        # the examples cover the table paths; a free-form question loads the embedding model (dense search)
        for q in [*assistant.example_questions(6), "政府网站的访问量是多少？"]:
            assistant.ask(q)
    except Exception:  # noqa: BLE001 - warm-up is best effort
        logging.getLogger(__name__).debug("warm-up failed", exc_info=True)


@user_errors
def serve(
    host: str = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1; settings.host)."),
    port: int = typer.Option(None, "--port", help="Port (default 7860; settings.port)."),
    index: Path = IndexOpt,
    auth: str = typer.Option(None, "--auth", help="Require a login: 'user:password' (visible in ps: prefer env "
                                                  "REPORTQA_AUTH or --auth-file).", envvar="REPORTQA_AUTH"),
    auth_file: Path = typer.Option(None, "--auth-file", help="File holding 'user:password' (env REPORTQA_AUTH_FILE).",
                                   envvar="REPORTQA_AUTH_FILE"),
    demo: bool = typer.Option(False, "--demo", help="While the index holds no reports, answer from 示例（虚构） "
                                                    "reports kept in their own index (<cache>/demo-index: "
                                                    "REPORTQA_DEMO_DIR, else 24 synthetic reports); never "
                                                    "written into your index; removable in the 报告 tab."),
) -> None:
    """Start the web app (问答 / 报告 / 评测). Binds 127.0.0.1 unless --host is given; never a share link."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    try:
        _serve(host, port, index, auth, auth_file, demo)
    except (typer.Exit, ReportQAError, KeyboardInterrupt, FileNotFoundError):
        raise
    except Exception as e:  # noqa: BLE001 - any start-up failure: one line, exit 1
        logging.getLogger(__name__).debug("serve failed", exc_info=True)
        fail(f"启动失败：{type(e).__name__}: {' '.join(str(e).split())[:300]}")


def _serve(host, port, index, auth, auth_file, demo) -> None:
    from ui.serve_safety import check_bindable, is_loopback, resolve_auth, shown_addresses

    settings = make_settings(index, auth_file=auth_file)
    try:
        creds = resolve_auth(auth, settings)
    except ValueError as e:
        fail(str(e))
    if auth and "--auth" in sys.argv[1:]:
        err_console.print("提示：--auth 的密码在进程列表（ps）中可见；请改用环境变量 REPORTQA_AUTH 或 --auth-file。",
                          highlight=False, soft_wrap=True)
    h = host or settings.host
    p = int(port or settings.port)
    if not creds and not is_loopback(h):
        err_console.print(f"[yellow]警告：[/yellow]服务绑定在 {h}（本机以外可访问）且未设置登录，任何能连到这台机器的人"
                          "都能提问和上传文件。请设置 REPORTQA_AUTH_FILE（或 REPORTQA_AUTH）要求登录，"
                          "或只绑定 127.0.0.1。", highlight=False, soft_wrap=True)
    busy = check_bindable(h, p)  # before loading anything: a busy port is one line, at once
    if busy:
        fail(busy)
    from assistant import Assistant
    from ingest.stores.common import catalog_exists

    if not catalog_exists(Path(settings.index_dir)):
        # a fresh index: create it empty, so reports can be added from the 报告 tab
        from ingest.indexer import ingest_paths

        err_console.print(f"索引 {settings.index_dir} 还不存在：已新建一个空索引，可在「报告」页上传报告。", highlight=False)
        ingest_paths(settings, [])
    assistant = Assistant(settings)
    demo_qa = open_demo_if_empty(assistant, settings) if demo else None

    from ui.app import build_app, launch

    err_console.print("正在加载模型…", highlight=False)
    _warm_up(demo_qa or assistant)  # before listening: the first user's question must not pay for model loading
    app = build_app(assistant, settings, demo_assistant=demo_qa)
    urls = "  ".join(shown_addresses(h, p))
    login = "需要登录" if creds else "无需登录"
    err_console.print(f"ReportQA 已启动：{urls}（{login}；索引 {settings.index_dir}；按 Ctrl+C 停止）", highlight=False,
                      soft_wrap=True)
    from ui.serve_queue import freeze_start_up

    freeze_start_up()  # no full garbage collection walks the start-up objects again (0.25 s stalls)
    launch(app, settings, host=h, port=p, auth=":".join(creds) if creds else None, quiet=True)


@user_errors
def feedback_to_gold(
    feedback: Path = typer.Argument(..., help="Feedback JSONL written by the web app (👍/👎)."),
    out: Path = typer.Argument(..., help="Gold-set JSONL to write (contracts.md format)."),
    json_out: bool = JsonOpt,
) -> None:
    """Turn web-app feedback into gold-set entries: 👍 keeps the system's answer and citations,
    👎 with a correct answer uses that answer, 👎 without one is skipped."""
    from ui.feedback import feedback_to_gold as convert
    from ui.feedback import read_feedback, write_gold

    if not feedback.is_file():
        fail(f"{feedback}：文件不存在")
    try:
        records, bad = read_feedback(feedback)
    except UnicodeDecodeError:
        fail(f"{feedback}：不是 UTF-8 文本")
    entries, counts = convert(records)
    write_gold(entries, out)
    counts = {**counts, "unreadable": bad, "out": str(out)}
    if json_out:
        emit_json(counts)
    else:
        console.print(f"已写入 {counts['written']} 条金标准到 {out}"
                      f"（评价过的回答 {counts['answers']} 个，跳过 {counts['skipped']} 个：👎 且未填写更正"
                      + (f"；{bad} 行无法读取，已忽略" if bad else "") + "）", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("feedback-to-gold")(feedback_to_gold)
