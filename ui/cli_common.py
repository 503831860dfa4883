"""Shared plumbing of the ``reportqa`` commands: settings, JSON output, user errors."""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path
from typing import Any, Callable

import typer
from rich.console import Console

from ingest.errors import ReportQAError
from ingest.settings import Settings

console = Console(stderr=False)
err_console = Console(stderr=True)

IndexOpt = typer.Option(None, "--index", help="Index folder (env REPORTQA_INDEX_DIR).", envvar="REPORTQA_INDEX_DIR")
JsonOpt = typer.Option(False, "--json", help="Print machine-readable JSON.")


def make_settings(index: Path | None = None, **overrides: Any) -> Settings:
    kw: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    if index is not None:
        kw["index_dir"] = index
    return Settings(**kw)


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=None, default=str) + "\n")
    sys.stdout.flush()


def fail(reason: str, code: int = 1) -> None:
    """One line on stderr, non-zero exit: how every user error ends."""
    err_console.print(f"[red]错误：[/red]{reason}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def user_errors(fn: Callable) -> Callable:
    """Turn the project's user-facing errors into one line on stderr and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ReportQAError as e:
            fail(str(e))
        except FileNotFoundError as e:
            fail(f"{e.filename or e}：文件或文件夹不存在")
        except KeyboardInterrupt:
            fail("已中断", 130)

    return wrapper


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("jieba", "chromadb", "httpx", "sentence_transformers", "transformers", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


class StderrBar:
    """A rich progress bar on stderr (label, bar, n/m, optionally the time elapsed, the current file's name),
    or nothing when disabled (JSON output, not a terminal). Called as ``bar(done, total, path)``."""

    def __init__(self, label: str, enabled: bool, *, elapsed: bool = False):
        self.bar = self.task = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            cols = [TextColumn(label), BarColumn(), MofNCompleteColumn(), *([TimeElapsedColumn()] if elapsed else []),
                    TextColumn("{task.description}")]
            self.bar = Progress(*cols, console=err_console, transient=True)

    def __enter__(self):
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()

    def __call__(self, done: int, total: int, path: str) -> None:
        if self.bar is None:
            return
        if self.task is None:
            self.task = self.bar.add_task("", total=total)
        from rich.markup import escape

        self.bar.update(self.task, completed=done, description=escape(Path(path).name) if path else "")
