"""A real Chroma server (``chroma run``): ingest and retrieve through HttpClient (settings.chroma_url)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.errors import IndexError_
from ingest.index import ReportIndex
from ingest.indexer import ingest_paths

ROOT = Path(__file__).resolve().parents[2]
CHROMA = ROOT / ".venv" / "bin" / "chroma"

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.exists():
        pytest.skip(f"no chroma command at {CHROMA}")
    port = free_port()
    log = open(tmp_path / "chroma.log", "wb")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma server exited: {(tmp_path / 'chroma.log').read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma server did not start within 60 s")
            time.sleep(0.3)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)
        log.close()


def test_ingest_and_search_through_a_chroma_server(chroma_server, corpus_copy, fake_settings, index_state):
    s = fake_settings(chroma_url=chroma_server)
    res = ingest_paths(s, [corpus_copy / "seeds", corpus_copy / "raw" / "szfgs2024.pdf"])
    assert (res.ingested, res.failed) == (6, 0)
    assert not (Path(s.index_dir) / "chroma").exists()  # vectors went to the server, not the folder
    index_state(s).assert_consistent()

    with ReportIndex(s) as ix:
        rid = next(r.report_id for r in ix.reports() if r.agency == "淮安市人民政府")
        text = next(c for c in ix.chunks(rid) if c.kind == "text")
        hits = ix.search_dense(text.embed_text, 3)
        assert hits[0][0] == text and hits[0][1] == pytest.approx(1.0, abs=1e-4)
        assert {c.report_id for c, _ in ix.search_dense("申请", 5, {rid})} == {rid}

    # a second index on the same server gets its own collection
    other = fake_settings("index2", chroma_url=chroma_server)
    assert ingest_paths(other, [corpus_copy / "seeds"]).ingested == 5
    assert len(index_state(other).committed) == 5 and len(index_state(s).committed) == 6
    # unchanged run, then a changed file replaces its report on the server too
    seed = sorted((corpus_copy / "seeds").glob("001_*.txt"))[0]
    seed.write_text(seed.read_text("utf-8") + "\n补充说明。\n", encoding="utf-8")
    res = ingest_paths(s, [corpus_copy / "seeds", corpus_copy / "raw" / "szfgs2024.pdf"])
    assert (res.ingested, res.unchanged) == (1, 5)
    index_state(s).assert_consistent()


def test_unreachable_server_is_a_clear_error(fake_settings):
    s = fake_settings(chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(IndexError_, match="Chroma server"):
        ingest_paths(s, [])
