"""``reportqa eval``: run a gold set through ReportQA and/or the naive baseline and score it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ui.cli_common import IndexOpt, JsonOpt, console, emit_json, err_console, fail, make_settings, user_errors

EVAL_HELP = (
    "Run a gold set (JSONL, format in shared/docs/contracts.md) and print the metrics: answer accuracy, "
    "citation recall and precision, refusal accuracy, confidently wrong (answered and wrong, including any answer "
    "to an unanswerable question), overall and by question type, latency p50/p95.\n\n"
    "The questions are answered over the index named by --index. Nothing is ingested implicitly: give "
    "--corpus PATH (repeatable; files or folders) to ingest the gold set's reports into that index first "
    "(unchanged files are skipped). The naive baseline (--system naive|both) is built in memory over the "
    "--corpus files, or, without --corpus, over the files the index lists.\n\n"
    "With --out DIR, writes metrics.json, results.jsonl (one line per system and question: expected vs got, "
    "met/unmet citations, intent, latency), report.md and chart.png into DIR. Each run is stamped with the "
    "settings hash, settings, models and git commit.\n\n"
    "Example: reportqa eval --gold eval/gold/pdfs.jsonl --corpus ../shared/corpus/raw --index /tmp/idx "
    "--system both --out runs/pdfs"
)


def register(app: typer.Typer) -> None:
    @app.command("eval", help=EVAL_HELP)
    @user_errors
    def eval_cmd(
        gold: Path = typer.Option(..., "--gold", help="Gold set, JSONL (one question a line).", show_default=False),
        json_out: bool = JsonOpt,
        out: Path | None = typer.Option(None, "--out", help="Folder for metrics.json, results.jsonl, report.md, chart.png."),
        system: str = typer.Option("reportqa", "--system", help="reportqa, naive or both."),
        index: Path | None = IndexOpt,
        corpus: list[Path] | None = typer.Option(None, "--corpus",
                                                  help="File or folder to ingest into the index before the run (repeatable)."),
        embedding_model: str | None = typer.Option(None, "--embedding-model",
                                                   help="Override the embedding model (e.g. 'fake' for a quick run)."),
        limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N questions."),
    ) -> None:
        from eval.runner import evaluate, results_rows, write_outputs

        systems = {"reportqa": ("reportqa",), "naive": ("naive",), "both": ("reportqa", "naive")}.get(system.lower())
        if systems is None:
            fail(f"--system 须为 reportqa、naive 或 both，而不是 {system!r}")
        settings = make_settings(index, embedding_model=embedding_model)
        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=err_console, disable=json_out, transient=False)
        tasks: dict[str, int] = {}

        def on_question(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(f"{name}: {gold.name}", total=total)
            progress.update(tasks[name], completed=done)

        def on_file(done: int, total: int, path: str) -> None:
            if "ingest" not in tasks:
                tasks["ingest"] = progress.add_task("入库", total=total)
            progress.update(tasks["ingest"], completed=done, description=f"入库 {Path(path).name}" if path else "入库")

        with progress:
            run = evaluate(settings, gold, systems, corpus or (), limit=limit, progress=on_question,
                           ingest_progress=on_file)
        paths = write_outputs(run, out) if out is not None else {}
        metrics = run.metrics_dict()
        ing = metrics["run"].get("ingest")
        if json_out:
            emit_json({**metrics, "outputs": {k: str(v) for k, v in paths.items()}})
            return
        if ing and ing["failed"]:
            for f in ing["failures"]:
                err_console.print(f"[yellow]注意：[/yellow]{f['path']} 未能入库：{f['reason']}", highlight=False)
        _print_tables(metrics)
        rows = [r for r in results_rows(run) if r["system"] == "reportqa"]
        wrong = [r for r in rows if not r["correct"]]
        if wrong:
            console.print(f"reportqa 答错 {len(wrong)} 题：" + "、".join(r["id"] for r in wrong[:30])
                          + (" …" if len(wrong) > 30 else ""), highlight=False)
        confident = [r for r in rows if r.get("confidently_wrong")]
        if confident:
            console.print(f"reportqa 自信地答错 {len(confident)} 题：" + "、".join(r["id"] for r in confident[:30])
                          + (" …" if len(confident) > 30 else ""), highlight=False)
        if paths:
            console.print("已写入 " + "、".join(str(p) for p in paths.values()), highlight=False)


def _print_tables(metrics: dict) -> None:
    from eval.report import ms, pct
    from ui.eval_view import type_name

    run = metrics["run"]
    git = run.get("git", {})
    console.print(f"[bold]{run['gold']['name']}[/bold]：{run['gold']['questions']} 题 · 设置 "
                  f"{run['settings_hash']} · 模型 {run['model']['embedding_model']} · 提交 "
                  f"{(git.get('commit') or '?')[:10]}{'+' if git.get('dirty') else ''}", highlight=False)
    n = next(iter(metrics["systems"].values()))["overall"]["n"]
    t = Table(title=f"总体（{n} 题；准确率 = 答案准确率；自信答错 = 作答了但答错，含对无法回答的问题作答；毫秒 = 延迟）")
    for col in ("系统", "准确率", "引用召回", "引用精确", "拒答准确", "误拒", "自信答错", "p50毫秒", "p95毫秒"):
        t.add_column(col, justify="left" if col == "系统" else "right", no_wrap=True)
    for name, s in metrics["systems"].items():
        m = s["overall"]
        t.add_row(name, pct(m["answer_accuracy"]), pct(m["citation_recall"]), pct(m["citation_precision"]),
                  pct(m["refusal_accuracy"]), pct(m["false_refusal_rate"]), _cw(m),
                  ms(m["latency_p50_ms"]), ms(m["latency_p95_ms"]))
    console.print(t)
    names = list(metrics["systems"])
    types = list(dict.fromkeys(ty for s in metrics["systems"].values() for ty in s["by_type"]))
    bt = Table(title="按题型：答案准确率 / 引用召回率 / 自信答错")
    bt.add_column("题型")
    bt.add_column("题数", justify="right")
    for name in names:
        bt.add_column(name, justify="right")
    for ty in types:
        n = next(s["by_type"][ty]["n"] for s in metrics["systems"].values() if ty in s["by_type"])
        cells = []
        for name in names:
            m = metrics["systems"][name]["by_type"].get(ty)
            cells.append(f"{pct(m['answer_accuracy'])} / {pct(m['citation_recall'])} / {_cw(m)}" if m else "–")
        bt.add_row(type_name(ty), str(n), *cells)
    console.print(bt)
    for name, s in metrics["systems"].items():
        k = s["overall"].get("counts", {}).get("context_not_passed", 0)
        if k:
            console.print(f"说明：{name} 有 {k} 道追问题没有收到对话上下文（它的 ask() 还不接受上下文），"
                          "按独立问题作答。", highlight=False)


def _cw(m: dict) -> str:
    """Confidently wrong as a share and a count (``–`` for an old metrics dict without it)."""
    from eval.report import pct

    if m.get("confidently_wrong") is None:
        return "–"
    return f"{pct(m['confidently_wrong'])} ({m.get('counts', {}).get('confidently_wrong', 0)})"
