"""Sums and differences of numbers stated in the narrative text.

"会议公开和业务动态两类信息一共公开了多少条？" -> 会议公开 13 条 + 业务动态 28 条 = 41;
"参加上级培训会的次数比召开推进会议多几次？" -> 7 - 2 = 5;
"洪泽区2024年主动公开的信息比2023年多多少条？" -> one number per report, 2428 - 1136 = 1292.

Each operand is read by :func:`assistant.retrieval.pick_number` from a retrieved sentence that is quoted and
cited; only the result is computed, and the answer shows the operands it was computed from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from assistant.units import printed_unit
from assistant.retrieval import MONEY_UNITS, STRICT_UNITS, Hit, Sentence, asked_unit, best_sentences, is_ordinal, tokens

_SUM = re.compile(r"一共|合计|总共|共计|加起来|合起来|总和|之和|两类|两项")
_DIFF = re.compile(r"多几|多多少|少几|少多少|多了|少了|相差|差几|差多少|增加了?多少|减少了?多少|增长了?多少|下降了?多少")
_CONJ = re.compile(r"以及|和|与|及|、")
_TAIL = re.compile(r"(?:两类|两项|两种|两个|二者|两者|这两|一共|合计|总共|共计|加起来|合起来|分别|相比|多几|多多少|少几|少多少|多了|少了|"
                   r"相差|差几|差多少|的次数|的数量|的条数|的件数|的个数|次数|数量|条数|件数|个数|[，,。？?])")
_HEAD = re.compile(r"(?:19|20)\d{2}年度?|[，,。？?]")
_LESS = re.compile(r"少|减少|下降")
_WHICH = re.compile(r"(?:谁|哪个|哪家|哪一个|哪一家)[^，,。？?]*?(?:多|少|高|低|大|小)")


@dataclass
class Operand:
    term: str  # the question's words for it ("" when the operands are one term in two reports)
    value: int | float
    sentence: Sentence
    unit: str = ""  # as printed after the number (条, 次, 万元 …)


@dataclass
class Arithmetic:
    op: str  # "sum" | "diff"
    operands: list[Operand]

    @property
    def value(self) -> int | float:
        a, b = self.operands[0].value, self.operands[1].value
        v = a + b if self.op == "sum" else a - b
        return round(v, 6) if isinstance(v, float) else v


def strip_names(question: str, names: set[str]) -> str:
    q = question
    for n in sorted(names, key=len, reverse=True):
        if len(n) >= 2:
            q = q.replace(n, "")
    return q


def _terms(question: str, names: set[str]) -> tuple[str, str, str] | None:
    """(op, left term, right term) of a two-term question, or None."""
    q = strip_names(question, names)
    if _DIFF.search(q) and "比" in q:
        left, right = q.split("比", 1)
        op = "diff"
    elif _SUM.search(q):
        m = next((m for m in _CONJ.finditer(q) if m.start() > 0), None)
        if m is None:
            return None
        left, right = q[: m.start()], q[m.end():]
        op = "sum"
    else:
        return None
    left = _HEAD.split(left)[-1]
    right = _TAIL.split(right)[0]
    left = _TAIL.split(left)[0] if _TAIL.search(left) else left
    if len(left) < 2 or len(right) < 2 or re.match(r"上一?年|去年|前年|同期|以往", right):
        return None  # 比上年多多少: the other year is another report (or only a stated change), not a term here
    return op, left, right


_RE_CLAUSE = re.compile(r"[，,。；;、：:！!？?\n]")
_RE_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")


def best_operand(term: str, sentences: list[Sentence], ignore: set[str], unit: str | None = None,
                 require_unit: bool = False, near: list[str] = ()) -> Operand | None:
    """The number of the clause that shares most of the term's words (weighted by length), e.g. the clause
    召开政务公开推进会议2次 for 召开政务公开推进会议; ties go to the better-ranked sentence. A clause whose number
    carries the asked unit beats one that does not."""
    words = sorted(t for t in tokens(term) if not any(t in n for n in ignore))
    found = _best_clause(term, words, sentences, unit, require_unit, near)
    if found is None:  # a word of the question split differently in the text (政协提案 / 政协委员会提案): bigrams
        found = _best_clause(term, sorted({term[i:i + 2] for i in range(len(term) - 1)}), sentences, unit,
                             require_unit, near)
    return found


def _near(clause: str, near: list[str]) -> int:
    """How many of the question's quantity words (关注人数) the clause holds (two characters in a row suffice)."""
    n = 0
    for w in near:
        w = re.sub(r"[\d.%a-z一二三四五六七八九十两几]+", "", w)
        if len(w) >= 2 and any(w[i:i + 2] in clause for i in range(len(w) - 1)):
            n += 1
    return n


