"""Ingest off the request path: a queue of ingest jobs run one at a time per index, each in a child process.

``IngestQueue(run)`` keeps the jobs of one index in order and runs them on
one background thread; the job records progress (done / total / current file)
for whoever submitted it, and its result. ``run_in_subprocess`` is the usual
``run``: it starts ``python -m ingest.worker`` with the settings and paths on
stdin, reads progress and the result back as JSON lines on stdout. The child
runs at a lower CPU priority, so questions answered by the parent win the
cores; a hostile file can take only the child's memory; a commit the child
makes is seen by the parent's index through its catalog watch
(:meth:`ingest.index.ReportIndex.refresh`).

When another ingest (the CLI) holds the index's lock, the child waits for it
(``ingest_lock_wait_s``) instead of failing the upload.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IndexError_, ReportQAError
from ingest.indexer import IngestResult, ProgressFn
from ingest.settings import Settings

log = logging.getLogger(__name__)

Runner = Callable[[list[Path], ProgressFn], IngestResult]


# ---------------------------------------------------------------------- the queue


@dataclass
class IngestJob:
    """One submitted batch of files. ``state``: queued -> running -> done | failed."""

    paths: list[Path]
    names: list[str]
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    state: str = "queued"
    done: int = 0
    total: int = 0
    current: str = ""
    result: IngestResult | None = None
    error: str | None = None
    options: dict = field(default_factory=dict)  # keyword arguments for the runner (e.g. agency / year overrides)
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    _event: threading.Event = field(default_factory=threading.Event, repr=False)

    def wait(self, timeout: float | None = None) -> bool:
        """True once the job is done or failed."""
        return self._event.wait(timeout)

    @property
    def over(self) -> bool:
        return self._event.is_set()


class IngestQueue:
    """Jobs of one index, run in submission order on one daemon thread."""

    def __init__(self, run: Runner, *, after_job: Callable[[], None] | None = None):
        self._run = run
        self._after = after_job
        self._jobs: deque[IngestJob] = deque()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self.current: IngestJob | None = None

    def submit(self, paths: Sequence[Path], names: Sequence[str] | None = None, *,
               options: dict | None = None) -> IngestJob:
        job = IngestJob(paths=list(paths), names=list(names or [p.name for p in paths]), total=len(paths),
                        options=dict(options or {}))
        with self._cond:
            self._jobs.append(job)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="reportqa-ingest-queue", daemon=True)
                self._thread.start()
            self._cond.notify()
        return job

    def ahead_of(self, job: IngestJob) -> int:
        """Jobs that run before ``job`` (the running one included); 0 once it runs."""
        with self._cond:
            if job.state != "queued":
                return 0
            waiting = list(self._jobs)
            n = waiting.index(job) if job in waiting else 0
            return n + (1 if self.current is not None else 0)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._jobs:
                    if not self._cond.wait(timeout=60):
                        if not self._jobs:  # idle: let the thread end; submit() starts another
                            self._thread = None
                            return
                job = self._jobs.popleft()
                self.current = job
            self._execute(job)
            with self._cond:
                self.current = None
            if self._after is not None:
                try:
                    self._after()
                except Exception:  # noqa: BLE001 - housekeeping must not stop the queue
                    log.exception("after-job hook failed")

    def _execute(self, job: IngestJob) -> None:
        job.state, job.started = "running", time.time()

        def progress(done: int, total: int, current: str) -> None:
            job.done, job.total, job.current = done, total, current

        try:
            job.result = self._run(job.paths, progress, **job.options)
            job.state = "done"
        except ReportQAError as e:
            job.error, job.state = str(e), "failed"
        except Exception as e:  # noqa: BLE001 - one bad job must not stop the queue
            log.exception("ingest job %s failed", job.id)
            job.error, job.state = f"入库失败（{type(e).__name__}）", "failed"
        finally:
            job.finished = time.time()
            job._event.set()


# ---------------------------------------------------------------------- the child process


def run_in_subprocess(settings: Settings, paths: Sequence[Path], progress: ProgressFn | None = None, *,
                      agency: str | None = None, year: int | None = None) -> IngestResult:
    """``ingest_paths(settings, paths)`` in a child process; progress relayed; the result returned.
    Raises IndexError_ (one line, in Chinese) when the child fails or dies."""
    request = {"settings": json.loads(settings.model_dump_json()), "paths": [str(p) for p in paths],
               "overrides": {"agency": agency, "year": year}}
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    with tempfile.TemporaryFile() as errlog:
        proc = subprocess.Popen([sys.executable, "-m", "ingest.worker"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=errlog, env=env, cwd=root, text=True,
                                encoding="utf-8")
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(request, ensure_ascii=False))
        proc.stdin.close()
        result: IngestResult | None = None
        error: str | None = None
        last = (0, len(paths))
        for line in proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if "progress" in msg and progress is not None:
                done, total, current = msg["progress"]
                last = (int(done), int(total))
                progress(*last, str(current))
            elif "note" in msg and progress is not None:  # a slow file, a skipped link: shown as the current step
                progress(*last, str(msg["note"]))
            elif "result" in msg:
                result = IngestResult.model_validate(msg["result"])
            elif "error" in msg:
                error = str(msg["error"])
        code = proc.wait()
        if result is not None:
            return result
        if error:
            raise IndexError_(error)
        errlog.seek(0)
        tail = errlog.read()[-2000:].decode("utf-8", "replace")
    log.warning("ingest child exited with %s: %s", code, tail)
    why = "内存不足或被系统终止" if code is not None and code < 0 else f"退出码 {code}"
    raise IndexError_(f"入库进程意外退出（{why}），本次上传的文件未入库；已入库的报告不受影响。")


def _child() -> int:
    """``python -m ingest.worker``: one request on stdin, JSON lines on stdout."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    out = sys.stdout

    def emit(obj: dict) -> None:
        out.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
        out.flush()

    try:
        req = json.loads(sys.stdin.read())
        settings = Settings(**req["settings"])
        paths = [Path(p) for p in req["paths"]]
        overrides = {k: v for k, v in (req.get("overrides") or {}).items() if v}
    except Exception as e:  # noqa: BLE001
        emit({"error": f"入库请求无法读取（{type(e).__name__}）"})
        return 2
    try:
        os.nice(settings.ingest_nice)  # questions in the parent win the CPU
    except (OSError, AttributeError):
        pass
    from ingest.indexer import ingest_paths
    from ingest.stores.lock import IndexLockedError

    deadline = time.monotonic() + settings.ingest_lock_wait_s
    while True:
        try:
            res = ingest_paths(settings, paths, progress=lambda d, t, c: emit({"progress": [d, t, c]}),
                               note=lambda m: emit({"note": m}), **overrides)
            break
        except IndexLockedError:
            if time.monotonic() > deadline:
                emit({"error": "另一个入库任务长时间占用该索引，请稍后再试。"})
                return 1
            emit({"progress": [0, len(paths), "等待另一个入库任务完成…"]})
            time.sleep(2)
        except ReportQAError as e:
            emit({"error": str(e)})
            return 1
    emit({"result": res.model_dump(mode="json")})
    return 0


if __name__ == "__main__":
    sys.exit(_child())
