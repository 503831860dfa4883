"""Run a gold set through ReportQA and/or the naive baseline, score it, write the results.

Python API::

    from eval.runner import evaluate, write_outputs
    run = evaluate(settings, "eval/gold/seeds.jsonl", systems=("reportqa", "naive"),
                   corpus=["../shared/corpus/seeds"])
    run.systems["reportqa"].metrics["overall"]["answer_accuracy"]
    write_outputs(run, "runs/seeds")   # metrics.json, results.jsonl, report.md, chart.png

- ``corpus`` paths are ingested into ``settings.index_dir`` first (unchanged
  files are skipped), then ReportQA answers over that index; the naive
  baseline is built over the same files (or, without ``corpus``, over the
  files the index lists).
- Every run is stamped with the settings hash, the public settings, the
  models, the git commit, the gold file's sha256 and the machine.
- A gold question with ``context`` (earlier questions of one conversation,
  oldest first) is asked as a conversation when the system can take one:
  ReportQA does when ``Assistant.ask`` has a ``context`` parameter; each
  earlier question is asked in turn and the previous turn's result (its
  ``query`` when the Answer carries one, else the Answer itself) is passed
  as ``context=`` to the next, up to the scored question. Otherwise the
  question is asked alone and its score row says ``context_passed: false``
  (counted as ``context_not_passed``). Only the last turn is scored; its
  latency is the conversation's time divided by its number of turns.
- Latency is warm: each system first answers the first question of each
  ``type`` once, untimed and unscored (so model and index loading are not in
  p95).
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from ingest.errors import ReportQAError
from ingest.settings import Settings

from eval.metrics import GoldQuestion, QuestionScore, file_sha256, load_gold, score_question, summarize

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SYSTEMS = ("reportqa", "naive")

ProgressFn = Callable[[str, int, int], None]
"""progress(system, done, total): before the first question and after each one."""


class QASystem(Protocol):
    name: str

    def ask(self, question: str, agency: str | None = None, year: int | None = None) -> dict: ...

    def close(self) -> None: ...


class ConversationalQASystem(QASystem, Protocol):
    """A system that can answer a question in the context of earlier turns (``supports_context`` true)."""

    supports_context: bool

    def ask_conversation(self, turns: Sequence[str], agency: str | None = None, year: int | None = None) -> dict: ...


def takes_context(ask: Callable[..., Any]) -> bool:
    """Whether an ``ask`` callable accepts a ``context`` keyword."""
    try:
        params = inspect.signature(ask).parameters
    except (TypeError, ValueError):
        return False
    return "context" in params


def context_of(answer: Any) -> Any:
    """What is passed on as the next turn's ``context``: the Answer's ``query`` when it has one, else the Answer."""
    q = getattr(answer, "query", None)
    return answer if q is None else q


class ReportQASystem:
    """The real assistant behind the :class:`QASystem` interface."""

    name = "reportqa"

    def __init__(self, settings: Settings) -> None:
        from assistant.assistant import Assistant

        t0 = time.perf_counter()
        self.assistant = Assistant(settings)
        self.build_seconds = time.perf_counter() - t0
        self.supports_context = takes_context(self.assistant.ask)

    def ask(self, question: str, agency: str | None = None, year: int | None = None) -> dict:
        a = self.assistant.ask(question, agency=agency, year=year)
        return a.to_json_dict() if hasattr(a, "to_json_dict") else dict(a)

    def ask_conversation(self, turns: Sequence[str], agency: str | None = None, year: int | None = None) -> dict:
        """Ask ``turns`` in order, each with the previous turn's result as ``context``; the last answer."""
        ctx: Any = None
        a: Any = None
        for i, turn in enumerate(turns):
            kw: dict[str, Any] = {"agency": agency, "year": year}
            if i:
                kw["context"] = ctx
            a = self.assistant.ask(turn, **kw)
            ctx = context_of(a)
        return a.to_json_dict() if hasattr(a, "to_json_dict") else dict(a)

    def close(self) -> None:
        for obj in (self.assistant, getattr(self.assistant, "index", None)):
            close = getattr(obj, "close", None)
            if callable(close):
                close()
                return


