"""Optional phrasing of answers by a chat model, with every number verified.

Deterministic answers are the default and stay exact. When ``settings.llm``
names a chat model (``openai:MODEL`` for any OpenAI-compatible endpoint such as
DeepSeek or Qwen, or ``ollama:MODEL``), :func:`phrase` asks it to rephrase the
deterministic answer from the numbered evidence only, then checks the result:

* citation markers ``[n]`` naming no evidence are removed (with a warning);
* the answer must cite at least one piece of evidence;
* every number in the answer must occur in the evidence it cites (after
  normalising ``3,119`` -> ``3119`` and full-width digits), be a year or an
  ordinal found in the question or any evidence, appear in the question, or
  be a value the assistant computed itself (in the deterministic answer but in
  no evidence, e.g. a sum).

Anything else -- an invented number, no citation, an error, a timeout, a
missing package -- returns the deterministic answer plus a warning. Calls run
in a daemon worker thread under a wall-clock bound, so a stalled server never
hangs the caller.

The LangChain integrations are optional extras (``pip install 'reportqa[llm]'``)
and imported lazily.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from assistant.llm_config import INSTALL_HINT, clear_model_cache, get_chat_model, llm_enabled
from assistant.llm_verify import (
    W_EMPTY,
    W_INVENTED,
    W_NO_CITATION,
    W_REFUSED,
    W_UNKNOWN_IDS,
    PhrasingRejected,
    _computed_numbers,
    _fallback,
    _settle,
    strip_think,
    verify,
)
from assistant.models import Answer, Citation, Evidence
from ingest.errors import ModelUnavailableError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from ingest.settings import Settings

logger = logging.getLogger(__name__)

__all__ = [
    "INSTALL_HINT",
    "W_EMPTY",
    "W_INVENTED",
    "W_NO_CITATION",
    "W_REFUSED",
    "W_UNKNOWN_IDS",
    "PhrasingRejected",
    "SYSTEM_PROMPT",
    "build_messages",
    "clear_model_cache",
    "format_evidence",
    "get_chat_model",
    "llm_enabled",
    "phrase",
    "stream_phrase",
    "stream_summarise",
    "strip_think",
    "summarise",
    "summary_base",
    "verify",
]


# --- warnings shown to the user (Chinese: the audience reads Chinese) -------------------------
W_TIMEOUT = "语言模型在{seconds:g}秒内没有回答，已改用确定性答案"
W_ERROR = "语言模型调用失败（{reason}），已改用确定性答案"
W_UNAVAILABLE = "语言模型不可用（{reason}），已改用确定性答案"

SYSTEM_PROMPT = (
    "你是政府信息公开工作年度报告的问答助手。\n"
    "1. 只能依据用户消息中编号的证据回答，不得使用其他知识。\n"
    "2. 每句陈述后用方括号标注所依据的证据编号，如[1]或[1][2]。\n"
    "3. 不得写出证据中没有的数字，不要自行计算、换算或估计；数字照抄证据。\n"
    "4. 如果证据不足以回答问题，只回答“证据不足”。\n"
    "5. 用简洁、通顺的中文回答，不要重复问题。"
)


# Grace added to the client's own timeout before the wall-clock bound fires.
_GRACE_SECONDS = 0.5
# A streamed answer may take at most this many times ``llm_timeout`` in total.
_STREAM_TOTAL_FACTOR = 4.0


# ============================================================================ prompt


def _label(ev: Evidence) -> str:
    return f"{ev.agency}｜{ev.year}年度报告"


def format_evidence(evidence: Sequence[Evidence]) -> str:
    """The numbered evidence block sent to the model, one line per item.

    Cells give agency, year, table, row, column and the value (never the row's
    quote: table numbers come from the cells). Text gives agency, year, section
    and the quoted sentence.
    """
    lines: list[str] = []
    for n, ev in enumerate(evidence, start=1):
        if ev.kind == "cell":
            value = ev.value if ev.value not in (None, "") else (str(ev.number) if ev.number is not None else "未填报")
            lines.append(f"[{n}] {_label(ev)}｜{ev.table or '表格'}｜行：{ev.row or ''}｜列：{ev.column or ''}｜数值：{value}")
        else:
            where = f"｜{ev.section}" if ev.section else ""
            lines.append(f"[{n}] {_label(ev)}{where}｜原文：“{ev.quote.strip()}”")
    return "\n".join(lines)


def build_messages(question: str, evidence: Sequence[Evidence], reference: str | None = None) -> list[BaseMessage]:
    """System + user messages: the question, the numbered evidence, optionally the system's own answer."""
    from langchain_core.messages import HumanMessage, SystemMessage

    parts = [f"问题：{question.strip()}", "", "证据：", format_evidence(evidence)]
    if reference:
        parts += ["", "系统根据证据得出的答案（可改写措辞，数字不得改动）：", reference.strip()]
    parts += ["", "请根据以上证据回答问题，并在每句后标注证据编号。"]
    return [SystemMessage(content=SYSTEM_PROMPT), HumanMessage(content="\n".join(parts))]


