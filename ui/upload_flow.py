"""The 报告 tab's upload path: store uploads content-addressed, queue them for ingest, follow the job.

Nothing here holds a lock questions need: the job runs on the index's ingest
queue (one at a time; in a child process for the real assistant), the
uploader's request only watches its progress, and every session sees a report
as soon as its commit lands (the index watches its catalog).

Messages shown to users never carry server paths or process ids (``scrub``).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ingest.uploads import remove_expired, safe_name, store_upload, uploads_dir
from ingest.worker import IngestJob, IngestQueue

log = logging.getLogger(__name__)

ALLOWED_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md", ".markdown")  # = ingest.readers.SUPPORTED
POLL_S = 0.25

_PID = re.compile(r"\s*[（(]\s*pid\s*\d+\s*[)）]", re.IGNORECASE)
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s/\\:;,'\"()（）`]+)+[/\\]?")


def scrub(text: Any) -> str:
    """A message fit for a web page: absolute paths cut to their last part, process ids removed."""
    s = _PID.sub("", str(text or ""))

    def last(m: re.Match) -> str:
        parts = [p for p in re.split(r"[/\\]", m.group(0)) if p]
        return parts[-1] if parts else ""

    return _PATH.sub(last, s)


def run_niced(run: Callable, nice: int) -> Callable:
    """``run`` on a thread of its own whose CPU niceness is ``nice`` higher (Linux: niceness is per thread), joined.
    A process inherits the niceness of the thread that starts it, so an ingest's child process starts low: its
    interpreter start and imports (about 0.8 s of CPU) ran at full priority before the child lowered its own
    (ingest.worker), beside the questions of every user. The queue's own thread keeps its priority for what it
    does after a job (the index refresh, which holds the locks questions take)."""
    if nice <= 0 or not sys.platform.startswith("linux"):
        return run

    def niced(*args: Any, **kw: Any) -> Any:
        box: dict[str, Any] = {}

        def job() -> None:
            try:
                tid = threading.get_native_id()
                os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
            except OSError as e:
                log.info("ingest thread not niced: %s", e)
            try:
                box["result"] = run(*args, **kw)
            except BaseException as e:  # noqa: BLE001 - raised in the queue's thread
                box["error"] = e

        t = threading.Thread(target=job, name="reportqa-ingest-job", daemon=True)
        t.start()
        t.join()
        if "error" in box:
            raise box["error"]
        return box.get("result")

    return niced


class Uploads:
    """Saving and ingesting uploads for one index (shared by all sessions of the app)."""

    def __init__(self, settings: Any, run: Callable, *, after_job: Callable[[], None] | None = None):
        self.settings = settings
        self.root = uploads_dir(Path(settings.index_dir))
        self._after = after_job
        self.queue = IngestQueue(run_niced(run, int(getattr(settings, "ingest_nice", 0) or 0)),
                                 after_job=self._housekeeping)
        self.clean()

    # -------------------------------------------------------------- housekeeping

    def clean(self) -> list[Path]:
        """Remove uploads older than ``upload_retention_days`` (never those of a queued or running job)."""
        days = float(getattr(self.settings, "upload_retention_days", 0) or 0)
        busy = [p for j in ([self.queue.current] if self.queue.current else []) for p in j.paths]
        gone = remove_expired(self.root, days, keep=busy)
        if gone:
            log.info("removed %d uploads older than %s days", len(gone), days)
        return gone

    def _housekeeping(self) -> None:
        if self._after is not None:
            self._after()
        self.clean()

    # -------------------------------------------------------------- one upload request

    def save(self, files: Sequence[Any]) -> tuple[list[tuple[Path, str]], list[dict]]:
        """Check and store each file: ([(stored path, original name)], [failed outcomes])."""
        limit = int(self.settings.upload_max_mb) * 1024 * 1024
        accepted: list[tuple[Path, str]] = []
        rejected: list[dict] = []
        for f in files:
            src = Path(getattr(f, "name", f))
            name = safe_name(getattr(f, "orig_name", None) or src.name)
            if Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
                rejected.append({"path": name, "status": "failed",
                                 "reason": "不支持的文件类型（只接受 PDF、DOCX、HTML、Markdown、TXT）"})
                continue
            try:
                if src.stat().st_size > limit:
                    rejected.append({"path": name, "status": "failed",
                                     "reason": f"文件超过 {self.settings.upload_max_mb} MB 的上限"})
                    continue
                accepted.append((store_upload(src, name, self.root), name))
            except OSError as e:
                log.warning("cannot store upload %s: %s", name, e)
                rejected.append({"path": name, "status": "failed",
                                 "reason": f"无法保存上传的文件：{scrub(e.strerror or e)}"})
        return accepted, rejected

    def submit(self, accepted: list[tuple[Path, str]], *, agency: str | None = None,
               year: int | None = None) -> IngestJob:
        """Queue the stored files; ``agency`` / ``year`` override what the parser identifies (every file of the job),
        as ``reportqa ingest --agency/--year`` does."""
        options = {k: v for k, v in (("agency", agency), ("year", year)) if v is not None}
        return self.queue.submit([p for p, _ in accepted], [n for _, n in accepted], options=options)

    def follow(self, job: IngestJob, progress: Callable | None = None, timeout: float | None = None) -> None:
        """Wait for ``job``, reporting its place in the queue and then its progress."""
        t_end = None if timeout is None else time.monotonic() + timeout
        while not job.wait(POLL_S):
            if t_end is not None and time.monotonic() > t_end:
                return
            if progress is None:
                continue
            ahead = self.queue.ahead_of(job)
            if ahead:
                progress(0.0, desc=f"排队中：前面还有 {ahead} 个入库任务")
                continue
            current = scrub(job.current) if job.current else ""
            progress((job.done, max(job.total, 1)), desc=f"正在入库：{current or '准备中'}", unit="个文件")

    def outcomes(self, job: IngestJob, rejected: list[dict]) -> list[dict]:
        """Per-file outcomes under their original names (the stored path is the server's business)."""
        names = {str(p): n for p, n in zip(job.paths, job.names, strict=True)}
        out = list(rejected)
        if job.result is None:
            return out
        for f in job.result.files:
            d = f.model_dump(mode="json") if hasattr(f, "model_dump") else dict(f)
            d["path"] = names.get(str(d.get("path")), Path(str(d.get("path") or "")).name)
            if d.get("reason"):
                d["reason"] = scrub(d["reason"])
            out.append(d)
        return out
