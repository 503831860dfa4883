"""eval/bench_bm25.py over a real index (the five seed reports): both builds index the same chunks into the same
number of matrix entries, and the figures come out as JSON; a missing index is a clear error, not a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ingest.indexer import ingest_paths
from ingest.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_both_builds_index_the_same_chunks(tmp_path, seeds_dir):
    index = tmp_path / "idx"
    res = ingest_paths(Settings(index_dir=index, embedding_model="fake"), [seeds_dir])
    assert res.ingested == 5
    out = subprocess.run([sys.executable, "-m", "eval.bench_bm25", "--index", str(index), "--rounds", "1", "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    runs = json.loads(out.stdout)["runs"]
    assert [r["variant"] for r in runs] == ["lists", "streamed"]
    assert runs[0]["docs"] == runs[1]["docs"] == res.chunks > 200
    assert runs[0]["entries"] == runs[1]["entries"] > 0
    assert all(r["peak_rss_mb"] > 0 and r["seconds"] >= 0 for r in runs)


def test_a_missing_index_is_named(tmp_path):
    out = subprocess.run([sys.executable, "-m", "eval.bench_bm25", "--index", str(tmp_path / "none")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "没有找到索引" in out.stderr and "Traceback" not in out.stderr