# ============================================================================ calling the model


class _Timeout(Exception):
    """The wall-clock bound around a model call expired."""


def _error_warning(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, _Timeout) or "timeout" in type(exc).__name__.lower() or isinstance(exc, TimeoutError):
        return W_TIMEOUT.format(seconds=timeout)
    if isinstance(exc, ModelUnavailableError):
        return W_UNAVAILABLE.format(reason=str(exc))
    status = getattr(exc, "status_code", None)
    reason = type(exc).__name__ + (f" {status}" if status else "")
    return W_ERROR.format(reason=reason)


def _run_bounded(fn: Callable[[], Any], timeout: float) -> Any:
    """Run ``fn`` in a daemon thread; raise :class:`_Timeout` after ``timeout`` seconds."""
    box: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def work() -> None:
        try:
            box.put((True, fn()))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box.put((False, exc))

    threading.Thread(target=work, name="reportqa-llm", daemon=True).start()
    try:
        ok, value = box.get(timeout=timeout)
    except queue.Empty:
        raise _Timeout(f"no answer within {timeout:g}s") from None
    if not ok:
        raise value
    return value


def _stream_bounded(chat: BaseChatModel, messages: list[BaseMessage], idle: float,
                    total: float) -> Generator[str, None, None]:
    """Text deltas of ``chat.stream`` from a daemon thread, bounded per gap and in total."""
    box: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        try:
            for chunk in chat.stream(messages):
                if stop.is_set():
                    return
                box.put(("chunk", chunk.text))
            box.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            box.put(("error", exc))

    threading.Thread(target=work, name="reportqa-llm-stream", daemon=True).start()
    deadline = time.monotonic() + total
    try:
        while True:
            wait = min(idle, deadline - time.monotonic())
            if wait <= 0:
                raise _Timeout(f"streamed answer took longer than {total:g}s")
            try:
                kind, value = box.get(timeout=wait)
            except queue.Empty:
                raise _Timeout(f"no output for {wait:g}s") from None
            if kind == "end":
                return
            if kind == "error":
                raise value
            if value:
                yield value
    finally:
        stop.set()


def _message_text(message: Any) -> str:
    text = getattr(message, "text", None)
    if isinstance(text, str):
        return text
    content = getattr(message, "content", message)
    return content if isinstance(content, str) else str(content)


def _resolve_model(settings: Settings | None, model: BaseChatModel | None) -> BaseChatModel | None:
    """The explicit model, else the configured one, else None (raises if configured but unusable)."""
    if model is not None:
        return model
    if settings is None or not llm_enabled(settings):
        return None
    return get_chat_model(settings)


def _timeout_of(settings: Settings | None) -> float:
    return float(getattr(settings, "llm_timeout", 20.0) or 20.0)


def _visible(full: str) -> str:
    """What may be shown of a partial streamed answer: no reasoning, no half-written ``<think>`` tag."""
    text = strip_think(full)
    for k in range(len("<think>") - 1, 0, -1):
        if text.endswith("<think>"[:k]):
            return text[:-k].lstrip()
    return text.lstrip()


# ============================================================================ public API


def phrase(question: str, base: Answer, evidence: list[Evidence], settings: Settings | None, *,
           model: BaseChatModel | None = None) -> Answer:
    """Let the chat model phrase ``base`` from ``evidence``; verified, or ``base`` plus a warning.

    ``base.citations[i]`` corresponds to ``evidence[i]`` (citation id ``i+1``).
    Without a configured model (and no ``model``), or when ``base`` is not
    answerable, ``base`` is returned unchanged and no model is called.
    """
    return _phrase(question, base, evidence, settings, model=model, reference=True)


def _phrase(question: str, base: Answer, evidence: list[Evidence], settings: Settings | None, *,
            model: BaseChatModel | None, reference: bool) -> Answer:
    if not base.answerable or not evidence:
        return base
    timeout = _timeout_of(settings)
    try:
        chat = _resolve_model(settings, model)
        if chat is None:
            return base
        messages = build_messages(question, evidence, base.answer if reference else None)
        started = time.monotonic()
        message = _run_bounded(lambda: chat.invoke(messages), timeout + _GRACE_SECONDS)
        logger.info("model answered in %.2fs", time.monotonic() - started)
    except Exception as exc:  # noqa: BLE001 - any failure falls back
        logger.warning("model call failed (%s: %s); using the deterministic answer", type(exc).__name__, exc)
        return _fallback(base, _error_warning(exc, timeout))
    computed = _computed_numbers(base, evidence) if reference else set()
    return _settle(question, base, evidence, _message_text(message), computed)