@dataclass
class SystemRun:
    system: str
    scores: list[QuestionScore]
    metrics: dict[str, Any]
    build_seconds: float | None = None
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class EvalRun:
    gold: str
    stamp: dict[str, Any]
    systems: dict[str, SystemRun]

    def metrics_dict(self) -> dict[str, Any]:
        return {
            "run": self.stamp,
            "systems": {name: {"overall": r.metrics["overall"], "by_type": r.metrics["by_type"],
                               "build_seconds": r.build_seconds, **r.info}
                        for name, r in self.systems.items()},
        }


# ---------------------------------------------------------------------------- stamp


def git_commit(root: Path = ROOT) -> dict[str, Any]:
    """The commit of the checkout and whether it has uncommitted changes (None outside git)."""
    def git(*args: str) -> str | None:
        try:
            r = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout.strip() if r.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {"cores": os.cpu_count(), "platform": platform.platform(),
                            "python": platform.python_version()}
    try:
        import psutil

        info["ram_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except Exception:  # pragma: no cover - psutil is a dependency, but the stamp must never fail
        info["ram_gb"] = None
    return info


def run_stamp(settings: Settings, gold_path: str | Path | None = None, n: int | None = None) -> dict[str, Any]:
    stamp: dict[str, Any] = {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "settings_hash": settings.index_hash(),
        "settings": settings.public_dict(),
        "model": {"embedding_model": settings.embedding_model, "llm": settings.llm},
        "git": git_commit(),
        "machine": machine_info(),
    }
    if gold_path is not None:
        stamp["gold"] = {"path": str(gold_path), "name": Path(gold_path).name,
                         "sha256": file_sha256(gold_path), "questions": n}
    return stamp


# ---------------------------------------------------------------------------- running


def run_system(system: QASystem, gold: Sequence[GoldQuestion], progress: ProgressFn | None = None,
               *, warmup: bool = True) -> list[QuestionScore]:
    """Ask every gold question (in order) and score the answers. A failing ask is scored wrong."""
    name = getattr(system, "name", "system")
    if warmup:
        for q in {q.type: q for q in reversed(gold)}.values():  # the first question of each type
            try:
                system.ask(q.question, agency=q.agency, year=q.year)
            except Exception:  # noqa: BLE001 - the timed pass records the error
                log.debug("warm-up question %s failed", q.id, exc_info=True)
    scores: list[QuestionScore] = []
    if progress:
        progress(name, 0, len(gold))
    conversational = bool(getattr(system, "supports_context", False))
    for i, q in enumerate(gold):
        passed: bool | None = None
        try:
            if q.context and conversational:
                t0 = time.perf_counter()
                got = system.ask_conversation([*q.context, q.question], agency=q.agency, year=q.year)  # type: ignore[attr-defined]
                ms = (time.perf_counter() - t0) * 1000 / (len(q.context) + 1)
                passed = True
            else:
                t0 = time.perf_counter()
                got = system.ask(q.question, agency=q.agency, year=q.year)
                ms = (time.perf_counter() - t0) * 1000
                passed = False if q.context else None
            err = None
        except Exception as e:  # noqa: BLE001 - one bad question must not end the run
            log.warning("%s: question %s failed: %s: %s", name, q.id, type(e).__name__, e)
            got, err = None, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            ms = (time.perf_counter() - t0) * 1000
        scores.append(score_question(q, got, latency_ms=ms, error=err, context_passed=passed))
        if progress:
            progress(name, i + 1, len(gold))
    return scores


def _index_has_reports(settings: Settings) -> bool:
    from ingest.stores.catalog import Catalog
    from ingest.stores.common import catalog_exists

    if not catalog_exists(Path(settings.index_dir)):
        return False
    cat = Catalog(Path(settings.index_dir))
    try:
        return bool(cat.committed_ids())
    finally:
        cat.close()


def _index_files(settings: Settings) -> list[Path]:
    from ingest.stores.catalog import Catalog
    from ingest.stores.common import catalog_exists

    if not catalog_exists(Path(settings.index_dir)):
        return []
    cat = Catalog(Path(settings.index_dir))
    try:
        return [Path(f.path) for f in cat.files() if f.report_id and Path(f.path).exists()]
    finally:
        cat.close()


def ingest_corpus(settings: Settings, corpus: Sequence[str | Path],
                  progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
    """Ingest ``corpus`` into the index (unchanged files skipped); a summary for the stamp."""
    from ingest.indexer import ingest_paths

    res = ingest_paths(settings, list(corpus), progress=progress)
    failed = [{"path": f.path, "reason": f.reason} for f in res.files if f.status == "failed"]
    for f in failed:
        log.warning("ingest failed for %s: %s", f["path"], f["reason"])
    return {"paths": [str(p) for p in corpus], "ingested": res.ingested, "unchanged": res.unchanged,
            "failed": res.failed, "failures": failed, "chunks": res.chunks, "seconds": res.seconds}


def make_system(name: str, settings: Settings, corpus: Sequence[str | Path] = ()) -> QASystem:
    if name == "reportqa":
        if not _index_has_reports(settings):
            raise ReportQAError(f"the index at {settings.index_dir} is empty or absent; give --corpus PATH "
                                "to ingest the gold set's reports first (or run `reportqa ingest`)")
        return ReportQASystem(settings)
    if name == "naive":
        from eval.naive import NaiveBaseline

        paths: Sequence[str | Path] = list(corpus) or _index_files(settings)
        if not paths:
            raise ReportQAError("the naive baseline needs the corpus files: give --corpus PATH "
                                f"(or an index at {settings.index_dir} whose files still exist)")
        return NaiveBaseline(settings, paths)
    raise ReportQAError(f"unknown system {name!r}; expected one of {', '.join(SYSTEMS)}")


def evaluate(settings: Settings, gold_path: str | Path, systems: Sequence[str] = ("reportqa",),
             corpus: Sequence[str | Path] = (), *, limit: int | None = None, progress: ProgressFn | None = None,
             ingest_progress: Callable[[int, int, str], None] | None = None,
             factory: Callable[[str, Settings, Sequence[str | Path]], QASystem] = make_system) -> EvalRun:
    """Run ``gold_path`` through each of ``systems`` and score it (see module doc)."""
    gold = load_gold(gold_path)
    if limit is not None:
        gold = gold[:limit]
    unknown = [s for s in systems if s not in SYSTEMS] if factory is make_system else []
    if unknown:
        raise ReportQAError(f"unknown system {unknown[0]!r}; expected one of {', '.join(SYSTEMS)}")
    stamp = run_stamp(settings, gold_path, len(gold))
    if corpus and "reportqa" in systems:
        stamp["ingest"] = ingest_corpus(settings, corpus, ingest_progress)
    runs: dict[str, SystemRun] = {}
    for name in systems:
        system = factory(name, settings, corpus)
        try:
            scores = run_system(system, gold, progress)
        finally:
            system.close()
        info: dict[str, Any] = {}
        if name == "naive":
            info = {"chunks": getattr(system, "chunks", None), "files": getattr(system, "files", None)}
        runs[name] = SystemRun(name, scores, summarize(scores), getattr(system, "build_seconds", None), info)
    return EvalRun(gold=str(gold_path), stamp=stamp, systems=runs)


# ---------------------------------------------------------------------------- output


def results_rows(run: EvalRun) -> list[dict]:
    """One row per (system, question): expected vs got, met/unmet citations, intent, latency."""
    rows = []
    for name, r in run.systems.items():
        for s in r.scores:
            rows.append({"system": name, **s.to_dict()})
    return rows


def write_outputs(run: EvalRun, out_dir: str | Path) -> dict[str, Path]:
    """Write metrics.json, results.jsonl, report.md and chart.png into ``out_dir``."""
    from eval.report import render_chart, render_markdown

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"metrics": out / "metrics.json", "results": out / "results.jsonl",
             "report": out / "report.md", "chart": out / "chart.png"}
    metrics = run.metrics_dict()
    paths["metrics"].write_text(json.dumps(metrics, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    with paths["results"].open("w", encoding="utf-8") as f:
        for row in results_rows(run):
            f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    render_chart(metrics, paths["chart"])
    paths["report"].write_text(render_markdown(metrics, results_rows(run), chart=paths["chart"].name), encoding="utf-8")
    return paths
