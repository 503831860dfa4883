"""`reportqa serve` as a child process for browser tests: started on an index, waited for, stopped. The browser
tests' shared settings (Chromium, its flags, the screenshot folder) are here too."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("REPORTQA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENS = Path(os.environ.get("REPORTQA_SCREENS_DIR", "/tmp/reportqa-screens"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, n: int = 3000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-n:]
    except OSError:
        return ""


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - local test server
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"server did not answer at {url} within {timeout}s:\n{_tail(log)}")


def serve_env(base: Path, **extra: str) -> dict:
    return {**os.environ, "REPORTQA_EMBEDDING_MODEL": "fake", "REPORTQA_FEEDBACK_FILE": str(base / "feedback.jsonl"),
            "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "REPORTQA_CACHE_DIR": str(base / "cache"), "ANONYMIZED_TELEMETRY": "False",
            "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost", **extra}


@contextlib.contextmanager
def serving(index: Path, base: Path, port: int | None = None, log_name: str = "server.log", timeout: float = 120,
            **env: str) -> Iterator[dict]:
    """A server over ``index`` (fake embedder, cache and feedback in ``base``); yields {url, port, log, proc}."""
    port = port or _free_port()
    log = base / log_name  # a file, not a pipe: an unread pipe would block the server once full
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--index", str(index), "--port", str(port)],
                                cwd=ROOT, env=serve_env(base, **env), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, proc, log, timeout=timeout)
        yield {"url": url, "port": port, "log": log, "proc": proc}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
