"""``reportqa ask``: one question, or a file of questions (JSONL out, models loaded once)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from ui.cli_common import IndexOpt, JsonOpt, console, emit_json, fail, make_settings, user_errors


LAST_QUERY = "last_query.json"  # in the index folder: the Query of the last question asked there (for --follow-up)


def _print_answer(ans, explain: bool = False) -> None:
    if explain and ans.explain:
        console.print(f"[cyan]{escape(ans.explain.get('text', ''))}[/cyan]")
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
        explain: bool = typer.Option(False, "--explain", help="Print how the question was understood (the typed query)."),
        follow_up: bool = typer.Option(False, "--follow-up", help="Read the question as a follow-up of the last question "
                                                                  "asked in this index (那2023年呢？)."),
        context: Path = typer.Option(None, "--context", help="Read the question as a follow-up of this context file "
                                                             "(an answer's JSON or its explain field)."),
        index: Path = IndexOpt,
        as_json: bool = JsonOpt,
    ) -> None:
        """Answer a question with citations to agency, year, table row and column (or section and sentence)."""
        if not question and not questions:
            fail("give a QUESTION or --questions FILE")
        settings = make_settings(index)
        last = Path(settings.index_dir) / LAST_QUERY
        ctx = _context(context, last if follow_up else None)
        from assistant.assistant import Assistant

        qa = Assistant(settings)
        if questions is not None:
            if not questions.is_file():
                fail(f"{questions}: no such file")
            lines = [ln.strip() for ln in questions.read_text("utf-8-sig").splitlines() if ln.strip()]
            for q in lines:
                ans = qa.ask(q, agency=agency, year=year, context=ctx if follow_up or context else None)
                if follow_up and ans.explain:
                    ctx = ans.explain  # each line follows the one before
                if as_json:
                    emit_json(ans.to_json_dict())
                else:
                    _print_answer(ans, explain)
            _remember(last, ans.explain if lines else None)
            return
        ans = qa.ask(question, agency=agency, year=year, context=ctx)
        _remember(last, ans.explain)
        if as_json:
            emit_json(ans.to_json_dict())
        else:
            _print_answer(ans, explain)
        sys.stdout.flush()


def _context(path: Path | None, last: Path | None) -> dict | None:
    """The previous turn's Query: from --context FILE (an answer's JSON or its explain field), or the last one."""
    src = path or last
    if src is None:
        return None
    if not src.is_file():
        if path is not None:
            fail(f"{path}: no such file")
        fail("这个索引里还没有上一个问题，--follow-up 无从接续；请先问一个完整的问题。")
    try:
        data = json.loads(src.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        fail(f"{src}: not a context file ({e})")
    data = data.get("explain", data) if isinstance(data, dict) else None
    if not isinstance(data, dict) or "question" not in data:
        fail(f"{src}: not a context file (no explain / question)")
    return data


def _remember(path: Path, explain: dict | None) -> None:
    if not explain or not path.parent.is_dir():
        return
    try:
        path.write_text(json.dumps(explain, ensure_ascii=False), "utf-8")
    except OSError:
        pass  # a read-only index still answers
