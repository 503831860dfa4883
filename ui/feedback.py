"""👍/👎 feedback from the web app, and its conversion to gold-set entries.

Feedback is appended to a JSONL file (``settings.feedback_file`` or
``<index_dir>/feedback.jsonl``), one record a line::

    {"feedback_id", "answer_id", "ts", "rating": "up" | "down",
     "correct_answer": null | "...", "answer": {the answer object}}

A later record for the same ``answer_id`` supersedes an earlier one (a 👎 is
recorded at once; a correction typed afterwards arrives as a second record).

:func:`feedback_to_gold` turns the latest record of each answer into a gold
entry (format in shared/docs/contracts.md): 👍 keeps the system's answer and
citations; 👎 with a correct answer becomes an entry with that answer; 👎
without a correction is skipped.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

Rating = str  # "up" | "down"

_REFUSAL_WORDS = ("无法回答", "不能回答", "无法确定", "无法得知", "没有相关", "没有这方面", "未提及", "未披露", "没有披露",
                  "不在报告", "报告中没有", "拒答", "无答案", "查不到")
_NUMBER = re.compile(r"^[约共计为是：:\s]*([-+]?\d[\d,，]*(?:\.\d+)?)\s*(?:件|个|项|次|人次|条|份|万元|元|%|％)?[。.\s]*$")


def feedback_path(settings: Any) -> Path:
    """Where feedback goes: settings.feedback_file, else <index_dir>/feedback.jsonl."""
    path = getattr(settings, "feedback_file", None)
    return Path(path) if path else Path(settings.index_dir) / "feedback.jsonl"


class FeedbackStore:
    """Appends feedback records to a JSONL file (thread-safe within one process)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(dict(record), ensure_ascii=False, default=str)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")

    def record(self, answer: Mapping[str, Any], *, answer_id: str, rating: Rating,
               correct_answer: str | None = None) -> dict:
        rec = make_record(answer, answer_id=answer_id, rating=rating, correct_answer=correct_answer)
        self.append(rec)
        return rec


def make_record(answer: Mapping[str, Any], *, answer_id: str, rating: Rating, correct_answer: str | None = None) -> dict:
    if rating not in ("up", "down"):
        raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
    correct = (correct_answer or "").strip() or None
    return {"feedback_id": uuid.uuid4().hex, "answer_id": answer_id, "ts": round(time.time(), 3), "rating": rating,
            "correct_answer": correct, "answer": dict(answer)}


def read_feedback(path: Path) -> tuple[list[dict], int]:
    """(records, number of unreadable lines)."""
    records: list[dict] = []
    bad = 0
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            if isinstance(rec, dict) and isinstance(rec.get("answer"), dict) and rec.get("rating") in ("up", "down"):
                records.append(rec)
            else:
                bad += 1
    return records, bad


def _gold_citation(c: Mapping[str, Any]) -> dict:
    out: dict[str, Any] = {"agency": c.get("agency"), "year": c.get("year")}
    if c.get("table"):
        out["table"] = c["table"]
        for k in ("row", "column"):
            if c.get(k):
                out[k] = c[k]
    elif c.get("section"):
        out["section"] = c["section"]
    return {k: v for k, v in out.items() if v not in (None, "")}


def _type_of(answer: Mapping[str, Any]) -> str:
    intent = answer.get("intent")
    if not answer.get("answerable", True) or intent == "refusal":
        return "refusal"
    if intent in ("cell",):
        return "table"
    if intent in ("sum", "max", "min", "compare", "list"):
        return "aggregate"
    if intent in ("narrative", "summary"):
        return "narrative"
    if intent == "check":
        return "check"
    return "feedback"


def _number(text: str) -> str | None:
    m = _NUMBER.match(text.strip())
    if not m:
        return None
    return m.group(1).replace(",", "").replace("，", "")


_NUM_TOKEN = re.compile(r"[-+]?\d[\d,，]*(?:\.\d+)?")