_PARTS = re.compile(r"其中")  # a total, then its parts: 共公开政府信息118条，其中规章1条，…，其他53条
_REST = re.compile(r"^(?:其他|其它|其余)")


def _rest(clause: str, term: str) -> bool:
    """A rest-category clause (其他应主动公开的政府信息7条) the question does not ask for (it does not say 其他)."""
    return bool(_REST.match(clause.strip())) and not re.search(r"其他|其它|其余", term)


def _scored_clauses(sent: Sentence, words: list[str], term: str) -> list[tuple[int, str]]:
    """Each clause of a sentence with its score: the summed length of the term's words it holds. A sentence that
    states a total and then its parts (…共118条，其中…53条): the total's clause is read under its sub-part's title
    (（一）主动公开情况), and a part scores only by words the total's clause and the title lack — a part is asked
    only when the question names it (其中规章多少条), never because it repeats the measure's words (其他应主动公开的
    政府信息53条); the rest-category (其他…) only when the question says 其他."""
    text = sent.text.replace(",", "")
    m = _PARTS.search(text)
    if m is None:
        return [(sum(len(w) for w in words if w in c), c) for c in _RE_CLAUSE.split(text) if not _rest(c, term)]
    head_clauses = _RE_CLAUSE.split(text[: m.start()])
    title = sent.chunk.section.split(" / ")[-1] if sent.chunk.section else ""
    head_text = text[: m.start()] + title
    out: list[tuple[int, str]] = []
    for i, c in enumerate(head_clauses):
        own = sum(len(w) for w in words if w in c)
        if i == len(head_clauses) - 1 or own:  # the total's clause (just before 其中) reads the title too
            own = sum(len(w) for w in words if w in c or (w in title and _RE_NUMBER.search(c)))
        out.append((own, c))
    for c in _RE_CLAUSE.split(text[m.end():]):
        if _rest(c, term):
            continue
        out.append((sum(len(w) for w in words if w in c and w not in head_text), c))
    return out


def _best_clause(term: str, words: list[str], sentences: list[Sentence], unit: str | None,
                 require_unit: bool, near: list[str] = ()) -> Operand | None:
    """The number of the best clause: one holding the question's quantity words (关注人数) first — the number
    sits next to the measure's own words —, then the most of the term's words, then the asked unit."""
    best: tuple[tuple[int, int, int], Operand] | None = None
    for si, sent in enumerate(sentences):
        for score, clause in _scored_clauses(sent, words, term):
            if score == 0:
                continue
            for m in _RE_NUMBER.finditer(clause):
                if re.fullmatch(r"(?:19|20)\d{2}", m.group(1)) and clause[m.end(1): m.end(1) + 1] in "年-":
                    continue  # a year, not a quantity
                if clause[m.end(1): m.end(1) + 1] in ("月", "日", "号", "时") and clause[m.end(1): m.end(1) + 2] != "日内":
                    continue  # a date (2024年1月5日), not a quantity
                got = printed_unit(clause[m.end(1):])  # 877余篇: about 877 篇
                if require_unit and not (got == unit or (unit in MONEY_UNITS and got in MONEY_UNITS)
                                         or (unit is None and got)):
                    continue  # (no unit asked: any unit — a count is written with one)
                if is_ordinal(clause, m.start(1), m.end(1)):
                    continue  # 第104号提案
                rank = (_near(clause, near), score + (1 if unit and got == unit else 0), -si)
                if best is None or rank > best[0]:
                    v = m.group(1)
                    best = (rank, Operand(term=term, value=float(v) if "." in v else int(v), sentence=sent, unit=got))
                break  # the clause's first quantity
    return best[1] if best else None


