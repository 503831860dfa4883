"""Login attempts are limited per client address as well as per user name (ui/serve_safety.LoginGuard), on the
guard itself and through a real server's /login (the address uvicorn sees; X-Forwarded-For from 127.0.0.1)."""

from __future__ import annotations

import socket
import threading

import pytest

from ingest.settings import Settings
from tests.ui.fake_assistant import FakeAssistant
from ui.serve_safety import LOCK_S, MAX_FAILURES, MAX_FAILURES_ADDR, WINDOW_S, LoginGuard


def _guard():
    now = [0.0]
    return LoginGuard("staff", "right", clock=lambda: now[0], delay_s=0.5), now


def test_an_address_trying_many_names_is_locked_and_others_are_not():
    g, now = _guard()
    for i in range(MAX_FAILURES_ADDR):  # a different name each time: no name reaches its own limit
        ok, wait = g.verify(f"user{i}", "guess", "10.0.0.5")
        assert not ok and wait >= 0.5
    assert g.verify("staff", "right", "10.0.0.5")[0] is False  # locked: even the right login fails from there
    assert g.verify("staff", "right", "10.0.0.6") == (True, 0.0)  # another address: untouched
    now[0] += LOCK_S + 1
    assert g.verify("staff", "right", "10.0.0.5") == (True, 0.0)  # the lock expires


def test_fewer_failures_than_the_limit_or_spread_over_the_window_do_not_lock_the_address():
    g, now = _guard()
    for i in range(MAX_FAILURES_ADDR - 1):
        g.verify(f"user{i}", "guess", "10.0.0.7")
    assert g.verify("staff", "right", "10.0.0.7") == (True, 0.0)
    now[0] += WINDOW_S + 1  # the old failures leave the window
    g.verify("nobody", "guess", "10.0.0.7")
    assert g.verify("staff", "right", "10.0.0.7") == (True, 0.0)


def test_the_name_limit_still_holds_from_many_addresses():
    g, _ = _guard()
    for i in range(MAX_FAILURES):
        g.verify("staff", "wrong", f"10.0.1.{i}")
    assert g.verify("staff", "right", "10.0.2.1")[0] is False  # the name is locked wherever the attempt comes from
    assert g.verify("staff", "right", None)[0] is False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_server_locks_the_address_that_guessed_not_the_others(tmp_path):
    import httpx

    from ui.app import build_app, launch

    settings = Settings(index_dir=tmp_path / "idx", embedding_model="fake", auth="staff:pw123")
    app = build_app(FakeAssistant(settings), settings)
    port = _free_port()
    launch(app, settings, port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/login"

    def login(user: str, pw: str, addr: str) -> int:
        return httpx.post(url, data={"username": user, "password": pw}, headers={"X-Forwarded-For": addr},
                          timeout=30).status_code

    try:
        codes: list[int] = []
        threads = [threading.Thread(target=lambda i=i: codes.append(login(f"guess{i}", "x", "203.0.113.9")))
                   for i in range(MAX_FAILURES_ADDR)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert codes == [400] * MAX_FAILURES_ADDR
        assert login("staff", "pw123", "203.0.113.9") == 400  # that address is locked out
        assert login("staff", "pw123", "203.0.113.10") == 200  # a colleague elsewhere logs in
    finally:
        app.close()