def correction_number(correct: str, answer: Mapping[str, Any]) -> str | None:
    """The number a correction states, or None when it is text.

    A bare number (``105``, ``共 1,050 件``) always counts. For an answer that was a number, a short sentence around
    one number counts too (``应为106件``, ``正确答案是 106``, ``淮安市2024年应为106件``: years are not values), and
    when it names two (``不是105，是106``) the system's wrong value is dropped. Anything else stays text."""
    strict = _number(correct)
    if strict is not None or answer.get("value") is None:
        return strict
    vals = [m.group(0).replace(",", "").replace("，", "").strip(",，") for m in _NUM_TOKEN.finditer(correct)
            if correct[m.end():m.end() + 1] != "年"]
    distinct = list(dict.fromkeys(vals))
    if len(distinct) > 1:
        distinct = [v for v in distinct if v != _fmt_number(answer["value"])]
    return distinct[0] if len(distinct) == 1 else None


def _fmt_number(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def to_gold_entry(rec: Mapping[str, Any]) -> dict | None:
    """One gold entry from one (latest) feedback record, or None when it is skipped."""
    ans: Mapping[str, Any] = rec["answer"]
    question = (ans.get("question") or "").strip()
    if not question:
        return None
    entry: dict[str, Any] = {"id": f"fb-{str(rec.get('answer_id') or rec.get('feedback_id'))[:12]}", "question": question}
    correct = (rec.get("correct_answer") or "").strip()
    if rec["rating"] == "up":
        entry["type"] = _type_of(ans)
        if not ans.get("answerable", True):
            entry.update(answerable=False, answer="", answer_type="refusal", citations=[])
        elif ans.get("value") is not None:
            entry.update(answerable=True, answer=_fmt_number(ans["value"]), answer_type="number")
        else:
            text = ans.get("answer") or ""
            must = []
            for c in ans.get("citations") or []:
                v = str(c.get("value") or "")
                if v and v in text and v not in must:
                    must.append(v)
            entry.update(answerable=True, answer=text, answer_type="text", must_include=must)
        if ans.get("answerable", True):
            entry["citations"] = [_gold_citation(c) for c in ans.get("citations") or []]
        entry["source"] = f"feedback 👍 {time.strftime('%Y-%m-%d %H:%M', time.localtime(rec.get('ts') or 0))}"
        return entry
    if not correct:
        return None  # 👎 without a correction: nothing to learn from
    entry["type"] = "feedback"
    if any(w in correct for w in _REFUSAL_WORDS):
        entry.update(type="refusal", answerable=False, answer="", answer_type="refusal", citations=[])
    elif (num := correction_number(correct, ans)) is not None:
        entry.update(answerable=True, answer=num, answer_type="number", citations=[])
    else:
        entry.update(answerable=True, answer=correct, answer_type="text", must_include=[correct], citations=[])
    entry["source"] = (f"feedback 👎 corrected {time.strftime('%Y-%m-%d %H:%M', time.localtime(rec.get('ts') or 0))}; "
                       f"system said: {(ans.get('answer') or '')[:120]}")
    return entry


def feedback_to_gold(records: Iterable[Mapping[str, Any]]) -> tuple[list[dict], dict]:
    """Gold entries from feedback records, and counts {read, answers, written, skipped}.

    The latest record of each answer wins; among entries for the same question
    the latest wins too, so a question asked and rated twice gives one entry.
    """
    records = list(records)
    latest: dict[str, Mapping[str, Any]] = {}
    for rec in sorted(records, key=lambda r: r.get("ts") or 0):
        latest[str(rec.get("answer_id") or rec.get("feedback_id"))] = rec
    by_question: dict[str, dict] = {}
    skipped = 0
    for rec in sorted(latest.values(), key=lambda r: r.get("ts") or 0):
        entry = to_gold_entry(rec)
        if entry is None:
            skipped += 1
            continue
        by_question.pop(entry["question"], None)
        by_question[entry["question"]] = entry
    entries = list(by_question.values())
    ids: set[str] = set()
    for e in entries:  # ids unique within the file
        base, n = e["id"], 2
        while e["id"] in ids:
            e["id"] = f"{base}-{n}"
            n += 1
        ids.add(e["id"])
    return entries, {"read": len(records), "answers": len(latest), "written": len(entries), "skipped": skipped}


def write_gold(entries: Iterable[Mapping[str, Any]], out: Path) -> None:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps(dict(e), ensure_ascii=False) + "\n")
    tmp.replace(out)