def within_report(question: str, hits: list[Hit], names: set[str], near: list[str] = (),
                  view: Callable[[Sentence], Sentence | None] | None = None) -> Arithmetic | None:
    """Two quantities of one report named in the question, summed or subtracted. ``view``: the part of a sentence
    that may give an operand, or None (the narrative path leaves out items of a breakdown the question does not
    name)."""
    found = _terms(question, names)
    if found is None:
        return None
    op, left, right = found
    sents = _viewed(best_sentences(question, hits, 12, want_number=True, ignore=names), view)
    unit = asked_unit(question)
    strict = unit in STRICT_UNITS  # 多少条: a number printed without 条 (〔2020〕109号) is no operand
    a = best_operand(left, sents, names, unit, require_unit=strict)
    b = best_operand(right, sents, names, unit, require_unit=strict)
    if a is None or b is None or (a.sentence is b.sentence and a.value == b.value and left != right):
        return None
    return Arithmetic(op, [a, b])


def across_reports(question: str, per_report: list[list[Hit]], names: set[str],
                   near: list[str] = (),
                   view: Callable[[Sentence], Sentence | None] | None = None) -> Arithmetic | None:
    """One quantity in two reports (two years or two agencies): first named minus second (…比…多/少多少), or
    their sum (2021年和2022年一共…多少)."""
    if len(per_report) != 2:
        return None
    if _WHICH.search(question):
        op = "which"  # 谁办理的政协提案多: both stated, the larger (smaller) named
    elif _DIFF.search(question) or re.search(r"比|相比|变化", question):
        op = "diff"
    elif _SUM.search(question):
        op = "sum"
    else:
        return None
    term = strip_names(question, names)
    unit = asked_unit(question)
    ops = []
    for hits in per_report:
        sents = _viewed(best_sentences(term, hits, 16, want_number=True, ignore=names), view)
        # a number in another unit never answers 多少条 (12场 is no count of 条)
        o = best_operand(term, sents, names, unit, require_unit=unit in STRICT_UNITS or (op == "which" and not unit),
                         near=near)
        if o is None:
            return None
        o.term = ""
        ops.append(o)
    return Arithmetic(op, ops)


def _viewed(sents: list[Sentence], view: Callable[[Sentence], Sentence | None] | None) -> list[Sentence]:
    if view is None:
        return sents
    return [v for v in (view(x) for x in sents) if v is not None]


def asks_difference(question: str) -> bool:
    """…比…多多少 / 相差多少: a difference of two quantities is asked."""
    return bool(_DIFF.search(question))


def asks_less(question: str) -> bool:
    """Whether the question asks how much *less* (…比…少多少), so a difference is stated that way."""
    m = _DIFF.search(question)
    return bool(m and _LESS.match(m.group(0)))


def which_text(question: str, names: list[str], a: int | float, b: int | float) -> str:
    """谁…多 / 谁…少: which of the two the question asks for, both values shown."""
    fewer = bool(re.search(r"(?:谁|哪个|哪家|哪一个|哪一家)[^，,。？?]*?(?:少|低|小)", question))
    if a == b:
        return f"两者相同（均为 {_fmt(a)}）"
    first = (a < b) if fewer else (a > b)
    return f"{names[0 if first else 1]}{'更少' if fewer else '更多'}（{_fmt(a)} {'<' if a < b else '>'} {_fmt(b)}）"


def difference_text(question: str, diff: int | float, unit: str) -> str:
    """The difference of first minus second, said in the direction asked: 前者比后者少 28 条 for …减少了多少; a
    difference against the direction asked says so (问的是减少，实际多了 5 条), so that the signed value is read right."""
    less = asks_less(question)
    said = f"前者比后者{'多' if diff >= 0 else '少'} {_fmt(abs(diff))}{unit}"
    if diff and (diff > 0) == less:
        said += f"（问的是{'减少' if less else '增加'}，实际是{'增加' if less else '减少'}）"
    return said


def _fmt(v: int | float) -> str:
    from assistant.table_answers import fmt

    return fmt(v)


def asks_which(question: str) -> bool:
    """谁…多 / 哪个…少: which of two reports has more (or less) of a quantity the text states."""
    return bool(_WHICH.search(question))
