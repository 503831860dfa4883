"""An upload's ingest runs at lower CPU priority from its first instruction (ui.upload_flow.run_niced): the child
process it starts inherits the niceness of the thread that starts it; the queue's own thread, which refreshes the
index after a job, keeps its priority."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from ingest.errors import IndexError_
from ingest.settings import Settings
from ui.upload_flow import Uploads

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux's")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_ingest_child_starts_niced_and_the_queue_thread_keeps_its_priority(tmp_path):
    seen: dict = {}
    base = _nice()

    def run(paths, progress, **kw):  # what ingest.worker.run_in_subprocess does first: start a child process
        seen["thread"] = _nice()
        out = subprocess.run([sys.executable, "-c", "import os; print(os.nice(0))"], capture_output=True, text=True,
                             check=True)
        seen["child"] = int(out.stdout)
        return None

    def after():
        seen["after"] = _nice()

    up = Uploads(Settings(index_dir=tmp_path / "idx", ingest_nice=7), run, after_job=after)
    job = up.submit([(tmp_path / "a.txt", "a.txt")])
    assert job.wait(30)
    for _ in range(300):  # after_job runs once the job is over
        if "after" in seen:
            break
        threading.Event().wait(0.01)
    assert job.state == "done", job.error
    assert seen == {"thread": min(19, base + 7), "child": min(19, base + 7), "after": base}


def test_an_ingest_error_still_reaches_the_uploader(tmp_path):
    def run(paths, progress, **kw):
        raise IndexError_("另一个入库任务长时间占用该索引，请稍后再试。")

    up = Uploads(Settings(index_dir=tmp_path / "idx", ingest_nice=5), run)
    job = up.submit([(tmp_path / "a.txt", "a.txt")])
    assert job.wait(30)
    assert job.state == "failed" and job.error == "另一个入库任务长时间占用该索引，请稍后再试。"
