"""One writer per index: an advisory lock (flock) on ``index_dir/ingest.lock``.

The kernel drops the lock when the process dies, even by SIGKILL, so a crashed
ingest never leaves the index locked.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from ingest.errors import IndexError_

LOCK_FILE = "ingest.lock"


class IndexLockedError(IndexError_):
    """Another ingest holds the index's lock."""


class IndexLock:
    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self, *, blocking: bool = False) -> bool:
        """Take the lock. Non-blocking: raise IndexError_ when another process holds it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = ""
            try:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            except OSError:
                pass
            os.close(fd)
            who = f" (pid {holder})" if holder else ""
            raise IndexLockedError(f"another ingest{who} is writing to the index at {self.path.parent}; "
                              "wait for it to finish and try again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return True

    def try_acquire(self) -> bool:
        try:
            return self.acquire()
        except IndexError_:
            return False

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> IndexLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
