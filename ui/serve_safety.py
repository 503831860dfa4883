"""Safe defaults of ``reportqa serve``: where the login comes from, login rate limiting, the bind check.

- The login: ``--auth`` (visible in ``ps``; a warning says so), ``REPORTQA_AUTH``,
  or a file named by ``REPORTQA_AUTH_FILE`` / ``--auth-file`` holding ``user:password``.
- Login attempts: every failure waits ``FAIL_DELAY_S`` (without blocking the
  server), a user name with ``MAX_FAILURES`` failures in ``WINDOW_S`` is locked
  for ``LOCK_S`` (even the right password fails meanwhile); so is a client
  address with ``MAX_FAILURES_ADDR`` failures in the window, whatever names it
  tried (the address the server sees: uvicorn takes ``X-Forwarded-For`` only
  from a proxy on 127.0.0.1); and when failures of all names together pass
  ``MAX_FAILURES_ALL`` in the window, every failure waits longer. Gradio hands
  the login check only the name and password, so :class:`LoginAddressMiddleware`
  passes the address of each ``/login`` request to it (a context variable).
- Binding: a non-loopback address without a login gets a warning; the address
  shown is the real one; a busy port is found before models load.
- The key of the conversations each browser keeps (:func:`browser_secret`): stable
  across restarts, from a setting or a file made once beside the index.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import contextvars
import hmac
import ipaddress
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

FAIL_DELAY_S = 0.5
MAX_FAILURES = 5
MAX_FAILURES_ALL = 30
MAX_FAILURES_ADDR = 10  # per client address, any names (several staff may share one address behind a NAT)
WINDOW_S = 300.0
LOCK_S = 300.0


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """'user:password' -> (user, password); None when unset; ValueError when malformed."""
    if not auth:
        return None
    user, sep, password = auth.strip("\r\n").partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth must be 'user:password'")
    return user, password


def read_auth_file(path: Path | str) -> str:
    """The first non-empty line of an auth file ('user:password'); ValueError with one Chinese line."""
    p = Path(path)
    try:
        lines = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except OSError as e:
        raise ValueError(f"无法读取登录文件 {p.name}：{e.strerror or e}") from None
    except UnicodeDecodeError:
        raise ValueError(f"登录文件 {p.name} 不是 UTF-8 文本") from None
    if not lines:
        raise ValueError(f"登录文件 {p.name} 是空的（应为一行 user:password）")
    return lines[0]


def resolve_auth(cli_auth: str | None, settings) -> tuple[str, str] | None:
    """The login to require: --auth / REPORTQA_AUTH, else the auth file; ValueError when malformed."""
    raw = cli_auth if cli_auth else getattr(settings, "auth", None)
    if not raw and getattr(settings, "auth_file", None):
        raw = read_auth_file(settings.auth_file)
    return parse_auth(raw)


_LOGIN_CLIENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("reportqa_login_client", default=None)


class LoginAddressMiddleware:
    """ASGI middleware: the client address of a ``/login`` request, for :class:`LoginGuard` (Gradio calls
    the login check with the name and password only). Every other request passes untouched."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or not str(scope.get("path", "")).rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        client = scope.get("client")
        token = _LOGIN_CLIENT.set(str(client[0]) if client else None)
        try:
            return await self.app(scope, receive, send)
        finally:
            _LOGIN_CLIENT.reset(token)


def login_middleware() -> list:
    """``app_kwargs={"middleware": login_middleware()}`` for ``Blocks.launch`` (FastAPI's constructor)."""
    from starlette.middleware import Middleware

    return [Middleware(LoginAddressMiddleware)]


