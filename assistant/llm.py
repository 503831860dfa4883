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
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from assistant.models import Answer, Citation, Evidence
from ingest.errors import ModelUnavailableError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from ingest.settings import Settings

logger = logging.getLogger(__name__)

__all__ = [
    "INSTALL_HINT",
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

INSTALL_HINT = "pip install 'reportqa[llm]'"

# --- warnings shown to the user (Chinese: the audience reads Chinese) -------------------------
W_INVENTED = "语言模型的回答含有证据中没有的数字，已改用确定性答案"
W_NO_CITATION = "语言模型的回答没有引用证据，已改用确定性答案"
W_REFUSED = "语言模型认为证据不足，已改用确定性答案"
W_EMPTY = "语言模型没有返回内容，已改用确定性答案"
W_UNKNOWN_IDS = "语言模型引用了不存在的证据编号（{ids}），已删除这些引用"
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

_NONE_VALUES = {"", "none", "off", "false", "0", "no"}

# Grace added to the client's own timeout before the wall-clock bound fires.
_GRACE_SECONDS = 0.5
# A streamed answer may take at most this many times ``llm_timeout`` in total.
_STREAM_TOTAL_FACTOR = 4.0


# ============================================================================ configuration


def llm_enabled(settings: Settings | None) -> bool:
    """True when ``settings.llm`` names a chat model (anything but ``none``)."""
    if settings is None:
        return False
    return str(getattr(settings, "llm", "none") or "none").strip().lower() not in _NONE_VALUES


def _parse_spec(spec: str) -> tuple[str, str]:
    """Split ``provider:model`` and validate the provider."""
    provider, sep, model = spec.strip().partition(":")
    provider = provider.strip().lower()
    model = model.strip()
    if not sep or not model or provider not in {"openai", "ollama"}:
        raise ModelUnavailableError(
            f"REPORTQA_LLM={spec!r} is not understood: use 'none', 'openai:MODEL' "
            "(any OpenAI-compatible endpoint, e.g. openai:deepseek-chat) or 'ollama:MODEL' (e.g. ollama:qwen2.5:7b)"
        )
    return provider, model


_MODEL_CACHE: dict[tuple[Any, ...], BaseChatModel] = {}
_MODEL_CACHE_LOCK = threading.Lock()


def clear_model_cache() -> None:
    """Forget the chat models built so far (tests, or after changing settings)."""
    with _MODEL_CACHE_LOCK:
        _MODEL_CACHE.clear()


def _openai_connection(settings: Settings) -> tuple[str | None, str | None]:
    base_url = settings.llm_base_url or os.environ.get("OPENAI_BASE_URL") or None
    api_key = settings.llm_api_key or os.environ.get("OPENAI_API_KEY") or None
    return base_url, api_key


def get_chat_model(settings: Settings) -> BaseChatModel:
    """The LangChain chat model named by ``settings.llm``, built once and cached.

    Raises :class:`ingest.errors.ModelUnavailableError` when no model is
    configured, the setting is malformed, the API key is missing, or the
    integration package is not installed (with the install hint).
    """
    if not llm_enabled(settings):
        raise ModelUnavailableError("no language model is configured (REPORTQA_LLM=none)")
    provider, model_name = _parse_spec(settings.llm)
    timeout = float(settings.llm_timeout)
    if provider == "openai":
        base_url, api_key = _openai_connection(settings)
        key: tuple[Any, ...] = (provider, model_name, base_url, api_key, timeout)
    else:
        base_url, api_key = settings.llm_base_url or None, None
        key = (provider, model_name, base_url, timeout)
    with _MODEL_CACHE_LOCK:
        cached = _MODEL_CACHE.get(key)
        if cached is not None:
            return cached
        if provider == "openai":
            chat = _build_openai(model_name, base_url, api_key, timeout)
        else:
            chat = _build_ollama(model_name, base_url, timeout)
        _MODEL_CACHE[key] = chat
        logger.info("chat model ready: %s:%s at %s", provider, model_name, base_url or "(default endpoint)")
        return chat


def _build_openai(model_name: str, base_url: str | None, api_key: str | None, timeout: float) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise ModelUnavailableError(
            f"REPORTQA_LLM=openai:{model_name} needs langchain-openai, which is not installed: {INSTALL_HINT}"
        ) from exc
    if not api_key:
        raise ModelUnavailableError(
            f"REPORTQA_LLM=openai:{model_name} needs an API key: set REPORTQA_LLM_API_KEY (or OPENAI_API_KEY); "
            "for a local server that ignores keys any value works, e.g. 'EMPTY'"
        )
    return ChatOpenAI(model=model_name, base_url=base_url, api_key=api_key, timeout=timeout,
                      max_retries=0, temperature=0)


def _build_ollama(model_name: str, base_url: str | None, timeout: float) -> BaseChatModel:
    try:
        from langchain_ollama import ChatOllama
    except ImportError as exc:
        raise ModelUnavailableError(
            f"REPORTQA_LLM=ollama:{model_name} needs langchain-ollama, which is not installed: {INSTALL_HINT}"
        ) from exc
    kwargs: dict[str, Any] = {"model": model_name, "temperature": 0, "client_kwargs": {"timeout": timeout}}
    if base_url:
        kwargs["base_url"] = base_url
    return ChatOllama(**kwargs)


# ============================================================================ numbers

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％［］", "0123456789.%[]")
_NUM_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_CITE_RE = re.compile(r"[\[【]\s*(?:证据\s*)?(\d+(?:\s*[,，、;；]\s*(?:证据\s*)?\d+)*)\s*[\]】]")
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ORDINAL_RE = re.compile(r"第\s*(\d+)|[（(]\s*(\d+)\s*[）)]|(?:^|[\s|｜/：:])(\d+)\s*[、.．]")
_THINK_RE = re.compile(r"<think>.*?</think>", re.DOTALL)
_WS_BEFORE_CITE_RE = re.compile(r"[ \t]+(?=\[\d+\])")
# list numbering at the start of a line of the model's answer ("1." "2、" "（3）" "4)"): structure, not a claim
_LIST_MARK_RE = re.compile(r"^([ \t]*(?:[-*•][ \t]*)?)(?:\d{1,2}[.、)）](?!\d)|[（(]\d{1,2}[）)])", re.MULTILINE)


def _halfwidth(text: str) -> str:
    """Full-width digits, dot, percent and brackets to ASCII (the Chinese comma is kept)."""
    return text.translate(_FULLWIDTH)


def _canon(token: str) -> str:
    """Canonical form of a number token: no separators, no leading/trailing zeros."""
    raw = token.replace(",", "")
    try:
        d = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the regex only yields digits
        return raw
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def _number_tokens(text: str) -> list[tuple[str, list[str]]]:
    """Each number in ``text`` as (canonical, canonical comma-separated parts)."""
    out: list[tuple[str, list[str]]] = []
    for m in _NUM_RE.finditer(_halfwidth(text)):
        tok = m.group(0)
        parts = [_canon(p) for p in tok.split(",")] if "," in tok else []
        out.append((_canon(tok), parts))
    return out


def _numbers(text: str | None) -> set[str]:
    """Every canonical number in ``text`` (``3,119`` yields ``3119`` only)."""
    if not text:
        return set()
    return {whole for whole, _parts in _number_tokens(text)}


def _years_and_ordinals(text: str | None) -> set[str]:
    if not text:
        return set()
    t = _halfwidth(text)
    found = {_canon(m.group(0)) for m in _YEAR_RE.finditer(t)}
    for m in _ORDINAL_RE.finditer(t):
        found.update(_canon(g) for g in m.groups() if g)
    return found


def _strip_cites(text: str) -> str:
    return _CITE_RE.sub(" ", _halfwidth(text))


def _evidence_text(ev: Evidence) -> str:
    """Every field of ``ev`` that is shown to the model (and may hold numbers)."""
    if ev.kind == "cell":
        fields: list[Any] = [ev.agency, ev.year, ev.table, ev.row, ev.column, ev.value, ev.number]
    else:
        fields = [ev.agency, ev.year, ev.section, ev.quote]
    return " | ".join("" if f is None else str(f) for f in fields)


def _evidence_numbers(ev: Evidence) -> set[str]:
    found = _numbers(_evidence_text(ev))
    if ev.kind == "cell" and ev.number is not None:
        found.add(_canon(str(ev.number)))
    return found


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


# ============================================================================ verification


class PhrasingRejected(Exception):
    """The model's answer fails verification; ``warning`` says why."""

    def __init__(self, warning: str, detail: str = ""):
        super().__init__(detail or warning)
        self.warning = warning


def strip_think(text: str) -> str:
    """Remove ``<think>…</think>`` reasoning blocks (and an unterminated one at the end)."""
    text = _THINK_RE.sub("", text)
    open_at = text.find("<think>")
    if open_at >= 0:
        text = text[:open_at]
    return text


def _rewrite_citations(text: str, n_evidence: int) -> tuple[str, list[int], list[int]]:
    """Normalise markers to ``[n]``; drop ids outside 1..n_evidence. Returns (text, cited, unknown)."""
    cited: list[int] = []
    unknown: list[int] = []

    def repl(m: re.Match[str]) -> str:
        ids = [int(x) for x in re.findall(r"\d+", m.group(1))]
        keep: list[int] = []
        for i in ids:
            if 1 <= i <= n_evidence:
                if i not in keep:
                    keep.append(i)
                if i not in cited:
                    cited.append(i)
            elif i not in unknown:
                unknown.append(i)
        return "".join(f"[{i}]" for i in keep)

    out = _CITE_RE.sub(repl, _halfwidth(text))
    out = _WS_BEFORE_CITE_RE.sub("", out)
    return out, cited, unknown


def verify(question: str, text: str, evidence: Sequence[Evidence], *,
           computed: Iterable[str] = ()) -> tuple[str, list[int], list[str]]:
    """Check a model answer against the evidence.

    Returns ``(clean_text, cited_ids, warnings)`` where unknown citation ids
    are removed and reported in ``warnings``. Raises :class:`PhrasingRejected` when
    the answer is empty, a refusal, cites nothing, or holds a number that is
    not in the evidence it cites (nor a year/ordinal of the question or any
    evidence, nor a number of the question, nor one of ``computed``).
    """
    clean = strip_think(text).strip()
    if not clean:
        raise PhrasingRejected(W_EMPTY)
    clean, cited, unknown = _rewrite_citations(clean, len(evidence))
    warnings: list[str] = []
    if unknown:
        warnings.append(W_UNKNOWN_IDS.format(ids="".join(f"[{i}]" for i in unknown)))
    if not cited:
        if "证据不足" in clean:
            raise PhrasingRejected(W_REFUSED, "model says the evidence is insufficient")
        raise PhrasingRejected(W_NO_CITATION, "no known citation id in the answer")

    allowed: set[str] = set(computed) | _numbers(question)
    for ev in evidence:
        allowed |= _years_and_ordinals(_evidence_text(ev))
        allowed.add(str(ev.year))
    for i in cited:
        allowed |= _evidence_numbers(evidence[i - 1])

    invented: list[str] = []
    for whole, parts in _number_tokens(_LIST_MARK_RE.sub(r"\1", _strip_cites(clean))):
        if whole in allowed or (parts and all(p in allowed for p in parts)):
            continue
        invented.append(whole)
    if invented:
        raise PhrasingRejected(W_INVENTED, f"numbers not in the cited evidence: {', '.join(invented)}")
    return clean, sorted(cited), warnings


def _computed_numbers(base: Answer, evidence: Sequence[Evidence]) -> set[str]:
    """Numbers the assistant computed itself: in the deterministic answer but in no evidence."""
    found = _numbers(_strip_cites(base.answer))
    if base.value is not None:
        found.add(_canon(str(base.value)))
    in_evidence: set[str] = set()
    for ev in evidence:
        in_evidence |= _evidence_numbers(ev)
    return found - in_evidence


def _citation(base: Answer, evidence: Sequence[Evidence], n: int) -> Citation:
    for c in base.citations:
        if c.id == n:
            return c
    return Citation.from_evidence(n, evidence[n - 1])


def _fallback(base: Answer, warning: str) -> Answer:
    return base.model_copy(update={"warnings": [*base.warnings, warning]})


def _accept(base: Answer, evidence: Sequence[Evidence], text: str, cited: list[int], warnings: list[str]) -> Answer:
    return base.model_copy(update={
        "answer": text,
        "citations": [_citation(base, evidence, n) for n in cited],
        "warnings": [*base.warnings, *warnings],
    })


def _settle(question: str, base: Answer, evidence: Sequence[Evidence], text: str, computed: set[str]) -> Answer:
    try:
        clean, cited, warnings = verify(question, text, evidence, computed=computed)
    except PhrasingRejected as rej:
        logger.warning("model answer rejected (%s); using the deterministic answer", rej)
        return _fallback(base, rej.warning)
    return _accept(base, evidence, clean, cited, warnings)


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
