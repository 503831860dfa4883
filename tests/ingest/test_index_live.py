"""A live index: commits by another thread or process are seen without reopening; ingest never blocks
questions; the ingest queue and its child process; content-addressed uploads and their retention."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingest.indexer import ingest_paths
from ingest.index import ReportIndex
from ingest.stores.lock import IndexLock
from ingest.uploads import remove_expired, store_upload, uploads_dir
from ingest.worker import IngestQueue, run_in_subprocess

ROOT = Path(__file__).resolve().parents[2]


def _cli_ingest(settings, *paths: Path, json_out: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "REPORTQA_EMBEDDING_MODEL": "fake", "REPORTQA_CACHE_DIR": str(settings.cache_dir),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "ui.cli", "ingest", *map(str, paths), "--index",
                           str(settings.index_dir), *(["--json"] if json_out else [])], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_an_open_index_sees_another_process_commit_in_every_store(fake_settings, seed_paths):
    s = fake_settings()
    ingest_paths(s, seed_paths[:1])
    with ReportIndex(s) as ix:
        before = ix.version
        assert len(ix.reports()) == 1
        ix.search_dense("申请", 3)  # the Chroma handle is open before the other process writes
        r = _cli_ingest(s, seed_paths[1])
        assert r.returncode == 0, r.stderr
        infos = ix.reports()
        assert len(infos) == 2 and ix.version > before
        new = next(i for i in infos if i.source == seed_paths[1].name)
        assert ix.cells(report_ids=[new.report_id])  # SQL
        chunk = next(c for c in ix.chunks(new.report_id) if c.kind == "text")
        assert ix.search_dense(chunk.embed_text, 1)[0][0] == chunk  # Chroma, reopened
        assert any(c.report_id == new.report_id for c, _ in ix.search_bm25(chunk.text, 5))  # BM25, rebuilt


class _SlowEmbedder:
    """The fake embedder, slowed down: an ingest that takes seconds."""

    def __init__(self, settings, delay: float):
        from ingest.embeddings import get_embedder

        self.inner = get_embedder(settings)
        self.delay = delay
        self.dim = getattr(self.inner, "dim", None)

    def embed_passages(self, texts):
        time.sleep(self.delay)
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_questions_are_answered_while_the_same_process_ingests(fake_settings, seed_paths):
    from assistant import Assistant

    s = fake_settings(embedding_batch_size=4)  # small embed groups: many slow embed calls
    ingest_paths(s, seed_paths[:2])
    a = Assistant(s)
    q = a.example_questions(1)[0]
    a.index._embedder = _SlowEmbedder(s, delay=0.4)
    t = threading.Thread(target=a.ingest, args=(seed_paths[2:],), daemon=True)
    t.start()
    time.sleep(0.3)
    latencies = []
    while t.is_alive() and len(latencies) < 20:
        t0 = time.perf_counter()
        ans = a.ask(q)
        latencies.append(time.perf_counter() - t0)
        assert ans.answerable, ans.answer
        time.sleep(0.05)
    assert t.is_alive() or len(latencies) >= 3, "the ingest ended before questions could be timed"
    t.join(120)
    assert max(latencies) < 1.0, latencies
    assert len(a.reports()) == 5  # the ingest's reports, seen at once


def test_queue_runs_jobs_in_order_one_at_a_time():
    running, order = [], []

    def run(paths, progress):
        running.append(1)
        assert len(running) == 1
        progress(0, 1, str(paths[0]))
        time.sleep(0.2)
        order.append(paths[0].name)
        running.pop()
        from ingest.indexer import IngestResult

        return IngestResult()

    q = IngestQueue(run)
    jobs = [q.submit([Path(f"/x/{i}.txt")]) for i in range(3)]
    assert q.ahead_of(jobs[2]) >= 1
    assert all(j.wait(10) for j in jobs)
    assert order == ["0.txt", "1.txt", "2.txt"] and all(j.state == "done" for j in jobs)


@pytest.mark.slow
def test_child_process_ingest_relays_progress_and_waits_for_the_lock(fake_settings, seed_paths):
    s = fake_settings()
    ingest_paths(s, [])
    lock = IndexLock(Path(s.index_dir))
    lock.acquire()  # as if the CLI were ingesting
    seen: list[str] = []
    out: dict = {}
    t = threading.Thread(target=lambda: out.setdefault("r", run_in_subprocess(
        s, seed_paths[:2], progress=lambda d, n, c: seen.append(c))), daemon=True)
    t.start()
    deadline = time.monotonic() + 60
    while not any("等待另一个入库任务" in c for c in seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    lock.release()
    t.join(120)
    res = out["r"]
    assert any("等待另一个入库任务" in c for c in seen)
    assert res.ingested == 2 and res.failed == 0
    assert {Path(c).name for c in seen if c.endswith(".txt")} == {p.name for p in seed_paths[:2]}


def test_a_child_that_dies_is_one_chinese_line_and_the_index_is_intact(fake_settings, seed_paths, monkeypatch):
    from ingest.errors import IndexError_
    from ingest.indexer import CRASH_ENV

    s = fake_settings()
    ingest_paths(s, seed_paths[:1])
    monkeypatch.setenv(CRASH_ENV, "parsed:1")  # the child kills itself (SIGKILL) after its first parse
    with pytest.raises(IndexError_) as e:
        run_in_subprocess(s, seed_paths[1:2])
    assert "入库进程意外退出" in str(e.value) and "\n" not in str(e.value)
    monkeypatch.delenv(CRASH_ENV)
    with ReportIndex(s) as ix:
        assert [i.source for i in ix.reports()] == [seed_paths[0].name]


def test_uploads_are_content_addressed(tmp_path):
    root = tmp_path / "uploads"
    a, b = tmp_path / "a" / "年报.txt", tmp_path / "b" / "年报.txt"
    for p, text in ((a, "甲机关的报告"), (b, "乙机关的报告")):
        p.parent.mkdir()
        p.write_text(text, encoding="utf-8")
    pa, pb = store_upload(a, "年报.txt", root), store_upload(b, "年报.txt", root)
    assert pa != pb and pa.name == pb.name == "年报.txt"  # one name, two contents: two files
    assert store_upload(a, "年报.txt", root) == pa  # the same file again: one
    assert pa.read_text(encoding="utf-8") == "甲机关的报告" and pb.read_text(encoding="utf-8") == "乙机关的报告"
    assert len(list(root.iterdir())) == 2


def test_old_uploads_are_removed_but_not_busy_ones_and_prune_keeps_their_reports(fake_settings, seed_paths):
    s = fake_settings()
    root = uploads_dir(Path(s.index_dir))
    old = store_upload(seed_paths[0], "旧.txt", root)
    busy = store_upload(seed_paths[1], "忙.txt", root)
    new = store_upload(seed_paths[2], "新.txt", root)
    ingest_paths(s, [old])
    ten_days = time.time() - 10 * 86400
    for p in (old, busy):
        os.utime(p.parent, (ten_days, ten_days))
    gone = remove_expired(root, 7, keep=[busy])
    assert gone == [old.parent] and not old.exists() and busy.exists() and new.exists()
    assert remove_expired(root, 0) == []  # 0 = keep forever
    res = ingest_paths(s, [], prune=True)
    assert res.pruned == []  # the report of a removed upload stays answerable
    with ReportIndex(s) as ix:
        assert len(ix.reports()) == 1


def test_skipped_symlinks_are_listed(fake_settings, seed_paths, tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.txt").write_bytes(seed_paths[0].read_bytes())
    (d / "loop1").symlink_to(d / "loop2")
    (d / "loop2").symlink_to(d / "loop1")
    (d / "up").symlink_to(tmp_path)
    (d / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    s = fake_settings()
    res = ingest_paths(s, [d])
    assert res.ingested == 1
    reasons = dict(line.split(": ", 1) for line in res.skipped)
    assert "循环" in reasons[str(d / "loop1")] and "循环" in reasons[str(d / "loop2")]
    assert "文件夹" in reasons[str(d / "up")] and "不存在" in reasons[str(d / "gone.txt")]
    r = _cli_ingest(s, d, json_out=False)  # listed on stderr (and in --json's "skipped")
    assert r.returncode == 0 and "符号链接循环" in r.stderr and "loop1" in r.stderr, r.stderr
