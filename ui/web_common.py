"""Small helpers every web handler uses: one-line errors for the user, the filter values, the safe wrapper."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import gradio as gr

from ui.upload_flow import scrub

log = logging.getLogger(__name__)

AGENCY_ALL = "全部机关"
YEAR_ALL = "全部年度"


def _friendly(exc: BaseException) -> str:
    """One line for the user; never a traceback."""
    from ingest.errors import ReportQAError

    if isinstance(exc, ReportQAError):
        return scrub(exc)
    if isinstance(exc, TimeoutError):
        return "处理超时，请稍后重试。"
    return f"处理时出错（{type(exc).__name__}），详情已记录在服务器日志中。"


def _year(value: Any) -> int | None:
    if value in (None, "", YEAR_ALL):
        return None
    try:
        return int(str(value).strip().rstrip("年"))
    except ValueError:
        return None


def _agency(value: Any) -> str | None:
    v = (str(value).strip() if value is not None else "")
    return None if v in ("", AGENCY_ALL) else v



def _safe(fn: Callable) -> Callable:
    """Any unexpected exception becomes a one-line gr.Error (no traceback in the page)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as e:  # noqa: BLE001
            log.exception("handler %s failed", getattr(fn, "__name__", fn))
            raise gr.Error(_friendly(e), print_exception=False) from None

    return wrapper
