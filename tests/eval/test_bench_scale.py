"""eval.bench_scale end to end on a tiny synthetic corpus with the fake embedder: a finished run, and the warm
asks timed on the index a stopped run leaves (``--asks-only``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench(work: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "eval.bench_scale", "--sizes", "8", "--formats", "txt,md", "--embedding-model",
           "fake", "--work", str(work), "--questions", "5", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_a_run_and_asks_on_the_index_a_stopped_run_left(tmp_path):
    work, out = tmp_path / "work", tmp_path / "BENCH.md"
    done = _bench(work, "--keep-index", "--log-every", "4", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    (result,) = work.glob("bench-*.json")
    r = json.loads(result.read_text(encoding="utf-8"))
    assert r["ingest"]["ingested"] == 8 and r["ask"]["table"]["questions"] == 5
    assert "| 8 | txt/md | `fake`" in out.read_text(encoding="utf-8")

    # as if the run had been stopped: its partial figures and its index remain, its result does not
    result.unlink()
    asked = _bench(work, "--asks-only")
    assert asked.returncode == 0, asked.stderr[-2000:]
    (partial,) = work.glob("partial-*.json")
    ask = json.loads(partial.read_text(encoding="utf-8"))["ask"]
    assert ask["reports_held"] == 8 and ask["table"]["questions"] == 5 and ask["table"]["answer_accuracy"] == 1.0
    from eval.bench_scale_report import render_partial

    page = render_partial([json.loads(partial.read_text(encoding="utf-8"))])
    assert "| 8 | `fake` | 8 | table | 5 |" in page and "| narrative |" in page
    rendered = _bench(work, "--render-only", "--out", str(out))
    assert rendered.returncode != 0 and "no bench-*.json" in rendered.stderr  # nothing finished: said, not a blank page


def test_asks_only_without_a_stopped_run_says_so(tmp_path):
    res = _bench(tmp_path / "empty", "--asks-only")
    assert res.returncode != 0 and "no stopped run to ask" in res.stderr
