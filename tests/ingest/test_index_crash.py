"""Crash safety: ``reportqa ingest`` killed with SIGKILL at each stage, then run again.

The indexer honours ``REPORTQA_TEST_CRASH_AFTER=<stage>:<n>`` by killing itself
the n-th time it passes ``stage``. After each crash the committed reports must
be whole in every store; after the re-run every report must be in Chroma,
BM25 and SQLite exactly once, with nothing else left over.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.stores.bm25 import covers_hash
from ingest.stores.lock import IndexLock
from tests.ingest.conftest import read_index_state

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture
def crash_corpus(tmp_path, seed_paths, pdf_paths) -> Path:
    """Five seeds and one real PDF, copied (tests modify them)."""
    root = tmp_path / "corpus"
    root.mkdir()
    for p in [*seed_paths, next(p for p in pdf_paths if p.name == "szfgs2024.pdf")]:
        shutil.copy2(p, root / p.name)
    return root


def run_ingest(corpus: Path, index: Path, *extra: str, crash: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "REPORTQA_EMBEDDING_MODEL": "fake", "REPORTQA_EMBEDDING_BATCH_SIZE": "2",
           "REPORTQA_CACHE_DIR": str(index.parent / "cache")}
    env.pop("REPORTQA_TEST_CRASH_AFTER", None)
    if crash:
        env["REPORTQA_TEST_CRASH_AFTER"] = crash
    return subprocess.run([sys.executable, "-m", "ui.cli", "ingest", str(corpus), "--index", str(index), "--json",
                           *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def settings_for(index: Path):
    from ingest.settings import Settings

    return Settings(index_dir=index, embedding_model="fake", embedding_batch_size=2, cache_dir=index.parent / "cache")


def assert_committed_whole(index: Path):
    """What a crash may leave: committed reports whole in SQLite and Chroma (uncommitted vectors may
    remain, invisible to queries); BM25 either covers exactly the committed set or is detectably stale."""
    st = read_index_state(settings_for(index))
    assert len(st.reports) == len(set(st.reports))
    assert set(st.sql_chunks) == st.committed
    for rid in st.committed:  # every text chunk has its vector (rows have none: ingest.chunking.DENSE_KINDS)
        assert st.chroma.get(rid) == st.sql_dense[rid], f"committed report {rid} not whole in Chroma"
    if st.bm25_covers == covers_hash(st.committed):
        assert sorted(st.bm25_keys or []) == sorted((r, c) for r, cs in st.sql_chunks.items() for c in cs)
    return st


def assert_dense_complete(index: Path) -> None:
    """Dense search (Chroma's vector index, not just its metadata) reaches every chunk of every committed report."""
    from ingest.chunking import DENSE_KINDS
    from ingest.index import ReportIndex

    with ReportIndex(settings_for(index)) as ix:
        for info in ix.reports():
            texts = {c.id for c in ix.chunks(info.report_id) if c.kind in DENSE_KINDS}
            hits = ix.search_dense("政府信息公开", info.chunks + 10, {info.report_id})
            assert texts and {c.id for c, _ in hits} == texts, info.source


# (crash point, what happens before the crashing run)
CASES = [
    ("parsed:3", None),          # third file parsed, nothing of it written
    ("chroma_add:5", None),      # part of a report's vectors in Chroma (16 a write), not committed
    ("vectors:2", None),         # all vectors of the 2nd report written, SQLite commit not done
    ("commit:2", None),          # 2nd report committed, BM25 not rebuilt
    ("commit:1", "modify"),      # a changed file's new report committed; the old one's vectors still there
    ("cleanup:1", "modify"),     # old vectors deleted, BM25 not rebuilt
    ("bm25_tmp:1", None),        # new BM25 generation written, CURRENT not switched
    ("bm25:1", "modify"),        # CURRENT switched, old generation not yet removed
    ("prune:1", "prune"),        # files forgotten in SQLite, their vectors not yet deleted
]


@pytest.mark.parametrize(("crash", "before"), CASES, ids=[c for c, _ in CASES])
def test_sigkill_then_rerun(crash, before, crash_corpus, tmp_path):
    index = tmp_path / "index"
    expected = sorted(p.name for p in crash_corpus.iterdir())
    if before:
        first = run_ingest(crash_corpus, index)
        assert first.returncode == 0, first.stderr
        if before == "modify":
            for name in expected[1:4:2]:  # two seeds change
                p = crash_corpus / name
                p.write_text(p.read_text("utf-8") + "\n（修订）本报告于次年一月补充说明。\n", encoding="utf-8")
        else:
            gone = crash_corpus / expected[0]
            gone.unlink()
            expected.remove(gone.name)

    crashed = run_ingest(crash_corpus, index, *(["--prune"] if before == "prune" else []), crash=crash)
    assert crashed.returncode == -signal.SIGKILL, (crashed.returncode, crashed.stderr[-2000:])
    after_crash = assert_committed_whole(index)
    assert_dense_complete(index)
    committed_after_crash = after_crash.committed
    orphans = set(after_crash.chroma) - committed_after_crash
    if crash.split(":")[0] in ("chroma_add", "vectors") or (crash, before) in (("commit:1", "modify"),
                                                                            ("prune:1", "prune")):
        assert orphans, "the crash should have left vectors of an uncommitted report"  # the case is exercised

    rerun = run_ingest(crash_corpus, index, *(["--prune"] if before == "prune" else []))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    out = json.loads(rerun.stdout)
    assert out["failed"] == 0 and out["ingested"] + out["unchanged"] == len(expected)
    # what was committed before the crash is not redone
    unchanged_ids = {f["report_id"] for f in out["files"] if f["status"] == "unchanged"}
    assert unchanged_ids <= committed_after_crash

    st = read_index_state(settings_for(index))
    st.assert_consistent()
    assert sorted(src for _, _, src in st.reports) == expected  # every report exactly once
    assert_dense_complete(index)
    assert len(st.committed) == len(expected)
    if crash == "commit:2":  # and a third run has nothing to do (checked once: each run costs seconds)
        third = json.loads(run_ingest(crash_corpus, index).stdout)
        assert (third["ingested"], third["unchanged"]) == (0, len(expected))


def test_repeated_crashes_then_rerun(crash_corpus, tmp_path):
    """Several crashes in a row at different points, then one clean run."""
    index = tmp_path / "index"
    for crash in ("chroma_add:3", "commit:1", "chroma_add:2", "vectors:1", "bm25_tmp:1"):
        res = run_ingest(crash_corpus, index, crash=crash)
        assert res.returncode == -signal.SIGKILL, (crash, res.stderr[-2000:])
        assert_committed_whole(index)
    res = run_ingest(crash_corpus, index)
    assert res.returncode == 0, res.stderr[-2000:]
    st = read_index_state(settings_for(index))
    st.assert_consistent()
    assert sorted(src for _, _, src in st.reports) == sorted(p.name for p in crash_corpus.iterdir())


def test_second_ingest_process_is_refused(crash_corpus, tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    lock = IndexLock(index)
    lock.acquire()
    try:
        res = run_ingest(crash_corpus, index)
    finally:
        lock.release()
    assert res.returncode == 1
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "another ingest" in lines[0] and f"pid {os.getpid()}" in lines[0]
    assert run_ingest(crash_corpus, index).returncode == 0


def test_reader_in_another_process_sees_new_reports(crash_corpus, tmp_path):
    """A long-lived reader (the web app) and ``reportqa ingest`` run in separate processes."""
    from ingest.chunking import DENSE_KINDS
    from ingest.index import ReportIndex

    first = tmp_path / "first"
    first.mkdir()
    files = sorted(crash_corpus.iterdir())
    shutil.copy2(files[0], first / files[0].name)
    index = tmp_path / "index"
    assert run_ingest(first, index).returncode == 0
    with ReportIndex(settings_for(index)) as ix:
        assert len(ix.search_dense("政府信息公开", 5)) == 5  # Chroma opened and loaded
        assert run_ingest(crash_corpus, index).returncode == 0  # another process adds five reports
        infos = ix.reports()
        assert len(infos) == len(files)
        for info in infos:
            texts = {c.id for c in ix.chunks(info.report_id) if c.kind in DENSE_KINDS}
            hits = ix.search_dense("政府信息公开", info.chunks + 10, {info.report_id})
            assert texts and {c.id for c, _ in hits} == texts, info.source
            assert ix.search_bm25("政府信息公开", 3, {info.report_id})
