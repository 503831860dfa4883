"""``reportqa ask``: one question, or a file of questions (JSONL out, models loaded once)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from ui.cli_common import IndexOpt, JsonOpt, console, emit_json, fail, make_settings, user_errors


def _print_answer(ans) -> None:
    style = "green" if ans.answerable else "yellow"
    console.print(Panel(escape(ans.answer), title=escape(ans.question), border_style=style))
    if ans.citations:
        t = Table(show_header=True, header_style="bold", expand=True)
        for col in ("#", "机关 · 年", "表/章节", "行", "列", "值", "页", "原文"):
            t.add_column(col, overflow="fold")
        for c in ans.citations:
            t.add_row(str(c.id), f"{c.agency} · {c.year}", c.table or (c.section or ""), c.row or "", c.column or "",
                      c.value or "", str(c.page or ""), escape(c.quote[:80]))
        console.print(t)
    for w in ans.warnings:
        console.print(f"[yellow]⚠ {escape(w)}[/yellow]")


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def ask(
        question: str = typer.Argument(None, help="The question (omit with --questions)."),
        questions: Path = typer.Option(None, "--questions", "-q", help="UTF-8 file, one question a line; writes JSONL (with --json)."),
        agency: str = typer.Option(None, "--agency", help="Restrict to this agency (any form of its name)."),
        year: int = typer.Option(None, "--year", help="Restrict to this report year."),
        index: Path = IndexOpt,
        as_json: bool = JsonOpt,
    ) -> None:
        """Answer a question with citations to agency, year, table row and column (or section and sentence)."""
        if not question and not questions:
            fail("give a QUESTION or --questions FILE")
        settings = make_settings(index)
        from assistant.assistant import Assistant

        qa = Assistant(settings)
        if questions is not None:
            if not questions.is_file():
                fail(f"{questions}: no such file")
            lines = [ln.strip() for ln in questions.read_text("utf-8-sig").splitlines() if ln.strip()]
            for q in lines:
                ans = qa.ask(q, agency=agency, year=year)
                if as_json:
                    emit_json(ans.to_json_dict())
                else:
                    _print_answer(ans)
            return
        ans = qa.ask(question, agency=agency, year=year)
        if as_json:
            emit_json(ans.to_json_dict())
        else:
            _print_answer(ans)
        sys.stdout.flush()
