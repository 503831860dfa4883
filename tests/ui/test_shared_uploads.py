"""Shared use of the web app, in process: uploads (content-addressed, queued, in a child process),
messages without server paths, links disabled, long questions, login rate limit, safe start-up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.indexer import ingest_paths
from ingest.settings import Settings
from ui import render
from ui.serve_safety import LoginGuard, check_bindable, is_loopback, read_auth_file, resolve_auth
from ui.upload_flow import scrub

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def live(tmp_path, seed_paths):
    """Handlers over a real Assistant (fake embedder) on an index of two seeds."""
    from assistant import Assistant
    from ui.app import Handlers

    s = Settings(index_dir=tmp_path / "idx", embedding_model="fake", cache_dir=tmp_path / "cache")
    ingest_paths(s, seed_paths[:2])
    return Handlers(Assistant(s), s)


@pytest.mark.filterwarnings("ignore::UserWarning")  # gr.Info / gr.Warning outside a request
def test_two_different_files_with_one_name_are_two_reports_and_the_same_file_twice_is_one(live, tmp_path, seed_paths):
    a, b = tmp_path / "from-a" / "年报.txt", tmp_path / "from-b" / "年报.txt"
    for p, src in ((a, seed_paths[2]), (b, seed_paths[3])):
        p.parent.mkdir()
        p.write_bytes(src.read_bytes())
    md = live.ingest([str(a), str(b)])
    assert "新入库 2 个" in md, md
    rows, ids = live.reports_table()
    listed = [r for r in rows if r[2] == "年报.txt"]
    assert len(listed) == 2 and len({r[-1] for r in listed}) == 2  # both listed, told apart by their hash
    assert {r[0] for r in listed} == {"东关街道办事处", "海东市市直机关事务管理局"}
    again = live.ingest([str(a)])
    assert "新入库 0 个，未变化 1 个" in again
    assert len(live.reports_table()[0]) == 4
    assert str(tmp_path) not in md + again  # no server path in what the page shows


def test_messages_carry_no_server_paths_or_pids():
    msg = ("another ingest (pid 4242) is writing to the index at /srv/reportqa/index; wait for it to finish; "
           "same content as /srv/reportqa/index/uploads/ab12/年报.txt, indexed once")
    out = scrub(msg)
    assert "4242" not in out and "/srv" not in out and "年报.txt" in out and "index" in out


def test_report_text_renders_with_links_disabled():
    md = render.answer_markdown({"answer": "详见[政府网站](http://evil.example/p) 或 www.evil.cn，邮箱 a@b.cn [1]",
                                 "warnings": ["[点此](https://x.example)"], "citations": []})
    assert "](" not in md and "://" not in md and "www." not in md and "@" not in md
    assert '<sup class="rqa-ref">[1]</sup>' in md and "政府网站" in md


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_long_question_is_refused_with_a_message_not_cut(live, monkeypatch):
    import gradio as gr

    from ui.app import MAX_QUESTION_CHARS

    warned = []
    monkeypatch.setattr(gr, "Warning", lambda m, *a, **k: warned.append(m))
    q = "淮安市" + "的" * MAX_QUESTION_CHARS
    steps = list(live.chat(q, [], None, None, {}))
    assert len(steps) == 1 and steps[0][0] == []  # nothing asked
    from ui.web_assets import take_question_js  # and the page keeps it in the box to edit

    assert f"t.length > {MAX_QUESTION_CHARS}) return [same, same" in take_question_js(MAX_QUESTION_CHARS, "")
    assert warned and "问题过长" in warned[0] and str(MAX_QUESTION_CHARS) in warned[0]


def test_login_attempts_are_rate_limited():
    now = [0.0]
    g = LoginGuard("staff", "right", clock=lambda: now[0], delay_s=0.5)
    assert g.verify("staff", "right") == (True, 0.0)
    for _ in range(5):
        ok, wait = g.verify("staff", "wrong")
        assert not ok and wait >= 0.5
    assert g.verify("staff", "right")[0] is False  # locked: even the right password fails
    assert g.verify("other", "right")[0] is False
    now[0] += 301
    assert g.verify("staff", "right") == (True, 0.0)  # the lock expires


def test_login_from_env_or_file_never_the_command_line(tmp_path):
    f = tmp_path / "auth"
    f.write_text("staff:s3:cret\n", encoding="utf-8")
    assert resolve_auth(None, Settings(auth_file=f)) == ("staff", "s3:cret")
    assert resolve_auth(None, Settings(auth="a:b", auth_file=f)) == ("a", "b")
    assert resolve_auth(None, Settings()) is None
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    with pytest.raises(ValueError, match="空"):
        read_auth_file(tmp_path / "empty")


def _serve(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = {**os.environ, "REPORTQA_EMBEDDING_MODEL": "fake", "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "ui.cli", "serve", *args], cwd=ROOT, env=e, capture_output=True,
                          text=True, timeout=120)


def test_a_busy_port_is_one_line_and_exit_1_and_an_open_bind_without_login_is_warned(tmp_path):
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        s.listen()
        port = s.getsockname()[1]
        assert check_bindable("127.0.0.1", port) is not None
        r = _serve("--index", str(tmp_path / "idx"), "--host", "0.0.0.0", "--port", str(port))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert "警告" in lines[0] and "0.0.0.0" in lines[0] and "REPORTQA_AUTH_FILE" in lines[0]
    assert lines[-1].startswith("错误：") and f"端口 {port} 已被占用" in lines[-1]
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and not is_loopback("0.0.0.0")
