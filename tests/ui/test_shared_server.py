"""Shared use against a real server (``reportqa serve`` on 127.0.0.1, gradio_client, fake embedder):
questions answered in < 1 s while a 1 MB upload ingests; a report ingested by the CLI in another process
answered by the running server within 2 s of its commit."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.ui.serve_proc import serving

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_SEED = "004_"  # left out of the index, uploaded (grown to 1 MB)
CLI_SEED = "003_"  # left out of the index, ingested by the CLI while the server runs
MB = 1024 * 1024


def _env(extra: dict | None = None) -> dict:
    return {**os.environ, "REPORTQA_EMBEDDING_MODEL": "fake", "GRADIO_ANALYTICS_ENABLED": "False",
            "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost", "PYTHONPATH": str(ROOT), **(extra or {})}


def grow_to_1mb(src: Path, out: Path) -> Path:
    """The report's own text, then numbered work items (varied, report-like sentences) up to 1 MiB."""
    text = src.read_text(encoding="utf-8").rstrip() + "\n"
    lines, size, i = [], len(text.encode()), 0
    while size < MB:
        i += 1
        line = (f"{i}. 第{i}项工作：本单位召开第{i}次政务公开专题会议，研究部署公开目录第{i % 97}类事项的更新与维护，"
                f"形成会议纪要{i % 13 + 1}份。")
        lines.append(line)
        size += len(line.encode()) + 1
    out.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeds_dir, raw_dir):
    pytest.importorskip("gradio_client")
    from ingest.indexer import ingest_paths
    from ingest.settings import Settings

    base = tmp_path_factory.mktemp("shared")
    index = base / "index"
    keep = [p for p in sorted(seeds_dir.glob("*.txt")) if not p.name.startswith((UPLOAD_SEED, CLI_SEED))]
    res = ingest_paths(Settings(index_dir=index, embedding_model="fake"), keep + sorted(raw_dir.glob("*.pdf")))
    assert res.failed == 0, res.files
    with serving(index, base, timeout=180) as srv:
        yield {**srv, "index": index, "base": base}


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False)


def _agency(path: Path) -> str:
    from ingest.parse import parse_file

    return parse_file(path).agency


def test_questions_are_answered_in_under_a_second_while_a_1mb_upload_ingests(server, seeds_dir):
    from gradio_client import handle_file

    src = next(seeds_dir.glob(f"{UPLOAD_SEED}*.txt"))
    big = grow_to_1mb(src, server["base"] / "张店区2021年报（完整版）.txt")
    assert big.stat().st_size >= MB
    asker, uploader = _client(server["url"]), _client(server["url"])
    q = "东关街道办事处2021年新收政府信息公开申请多少件？"  # a table question over a report already indexed
    assert asker.predict(q, None, None, api_name="/ask")["answerable"]
    result: dict = {}

    def upload():
        t0 = time.perf_counter()
        result["md"] = uploader.predict([handle_file(str(big))], api_name="/ingest")
        result["s"] = time.perf_counter() - t0

    t = threading.Thread(target=upload, daemon=True)
    t.start()
    time.sleep(0.5)
    latencies = []
    while t.is_alive():
        t0 = time.perf_counter()
        ans = asker.predict(q, None, None, api_name="/ask")
        latencies.append(time.perf_counter() - t0)
        assert ans["answerable"] and "0" in ans["answer"], ans
        time.sleep(0.1)
    t.join()
    print(f"upload of {big.stat().st_size / MB:.2f} MB took {result['s']:.1f} s; {len(latencies)} questions meanwhile: "
          f"max {max(latencies) * 1000:.0f} ms, median {sorted(latencies)[len(latencies) // 2] * 1000:.0f} ms")
    assert "新入库 1 个" in result["md"], result["md"]
    assert len(latencies) >= 5, "the upload ended before questions could be timed"
    assert max(latencies) < 1.0, latencies
    agency = _agency(src)
    after = asker.predict(f"{agency}2021年新收政府信息公开申请多少件？", None, None, api_name="/ask")
    assert after["answerable"], after  # the upload's report is answered by every client at once


def test_a_cli_ingest_is_answered_by_the_running_server_within_2_s(server, seeds_dir):
    src = next(seeds_dir.glob(f"{CLI_SEED}*.txt"))
    agency = _agency(src)
    asker = _client(server["url"])
    q = f"{agency}2021年新收政府信息公开申请多少件？"
    assert not asker.predict(q, None, None, api_name="/ask")["answerable"]  # not held yet
    committed: dict = {}
    stop = threading.Event()

    def watch_commit():  # when the CLI's commit lands, read off the catalog itself
        db = sqlite3.connect(f"file:{server['index'] / 'catalog.sqlite'}?mode=ro", uri=True)
        while not stop.is_set():
            if db.execute("SELECT 1 FROM reports WHERE agency=?", (agency,)).fetchone():
                committed["t"] = time.perf_counter()
                return
            time.sleep(0.01)

    w = threading.Thread(target=watch_commit, daemon=True)
    w.start()
    cli = subprocess.Popen([sys.executable, "-m", "ui.cli", "ingest", str(src), "--index", str(server["index"]),
                            "--json"], cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    w.join(300)  # the commit lands while the CLI still runs (BM25, exit): ask from then on
    stop.set()
    assert "t" in committed, cli.communicate(timeout=60)[1]
    tries = []
    while True:
        t_ask = time.perf_counter() - committed["t"]
        ans = asker.predict(q, None, None, api_name="/ask")
        tries.append((round(t_ask, 3), round(time.perf_counter() - committed["t"], 3), ans["answerable"],
                      ans.get("latency_ms")))
        if ans["answerable"]:
            delay = time.perf_counter() - committed["t"]
            break
        assert time.perf_counter() - committed["t"] < 10, f"the server never saw the CLI's report: {tries}"
        time.sleep(0.05)
    print(f"CLI ingest answered by the running server {delay * 1000:.0f} ms after its commit "
          f"(asked at, answered at, answerable, server ms: {tries})")
    assert cli.wait(timeout=300) == 0, cli.stderr.read() if cli.stderr else ""
    assert delay < 2.0, tries