def stream_phrase(question: str, base: Answer, evidence: list[Evidence], settings: Settings | None, *,
                  model: BaseChatModel | None = None) -> Iterator[str | Answer]:
    """Like :func:`phrase`, streaming: yields text deltas, then the verified :class:`Answer` last.

    The final Answer may be the deterministic fallback: a UI should replace the
    streamed text with the final answer's text. Without a model only the final
    Answer (``base``) is yielded.
    """
    yield from _stream_phrase(question, base, evidence, settings, model=model, reference=True)


def _stream_phrase(question: str, base: Answer, evidence: list[Evidence], settings: Settings | None, *,
                   model: BaseChatModel | None, reference: bool) -> Iterator[str | Answer]:
    if not base.answerable or not evidence:
        yield base
        return
    timeout = _timeout_of(settings)
    full = ""
    shown = ""
    stream: Generator[str, None, None] | None = None
    try:
        chat = _resolve_model(settings, model)
        if chat is None:
            yield base
            return
        messages = build_messages(question, evidence, base.answer if reference else None)
        stream = _stream_bounded(chat, messages, timeout + _GRACE_SECONDS, timeout * _STREAM_TOTAL_FACTOR)
        for delta in stream:
            full += delta
            visible = _visible(full)
            if visible.startswith(shown) and len(visible) > len(shown):
                yield visible[len(shown):]
                shown = visible
    except Exception as exc:  # noqa: BLE001 - any failure falls back
        logger.warning("model stream failed (%s: %s); using the deterministic answer", type(exc).__name__, exc)
        yield _fallback(base, _error_warning(exc, timeout))
        return
    finally:
        if stream is not None:
            stream.close()
    computed = _computed_numbers(base, evidence) if reference else set()
    yield _settle(question, base, evidence, full, computed)


def summary_base(question: str, evidence: Sequence[Evidence]) -> Answer:
    """The deterministic answer to a summary question: the evidence listed per agency and year.

    Used as the fallback of :func:`summarise` (every line cites its evidence).
    """
    if not evidence:
        return Answer(question=question, answer="证据不足：没有检索到可用于概括的内容。", answerable=False,
                      intent="summary")
    groups: dict[tuple[str, int], list[str]] = {}
    for n, ev in enumerate(evidence, start=1):
        if ev.kind == "cell":
            line = f"{ev.table or ''} {ev.row or ''}（{ev.column or ''}）：{ev.value or '未填报'} [{n}]"
        else:
            where = f"{ev.section}：" if ev.section else ""
            line = f"{where}“{ev.quote.strip()}” [{n}]"
        groups.setdefault((ev.agency, ev.year), []).append(line.strip())
    blocks = [f"{agency} {year}年：\n" + "\n".join(f"- {x}" for x in lines) for (agency, year), lines in groups.items()]
    agencies = {ev.agency for ev in evidence}
    years = {ev.year for ev in evidence}
    return Answer(
        question=question,
        answer="以下是检索到的相关内容：\n" + "\n".join(blocks),
        answerable=True,
        citations=[Citation.from_evidence(n, ev) for n, ev in enumerate(evidence, start=1)],
        intent="summary",
        agency=next(iter(agencies)) if len(agencies) == 1 else None,
        year=next(iter(years)) if len(years) == 1 else None,
    )


def summarise(question: str, evidence: list[Evidence], settings: Settings | None, *,
              model: BaseChatModel | None = None) -> Answer | None:
    """Summarise evidence from one or several reports (per agency, per year) with the same discipline.

    Returns None when no model is configured (and none is given). Otherwise
    the model's verified summary, or :func:`summary_base` plus a warning.
    """
    if model is None and not llm_enabled(settings):
        return None
    return _phrase(question, summary_base(question, evidence), evidence, settings, model=model, reference=False)


def stream_summarise(question: str, evidence: list[Evidence], settings: Settings | None, *,
                     model: BaseChatModel | None = None) -> Iterator[str | Answer] | None:
    """Streaming :func:`summarise`: text deltas then the final Answer; None without a model."""
    if model is None and not llm_enabled(settings):
        return None
    return _stream_phrase(question, summary_base(question, evidence), evidence, settings, model=model,
                          reference=False)
