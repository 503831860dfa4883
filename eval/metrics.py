"""Scoring of answers against a gold set (format and metrics: shared/docs/contracts.md).

Everything here works on plain dicts shaped like the answer object of the
contract (``Answer.to_json_dict()``), so ReportQA and the naive baseline are
scored by the same code.

Answer accuracy (per question, by ``answer_type``)
    ``number``   the expected number appears among the numbers of the answer
                 text, or equals ``value``. Numbers are compared numerically
                 (``96171.6 == 96171.60``) after dropping thousands separators
                 (``3,119`` is 3119); citation markers such as ``[1]`` are not
                 numbers of the answer.
    ``text``     every string of ``must_include`` appears in the answer, and
                 when ``must_include_any`` is given, at least one of its
                 strings too (a text item needs at least one of the two lists).
    ``list``     every string of ``items`` appears in the answer.
    ``refusal``  the answer has ``answerable: false``.
    Text comparison is on NFKC-normalised text with whitespace and thousands
    separators removed on both sides. For an answerable question the answer
    must also say ``answerable: true``.

    Beside it, ``answer_accuracy_strict`` (a diagnostic, not in the contract):
    a ``number`` answer that gives a ``value`` counts only when that value is
    the expected number, so a wrong value whose quoted text happens to contain
    the expected number is not counted right.

Citation matching (loose, per contract)
    An expected citation is met when any returned citation meets all its given
    fields: ``agency`` is a substring of the returned agency (NFKC, spaces
    removed); ``year`` is equal; ``row`` / ``section`` are substrings of the
    returned ones after removing spaces and punctuation; ``column`` and
    ``table`` are equal after removing spaces and punctuation.

Citation recall
    met expected citations / expected citations, pooled over the questions
    that have expected citations.

Citation precision
    supported returned citations / returned citations, pooled over answerable
    gold questions (a refusal question has nothing to support; citations
    returned with a wrong answer there are caught by refusal accuracy). A
    returned citation *supports* the answer when it loosely matches one of the
    question's expected citations, or, for ``number`` questions, when its
    ``value`` or ``quote`` contains the expected number (as a number, not a
    digit substring: ``0`` is not in ``2021``).

Refusal accuracy
    share of gold refusal questions (``answerable: false``) answered with
    ``answerable: false``. Reported beside it: the false-refusal rate, the
    share of answerable gold questions answered with ``answerable: false``.

Confidently wrong
    share of questions answered with ``answerable: true`` and wrong: a wrong
    number or text on an answerable question, or any answer to an
    unanswerable one. A refusal is never confidently wrong (a refused
    answerable question is a false refusal instead), nor is an error. This
    is the most harmful outcome: staff copy answered numbers into drafts.
    Its denominator is every question of the group; beside it,
    ``answered_unanswerable`` counts the refusal questions that were answered.

Conversation context (an extension of the contract)
    A gold question may carry ``context``: the earlier questions of the same
    conversation, oldest first (``"那2024年呢？"`` after
    ``"…2023年新收多少件？"``). The runner asks them in turn before the
    question itself (see :mod:`eval.runner`).

Latency
    p50 / p95 of the per-question wall-clock time of ``ask`` (linear
    interpolation between order statistics).

All metrics are given overall and by the gold ``type`` label. A metric whose
denominator is 0 is ``None`` (shown as "–").
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ingest.errors import ReportQAError

AnswerType = Literal["number", "text", "list", "refusal"]
CITATION_FIELDS = ("agency", "year", "table", "row", "column", "section", "source", "page")


class GoldError(ReportQAError):
    """A gold file that cannot be used: the message names the file and line."""


# ---------------------------------------------------------------------------- gold


class GoldCitation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency: str | None = None
    year: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    section: str | None = None
    source: str | None = None
    page: int | None = None

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v not in (None, "")}


class GoldQuestion(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    question: str
    type: str = "untyped"
    answerable: bool
    answer: str = ""
    answer_type: AnswerType
    must_include: list[str] = Field(default_factory=list)
    must_include_any: list[str] = Field(default_factory=list,
                                        description="text answers: at least one of these must appear too")
    items: list[str] = Field(default_factory=list)
    citations: list[GoldCitation] = Field(default_factory=list)
    agency: str | None = Field(None, description="optional: passed to ask() as the agency filter")
    year: int | None = Field(None, description="optional: passed to ask() as the year filter")
    context: list[str] = Field(default_factory=list,
                               description="optional: earlier questions of the conversation, oldest first")

    @model_validator(mode="after")
    def _consistent(self) -> GoldQuestion:
        if (self.answer_type == "refusal") != (not self.answerable):
            raise ValueError("answer_type 'refusal' goes with answerable false, and only with it")
        if self.answer_type == "number" and expected_number(self.answer) is None:
            raise ValueError(f"answer_type 'number' needs a number in 'answer', got {self.answer!r}")
        if self.answer_type == "text" and not (self.must_include or self.must_include_any):
            raise ValueError("answer_type 'text' needs a non-empty 'must_include' or 'must_include_any'")
        if self.answer_type == "list" and not self.items:
            raise ValueError("answer_type 'list' needs a non-empty 'items'")
        return self

    @property
    def expected_value(self) -> Decimal | None:
        return expected_number(self.answer) if self.answer_type == "number" else None

    def expected_display(self) -> str:
        if self.answer_type == "text":
            parts = []
            if self.must_include:
                parts.append("must include " + " | ".join(self.must_include))
            if self.must_include_any:
                parts.append("one of " + " / ".join(self.must_include_any))
            return "; ".join(parts)
        if self.answer_type == "list":
            return "items " + " | ".join(self.items)
        if self.answer_type == "refusal":
            return "refusal"
        return self.answer


def load_gold(path: str | Path) -> list[GoldQuestion]:
    """Read and validate a gold JSONL file; raises :class:`GoldError` naming the line."""
    p = Path(path)
    if not p.is_file():
        raise GoldError(f"{p}: no such gold file")
    out: list[GoldQuestion] = []
    seen: set[str] = set()
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            q = GoldQuestion.model_validate(json.loads(line))
        except json.JSONDecodeError as e:
            raise GoldError(f"{p}:{n}: not JSON ({e.msg})") from e
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(x) for x in first.get("loc", ())) or "line"
            raise GoldError(f"{p}:{n}: {where}: {first.get('msg')}") from e
        if q.id in seen:
            raise GoldError(f"{p}:{n}: duplicate id {q.id!r}")
        seen.add(q.id)
        out.append(q)
    if not out:
        raise GoldError(f"{p}: no questions")
    return out


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------------------- normalisation

_CITE_MARK = re.compile(r"\[\s*\d+(?:\s*[,，、]\s*\d+)*\s*\]")
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s or "")


def norm_text(s: str) -> str:
    """NFKC, no whitespace, no thousands separators: the form answers and gold strings are compared in."""
    s = "".join(nfkc(s).split())
    return _THOUSANDS.sub("", s)


def norm_label(s: str) -> str:
    """NFKC, lower case, without whitespace, punctuation and symbols: for row/section/column/table labels."""
    return "".join(c for c in nfkc(s).lower() if not c.isspace() and unicodedata.category(c)[0] not in "PSZ")


def numbers_in(text: str | None) -> list[Decimal]:
    """The numbers written in ``text`` (thousands separators dropped, citation markers ignored)."""
    if not text:
        return []
    s = _CITE_MARK.sub(" ", nfkc(str(text)))
    s = _THOUSANDS.sub("", s)
    out = []
    for m in _NUMBER.finditer(s):
        try:
            out.append(Decimal(m.group()))
        except InvalidOperation:  # pragma: no cover - the regex only matches decimals
            continue
    return out


def expected_number(answer: str | int | float | None) -> Decimal | None:
    """The number of a gold ``number`` answer (its first number)."""
    if answer is None:
        return None
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        return Decimal(str(answer))
    found = numbers_in(str(answer))
    return found[0] if found else None


def _as_decimal(v: Any) -> Decimal | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        d = Decimal(str(v).replace(",", ""))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


# ---------------------------------------------------------------------------- answer checks


def answer_correct(gold: GoldQuestion, got: dict, *, strict: bool = False) -> tuple[bool, str]:
    """Whether ``got`` (an answer dict) answers ``gold``; with a short reason when it does not.

    ``strict`` (a diagnostic beside the contract's rule): a ``number`` answer
    that gives a ``value`` is right only when that value is the expected
    number, whatever numbers its text quotes.
    """
    answerable = bool(got.get("answerable"))
    if gold.answer_type == "refusal":
        return (not answerable, "" if not answerable else "answered instead of refusing")
    if not answerable:
        return False, "refused an answerable question"
    text = got.get("answer") or ""
    if gold.answer_type == "number":
        want = gold.expected_value
        assert want is not None
        v = _as_decimal(got.get("value"))
        if v is not None and v == want:
            return True, ""
        if strict and v is not None:
            return False, f"value {got.get('value')} is not {_fmt(want)}"
        if any(n == want for n in numbers_in(text)):
            return True, ""
        return False, f"{_fmt(want)} not in the answer" + (f" (value {got.get('value')})" if got.get("value") is not None else "")
    needles = gold.must_include if gold.answer_type == "text" else gold.items
    hay = norm_text(text)
    missing = [n for n in needles if norm_text(n) not in hay]
    if missing:
        return False, "missing " + " | ".join(missing)
    if gold.answer_type == "text" and gold.must_include_any and not any(norm_text(n) in hay for n in gold.must_include_any):
        return False, "none of " + " / ".join(gold.must_include_any)
    return True, ""


def _fmt(d: Decimal) -> str:
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


# ---------------------------------------------------------------------------- citations


def citation_matches(expected: GoldCitation | dict, got: dict) -> bool:
    """Loose match of one returned citation against one expected citation (see module doc)."""
    want = expected.given() if isinstance(expected, GoldCitation) else {k: v for k, v in expected.items() if v not in (None, "")}
    for key, w in want.items():
        have = got.get(key)
        if have is None or have == "":
            return False
        if key == "agency":
            ok = norm_text(str(w)) in norm_text(str(have))
        elif key in ("year", "page"):
            try:
                ok = int(have) == int(w)
            except (TypeError, ValueError):
                ok = False
        elif key in ("row", "section"):
            ok = norm_label(str(w)) in norm_label(str(have))
        elif key in ("column", "table"):
            ok = norm_label(str(w)) == norm_label(str(have))
        elif key == "source":
            ok = Path(str(w)).name == Path(str(have)).name
        else:  # pragma: no cover - GoldCitation forbids other keys
            ok = str(w) == str(have)
        if not ok:
            return False
    return True


def citation_supports(gold: GoldQuestion, got: dict) -> bool:
    """Whether a returned citation supports the answer (the precision numerator, see module doc)."""
    if any(citation_matches(e, got) for e in gold.citations):
        return True
    if gold.answer_type == "number":
        want = gold.expected_value
        v = _as_decimal(got.get("value"))
        if v is not None and v == want:
            return True
        if any(n == want for n in numbers_in(got.get("value") if isinstance(got.get("value"), str) else None)):
            return True
        if any(n == want for n in numbers_in(got.get("quote"))):
            return True
    return False


# ---------------------------------------------------------------------------- per question


@dataclass
class QuestionScore:
    id: str
    type: str
    answer_type: str
    question: str
    expected: str
    expected_answerable: bool
    got_answer: str
    got_answerable: bool | None
    got_value: Any
    intent: str | None
    correct: bool
    reason: str
    correct_strict: bool
    expected_citations: list[dict]
    met: list[dict]
    unmet: list[dict]
    returned: list[dict]
    supported: list[bool]
    latency_ms: float | None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    context: list[str] = field(default_factory=list)
    context_passed: bool | None = None  # None: no context; False: the system could not take it

    @property
    def confidently_wrong(self) -> bool:
        """Answered (``answerable: true``) and wrong; an answer to an unanswerable question included."""
        return self.got_answerable is True and not self.correct and self.error is None

    @property
    def n_returned(self) -> int:
        return len(self.returned)

    @property
    def n_supported(self) -> int:
        return sum(self.supported)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["citation_recall"] = (len(self.met) / len(self.expected_citations)) if self.expected_citations else None
        d["citation_precision"] = (self.n_supported / self.n_returned) if self.n_returned else None
        d["confidently_wrong"] = self.confidently_wrong
        return d


def _compact_citation(c: dict) -> dict:
    keep = ("id", "agency", "year", "source", "page", "section", "table", "row", "column", "value", "quote")
    out = {k: c.get(k) for k in keep if c.get(k) not in (None, "")}
    if "quote" in out and len(out["quote"]) > 160:
        out["quote"] = out["quote"][:159] + "…"
    return out


def score_question(gold: GoldQuestion, got: dict | None, latency_ms: float | None = None,
                   error: str | None = None, context_passed: bool | None = None) -> QuestionScore:
    """Score one answer dict (``None`` with ``error`` when ``ask`` failed: counted wrong)."""
    got = got or {}
    citations = [c for c in (got.get("citations") or []) if isinstance(c, dict)]
    if error is not None:
        correct, reason, strict = False, f"error: {error}", False
    else:
        correct, reason = answer_correct(gold, got)
        strict = correct and answer_correct(gold, got, strict=True)[0]
    expected = [e.given() for e in gold.citations]
    met, unmet = [], []
    for e in gold.citations:
        (met if any(citation_matches(e, c) for c in citations) else unmet).append(e.given())
    return QuestionScore(
        id=gold.id, type=gold.type, answer_type=gold.answer_type, question=gold.question,
        expected=gold.expected_display(), expected_answerable=gold.answerable,
        got_answer=str(got.get("answer") or ""), got_answerable=got.get("answerable") if got else None,
        got_value=got.get("value"), intent=got.get("intent"), correct=correct, reason=reason, correct_strict=strict,
        expected_citations=expected, met=met, unmet=unmet,
        returned=[_compact_citation(c) for c in citations],
        supported=[citation_supports(gold, c) for c in citations],
        latency_ms=None if latency_ms is None else round(float(latency_ms), 2),
        warnings=[str(w) for w in (got.get("warnings") or [])], error=error,
        context=list(gold.context), context_passed=context_passed if gold.context else None,
    )


# ---------------------------------------------------------------------------- aggregation


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation; None for no values."""
    xs = sorted(v for v in values if v is not None and not math.isnan(v))
    if not xs:
        return None
    if len(xs) == 1:
        return float(xs[0])
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo))


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def aggregate(scores: Iterable[QuestionScore]) -> dict[str, Any]:
    """The metrics of a group of scored questions (see module doc)."""
    s = list(scores)
    answerable = [x for x in s if x.expected_answerable]
    refusals = [x for x in s if not x.expected_answerable]
    with_cit = [x for x in s if x.expected_citations]
    n_exp = sum(len(x.expected_citations) for x in with_cit)
    n_met = sum(len(x.met) for x in with_cit)
    n_ret = sum(x.n_returned for x in answerable)
    n_sup = sum(x.n_supported for x in answerable)
    lat = [x.latency_ms for x in s if x.latency_ms is not None]
    return {
        "n": len(s),
        "answer_accuracy": _ratio(sum(x.correct for x in s), len(s)),
        "answer_accuracy_strict": _ratio(sum(x.correct_strict for x in s), len(s)),
        "answerable_accuracy": _ratio(sum(x.correct for x in answerable), len(answerable)),
        "citation_recall": _ratio(n_met, n_exp),
        "citation_precision": _ratio(n_sup, n_ret),
        "refusal_accuracy": _ratio(sum(x.got_answerable is False for x in refusals), len(refusals)),
        "false_refusal_rate": _ratio(sum(x.got_answerable is False for x in answerable), len(answerable)),
        "confidently_wrong": _ratio(sum(x.confidently_wrong for x in s), len(s)),
        "latency_p50_ms": percentile(lat, 50),
        "latency_p95_ms": percentile(lat, 95),
        "latency_mean_ms": (sum(lat) / len(lat)) if lat else None,
        "counts": {
            "correct": sum(x.correct for x in s), "answerable": len(answerable), "refusal": len(refusals),
            "citations_expected": n_exp, "citations_met": n_met,
            "citations_returned": n_ret, "citations_supported": n_sup,
            "errors": sum(x.error is not None for x in s),
            "confidently_wrong": sum(x.confidently_wrong for x in s),
            "answered_unanswerable": sum(x.confidently_wrong for x in refusals),
            "context_not_passed": sum(x.context_passed is False for x in s),
        },
    }


def summarize(scores: Sequence[QuestionScore]) -> dict[str, Any]:
    """``{"overall": metrics, "by_type": {type: metrics}}`` (types in first-seen order)."""
    groups: dict[str, list[QuestionScore]] = defaultdict(list)
    for x in scores:
        groups[x.type].append(x)
    return {"overall": aggregate(scores), "by_type": {t: aggregate(g) for t, g in groups.items()}}


METRIC_LABELS = {
    "answer_accuracy": "answer accuracy",
    "citation_recall": "citation recall",
    "citation_precision": "citation precision",
    "refusal_accuracy": "refusal accuracy",
    "false_refusal_rate": "false refusals",
    "confidently_wrong": "confidently wrong",
    "latency_p50_ms": "p50 ms",
    "latency_p95_ms": "p95 ms",
}
