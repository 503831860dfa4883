"""eval/bench_load.py: the seeds left out for the uploads, latencies split by the upload's window, and (integration)
a small run end to end: staff processes over the chat path and /ask, an upload mid-run, 0 errors."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from eval.bench_load import PATHS, UPLOAD_SEEDS, _summary, corpus_files, grow_report, questions_to_ask

ROOT = Path(__file__).resolve().parents[2]


def test_the_upload_seeds_are_left_out_of_the_index_in_run_order(tmp_path):
    seeds = tmp_path / "corpus" / "seeds"
    seeds.mkdir(parents=True)
    for name in ("000_a.txt", "002_c.txt", "003_d.txt", "004_e.txt", "README.md"):
        (seeds / name).write_text("x", encoding="utf-8")
    (tmp_path / "corpus" / "004_not_a_seed.txt").write_text("x", encoding="utf-8")  # not under seeds/: indexed
    files, left = corpus_files([tmp_path / "corpus"], UPLOAD_SEEDS[:2])
    assert [f.name for f in left] == ["004_e.txt", "003_d.txt"]
    assert sorted(f.name for f in files) == ["000_a.txt", "002_c.txt", "004_not_a_seed.txt"]


def test_a_grown_report_keeps_its_text_and_reaches_the_size(tmp_path):
    src = tmp_path / "r.txt"
    src.write_text("某某区人民政府\n2021年政府信息公开工作年度报告\n", encoding="utf-8")
    out = grow_report(src, tmp_path / "big.txt", size=20_000)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("某某区人民政府\n2021年") and len(text.encode()) >= 20_000


def test_requests_overlapping_the_upload_are_counted_during_it(tmp_path):
    upload = tmp_path / "u.txt"
    upload.write_text("x" * 10, encoding="utf-8")
    # (start, end, ms, gold type, client, n-th, question, assistant ms)
    done = [(0.0, 0.1, 100.0, "table", 0, 0, "q1", 1.0),   # before the upload
            (0.9, 1.2, 300.0, "table", 0, 1, "q2", 2.0),   # starts before, ends during
            (1.5, 1.6, 100.0, "narrative", 1, 0, "q3", None),  # inside
            (2.5, 2.6, 100.0, "table", 1, 1, "q4", 3.0)]   # after
    res = _summary("u", "chat", 2, 2, done, [], [5.0], 3.0, (0.0, 1.0), (0.4, 2.0), upload,
                   {"start": 1.0, "end": 2.0, "summary": "新入库 1 个"})
    assert res["requests"] == 4 and res["errors"] == 0 and res["path_description"] == PATHS["chat"]
    assert res["upload"]["during"]["all"]["n"] == 2 and res["upload"]["during"]["table"]["n"] == 1
    assert res["upload"]["during"]["table"]["max"] == 300.0
    assert res["upload"]["apart"]["table"]["n"] == 2 and res["upload"]["ingested"]
    assert res["client_cpu_ms_per_request"] == 100.0 and res["server_cpu_ms_per_request"] == 250.0
    assert res["assistant_latency_ms"]["p95"] is not None



def test_a_client_keeps_asking_until_the_upload_ends_and_no_longer():
    order = [("q1", "table"), ("q2", "narrative")]
    done = threading.Event()
    asked = []
    for i, q, kind in questions_to_ask(order, done):
        asked.append((i, q))
        if len(asked) == 5:
            done.set()
    assert asked == [(0, "q1"), (1, "q2"), (2, "q1"), (3, "q2"), (4, "q1")]  # the set, then again until set
    done.set()
    assert [q for _, q, _ in questions_to_ask(order, done)] == ["q1", "q2"]  # upload already over: the set only
    assert [q for _, q, _ in questions_to_ask(order, None)] == ["q1", "q2"]  # no upload
    assert list(questions_to_ask([], threading.Event())) == []  # nothing to ask: no endless loop


def test_keeping_on_asking_stops_at_its_time_limit_even_if_the_upload_never_ends():
    ticks = iter(range(100))
    got = list(questions_to_ask([("q", "table")], threading.Event(), limit_s=3, clock=lambda: next(ticks)))
    assert len(got) == 3  # the set question, then two more before 3 s (the fake clock ticks 1 s per look)


def test_requests_past_the_set_are_counted(tmp_path):
    done = [(0.0, 0.1, 10.0, "table", 0, i, "q", 1.0) for i in range(7)]
    res = _summary("u", "chat", 2, 2, done, [], [], 1.0, (0.0, None), (0.0, None), None, {})
    assert res["requests"] == 7 and res["requests_past_the_set"] == 3


@pytest.mark.integration
def test_a_small_load_run_end_to_end(tmp_path, seeds_dir, raw_dir):
    corpus = [seeds_dir, raw_dir]
    r = subprocess.run([sys.executable, "-m", "eval.bench_load", "--embedding", "fake", "--clients", "2",
                        "--questions", "3", "--upload-after", "0", "--index", str(tmp_path / "index"), "--corpus",
                        *map(str, corpus), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr[-2000:] + r.stdout[-2000:]
    res = json.loads(r.stdout)
    assert res["errors"] == 0
    assert [x["path"] for x in res["runs"]] == ["chat", "api"]
    # the set questions, and those asked past them while the upload ran; some ran during the upload in every run
    assert all(x["requests"] == 6 + x["requests_past_the_set"] for x in res["runs"]) and res["solo"]["requests"] == 3
    assert all(x["upload"]["during"]["all"]["n"] >= 2 for x in res["runs"])
    assert res["baseline_without_upload"]["requests_past_the_set"] == 0
    assert all(x["upload"]["ingested"] for x in res["runs"])  # one grown seed per run, each a new report
    assert res["runs"][0]["server_cpu_ms_per_request"] > 0
