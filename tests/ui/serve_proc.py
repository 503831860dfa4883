"""`reportqa serve` as a child process for browser tests: started on an index, waited for, stopped."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.ui.test_e2e_browser import ROOT, _free_port, _wait_http


def serve_env(base: Path, **extra: str) -> dict:
    return {**os.environ, "REPORTQA_EMBEDDING_MODEL": "fake", "REPORTQA_FEEDBACK_FILE": str(base / "feedback.jsonl"),
            "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "REPORTQA_CACHE_DIR": str(base / "cache"), "ANONYMIZED_TELEMETRY": "False",
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost", **extra}


@contextlib.contextmanager
def serving(index: Path, base: Path, port: int | None = None, log_name: str = "server.log",
            **env: str) -> Iterator[dict]:
    """A server over ``index`` (fake embedder, cache and feedback in ``base``); yields {url, port, log, proc}."""
    port = port or _free_port()
    log = base / log_name  # a file, not a pipe: an unread pipe would block the server once full
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--index", str(index), "--port", str(port)],
                                cwd=ROOT, env=serve_env(base, **env), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, proc, log, timeout=120)
        yield {"url": url, "port": port, "log": log, "proc": proc}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