class LoginGuard:
    """Checks (user, password) with rate limiting; ``check`` is the async callable Gradio's login awaits."""

    def __init__(self, user: str, password: str, *, clock: Callable[[], float] = time.monotonic,
                 delay_s: float = FAIL_DELAY_S):
        self._user, self._password = user, password
        self._clock = clock
        self._delay = delay_s
        self._fails: dict[str, deque[float]] = {}  # per user name
        self._addr_fails: dict[str, deque[float]] = {}  # per client address
        self._all: deque[float] = deque()
        self._locked_until: dict[str, float] = {}
        self._addr_locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def verify(self, username: str, password: str, client: str | None = None) -> tuple[bool, float]:
        """(accepted, seconds to wait before answering); ``client``: the address the attempt came from."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            if self._locked_until.get(username, 0.0) > now or \
                    (client is not None and self._addr_locked_until.get(client, 0.0) > now):
                return False, self._delay
            ok = hmac.compare_digest(username.encode(), self._user.encode()) and \
                hmac.compare_digest(password.encode(), self._password.encode())
            if ok:
                self._fails.pop(username, None)
                return True, 0.0
            fails = self._fails.setdefault(username, deque())
            fails.append(now)
            self._all.append(now)
            if len(fails) >= MAX_FAILURES:
                self._locked_until[username] = now + LOCK_S
                log.warning("login: user name locked for %.0f s after %d failed attempts", LOCK_S, len(fails))
            if client is not None:
                at = self._addr_fails.setdefault(client, deque())
                at.append(now)
                if len(at) >= MAX_FAILURES_ADDR and client not in self._addr_locked_until:
                    self._addr_locked_until[client] = now + LOCK_S
                    log.warning("login: a client address locked for %.0f s after %d failed attempts", LOCK_S,
                                len(at))
            wait = self._delay * (4 if len(self._all) > MAX_FAILURES_ALL else 1)
            return False, wait

    def _expire(self, now: float) -> None:
        for q in (*self._fails.values(), *self._addr_fails.values(), self._all):
            while q and now - q[0] > WINDOW_S:
                q.popleft()
        for locks in (self._locked_until, self._addr_locked_until):
            for name in [n for n, t in locks.items() if t <= now]:
                del locks[name]
        for table in (self._fails, self._addr_fails):
            for key in [k for k, q in table.items() if not q]:
                del table[key]

    def callable(self):
        async def check(username: str, password: str) -> bool:  # a coroutine function: Gradio awaits it
            ok, wait = self.verify(username, password, _LOGIN_CLIENT.get())
            if wait:
                await asyncio.sleep(wait)
            return ok

        return check


# ---------------------------------------------------------------------- binding


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
        except OSError:
            return False


def shown_addresses(host: str, port: int) -> list[str]:
    """The URLs the server really answers at: for 0.0.0.0 / :: every address of this machine."""
    if host not in ("0.0.0.0", "::", ""):
        h = f"[{host}]" if ":" in host else host
        return [f"http://{h}:{port}/"]
    addrs: list[str] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            a = str(info[4][0])
            if a not in addrs:
                addrs.append(a)
    except OSError:
        pass
    if "127.0.0.1" not in addrs:
        addrs.insert(0, "127.0.0.1")
    return [f"http://{a}:{port}/" for a in addrs]


def check_bindable(host: str, port: int) -> str | None:
    """None when ``host:port`` can be bound now; else one line (Chinese) saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as e:
        if e.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            return f"端口 {port} 已被占用（{host}:{port}）；请用 --port 换一个端口，或先停止占用它的程序"
        return f"无法绑定 {host}:{port}：{e.strerror or e}"
    return None


SECRET_FILE = ".web-state-secret"


def browser_secret(settings) -> str:
    """The key of the conversations saved in the browser (``gr.BrowserState``): ``web_state_secret`` when set,
    else the one in ``<index>/.web-state-secret`` (made once, mode 0600), else in the cache folder (an index folder
    that cannot be written), else a new one for this run only, said in the log. The same key after a restart is
    what lets a browser read back its saved conversations."""
    if getattr(settings, "web_state_secret", None):
        return str(settings.web_state_secret)
    index = Path(settings.index_dir)
    where = [index / SECRET_FILE,
             Path(settings.cache_dir) / f"web-state-secret-{hashlib.sha256(str(index.resolve()).encode()).hexdigest()[:12]}"]
    for path in where:
        try:
            return _read_or_make(path)
        except OSError as e:
            log.info("browser store key not kept in %s: %s", path, e)
    log.warning("保存在浏览器中的对话本次无法长期保存：索引目录和缓存目录都不可写，服务重启后将无法读回。")
    return secrets.token_urlsafe(24)


def _read_or_make(path: Path) -> str:
    key = _read_key(path)
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(24)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key + "\n")
    try:
        os.link(tmp, path)  # of two servers starting at once, the first keeps its key and the other reads it
    except FileExistsError:
        theirs = _read_key(path)
        if theirs:
            tmp.unlink()
            return theirs
        os.replace(tmp, path)  # a damaged file (empty, too short) is replaced
        return key
    tmp.unlink()
    return key


def _read_key(path: Path) -> str | None:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return key if len(key) >= 16 else None
