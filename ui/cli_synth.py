"""``reportqa synth N DIR``: write a synthetic corpus with ground truth and a gold set.

Thin over ``eval.synth.generate``; registered on the app by ui/cli.py.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ui.cli_common import JsonOpt, console, emit_json, err_console, fail, user_errors


def _summary(reports, out_dir: Path, seed: int, seconds: float, gold_entries: int | None) -> dict:
    by: dict[str, list] = defaultdict(list)
    for r in reports:
        by[r.format].append(r)
    return {
        "out_dir": str(out_dir),
        "seed": seed,
        "reports": len(reports),
        "seconds": round(seconds, 3),
        "by_format": {
            f: {"reports": len(rs), "seconds": round(sum(r.seconds for r in rs), 3),
                "reports_per_s": round(len(rs) / sum(r.seconds for r in rs), 1) if sum(r.seconds for r in rs) else None,
                "cpu_seconds": round(sum(r.cpu_seconds for r in rs), 3)}
            for f, rs in sorted(by.items())
        },
        "with_violations": sum(bool(r.truth.violations) for r in reports),
        "with_blank_tables": sum(bool(r.truth.blank_tables) for r in reports),
        "agencies": len({r.truth.agency for r in reports}),
        "years": sorted({r.truth.year for r in reports}),
        "gold": str(out_dir / "gold.jsonl") if gold_entries is not None else None,
        "gold_entries": gold_entries,
        "files": [{"file": r.path.name, "truth": r.truth_path.name, "format": r.format, "agency": r.truth.agency,
                   "year": r.truth.year} for r in reports],
    }


def register(app: typer.Typer) -> None:
    @app.command("synth")
    @user_errors
    def synth(
        n: int = typer.Argument(..., metavar="N", help="Number of reports to write."),
        out_dir: Path = typer.Argument(..., metavar="DIR", help="Folder to write into (created if missing)."),
        seed: int = typer.Option(0, "--seed", help="Random seed: the same seed writes the same corpus."),
        formats: str = typer.Option("txt,docx,html,pdf,md", "--formats", help="Comma-separated formats; they rotate."),
        violations: float = typer.Option(0.0, "--violations", help="Share of reports with an injected 勾稽 error."),
        blank: float = typer.Option(0.0, "--blank", help="Share of reports with blank (unfilled) tables."),
        gold: bool = typer.Option(True, "--gold/--no-gold", help="Also write DIR/gold.jsonl."),
        as_json: bool = JsonOpt,
    ) -> None:
        """Write N synthetic annual reports (+ <name>.truth.json each, + gold.jsonl) into DIR."""
        from eval.synth import generate

        if n < 0:
            fail("N 须为 0 或更大的整数")
        if out_dir.exists() and not out_dir.is_dir():
            fail(f"{out_dir}：已存在且不是文件夹")
        fmts = [f.strip() for f in formats.split(",") if f.strip()]
        t0 = time.perf_counter()
        with Progress(TextColumn("生成"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[name]}"),
                      TimeRemainingColumn(), console=err_console, transient=True, disable=n == 0) as prog:
            task = prog.add_task("synth", total=n, name="")
            try:
                reports = generate(n, out_dir, seed=seed, formats=fmts, violations=violations, blank=blank, gold=gold,
                                   progress=lambda r: prog.update(task, advance=1, name=r.path.name))
            except ValueError as e:
                fail(str(e))
        gold_entries = None
        if gold:
            with (out_dir / "gold.jsonl").open(encoding="utf-8") as f:
                gold_entries = sum(1 for line in f if line.strip())
        s = _summary(reports, out_dir, seed, time.perf_counter() - t0, gold_entries)
        if as_json:
            emit_json(s)
            return
        # the folder on a line of its own, never wrapped: a table title is cut at the table's width, which
        # splits a long path over two lines (neither copyable nor clickable)
        console.print(f"已在 {out_dir} 生成 {len(reports)} 份虚构报告", highlight=False, soft_wrap=True)
        t = Table()
        for col in ("格式", "份数", "秒", "份/秒"):
            t.add_column(col, justify="right" if col != "格式" else "left")
        for f, v in s["by_format"].items():
            t.add_row(f, str(v["reports"]), f"{v['seconds']:.2f}", str(v["reports_per_s"]))
        console.print(t)
        years = "、".join(str(y) for y in s["years"])
        console.print(f"{s['agencies']} 个机关，年度 {years}；其中 {s['with_violations']} 份注入了勾稽错误，"
                      f"{s['with_blank_tables']} 份有未填报的表"
                      + (f"；金标准集：{s['gold']}（{gold_entries} 题）" if gold else ""), highlight=False)
