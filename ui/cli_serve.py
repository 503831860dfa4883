"""``reportqa serve`` (the Gradio app) and ``reportqa feedback-to-gold``.

Gradio is imported only inside ``serve`` so the other commands start fast.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import typer

from ui.cli_common import IndexOpt, JsonOpt, console, emit_json, err_console, fail, make_settings, user_errors


def _demo_corpus() -> Path | None:
    """The shared corpus for --demo: REPORTQA_DEMO_DIR, else ../shared/corpus beside the checkout."""
    env = os.environ.get("REPORTQA_DEMO_DIR")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[1]
    shared = Path(os.environ.get("REPORTQA_SHARED", root.parent / "shared"))
    corpus = shared / "corpus"
    return corpus if corpus.is_dir() else None


def _warm_up(assistant) -> None:
    """Load the models behind narrative answers now, not on the first user's question."""
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
    auth: str = typer.Option(None, "--auth", help="Require a login: 'user:password' (or env REPORTQA_AUTH).",
                             envvar="REPORTQA_AUTH"),
    demo: bool = typer.Option(False, "--demo", help="Before starting, ingest the demo corpus (REPORTQA_DEMO_DIR, "
                                                    "else ../shared/corpus); unchanged files are skipped."),
) -> None:
    """Start the web app (问答 / 报告 / 评测). Binds 127.0.0.1 unless --host is given; never a share link."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = make_settings(index)
    from ui.app import parse_auth

    try:
        parse_auth(auth if auth is not None else settings.auth)
    except ValueError as e:
        fail(str(e))
    from assistant import Assistant
    from ingest.stores.common import catalog_exists

    if not catalog_exists(Path(settings.index_dir)):
        # a fresh index: create it empty, so reports can be added from the 报告 tab
        from ingest.indexer import ingest_paths

        err_console.print(f"no index at {settings.index_dir} yet: creating an empty one", highlight=False)
        ingest_paths(settings, [])
    assistant = Assistant(settings)
    if demo:
        corpus = _demo_corpus()
        if corpus is None or not corpus.exists():
            fail("--demo: no demo corpus found (set REPORTQA_DEMO_DIR to a folder of reports)")
        err_console.print(f"demo: ingesting {corpus} into {settings.index_dir} …", highlight=False)
        res = assistant.ingest([corpus])
        err_console.print(f"demo: {res.ingested} ingested, {res.unchanged} unchanged, {res.failed} failed",
                          highlight=False)

    from ui.app import build_app, launch

    err_console.print("loading models …", highlight=False)
    _warm_up(assistant)  # before listening: the first user's question must not pay for model loading
    app = build_app(assistant, settings)
    h = host or settings.host
    p = int(port or settings.port)
    shown = "localhost" if h in ("127.0.0.1", "0.0.0.0") else h
    err_console.print(f"ReportQA: http://{shown}:{p}/  (index {settings.index_dir}; Ctrl+C to stop)", highlight=False)
    launch(app, settings, host=h, port=p, auth=auth, quiet=True)


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
        fail(f"{feedback}: no such file")
    try:
        records, bad = read_feedback(feedback)
    except UnicodeDecodeError:
        fail(f"{feedback}: not UTF-8 text")
    entries, counts = convert(records)
    write_gold(entries, out)
    counts = {**counts, "unreadable": bad, "out": str(out)}
    if json_out:
        emit_json(counts)
    else:
        console.print(f"{counts['written']} gold entries written to {out} "
                      f"({counts['answers']} rated answers, {counts['skipped']} skipped: 👎 without a correction"
                      + (f"; {bad} unreadable lines ignored" if bad else "") + ")", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("feedback-to-gold")(feedback_to_gold)
