"""Verification of a chat model's answer: citation markers rewritten to the evidence's ids, and every number
checked against the evidence it cites (see :mod:`assistant.llm` for the rules). A failed check raises
:class:`PhrasingRejected`, whose warning the caller shows beside the deterministic answer."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.models import Answer, Citation, Evidence

logger = logging.getLogger("assistant.llm")

W_INVENTED = "语言模型的回答含有证据中没有的数字，已改用确定性答案"
W_NO_CITATION = "语言模型的回答没有引用证据，已改用确定性答案"
W_REFUSED = "语言模型认为证据不足，已改用确定性答案"
W_EMPTY = "语言模型没有返回内容，已改用确定性答案"
W_UNKNOWN_IDS = "语言模型引用了不存在的证据编号（{ids}），已删除这些引用"

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
