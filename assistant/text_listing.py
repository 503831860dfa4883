"""Which part of a listing the text states is largest (smallest): 「公开的85条政务信息中，哪一类最多？」.

Reports list a total and then its parts in one run of text: 「共公开政务信息85次（条）。其中政策文件1条、…、业务动态28条、…」.
The listing is the run after 其中 with at least three parts written 「label N unit」; the one asked about is the one
whose own sentence, or the sentence before it, states the number the question quotes (85条), else the one sharing
most of the question's words. Every part is shown; the sentence is quoted and cited; only the comparison is computed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.lexicon import default_lexicon
from assistant.models import Evidence
from assistant.query import Query
from assistant.retrieval import split_sentences, tokens
from assistant.table_answers import Cited, fmt, name
from ingest.index import ReportIndex, ReportInfo
from ingest.text import key

_RE_ASK = re.compile(r"(?:哪一类|哪类|哪种|哪一种|哪一项|哪项|哪个类别|什么类)[^，,。？?]*?(最多|最少|最高|最低)|"
                     r"(最多|最少)的是(?:哪一类|哪类|哪种|哪一项|哪项|什么)")
MIN_PARTS = 3
_REST = re.compile(r"^(?:其他|其它|其余)")


def asks_rank(question: str) -> bool:
    return bool(_RE_ASK.search(key(question)))


@lru_cache(maxsize=1)
def _units() -> str:
    """The units a listing's parts are counted in (lexicon ``unit_sets.listing``)."""
    return default_lexicon().units_pattern("listing")


def _parts(text: str) -> list[tuple[str, int | float]]:
    """The listing after 其中: each part's label is the text since the previous part's count (a label may hold 、:
    环境保护、公共卫生、…的监督检查情况46条)."""
    flat = text.replace(",", "")
    at = flat.find("其中")
    if at < 0:
        return []
    rest, out, start = flat[at + 2:], [], 0
    for m in re.finditer(rf"(\d+(?:\.\d+)?)\s*(?:{_units()})", rest):
        label = rest[start: m.start()].strip(" 、，,；;：:").lstrip("和及与以")
        start = m.end()
        if not re.search(r"[\u4e00-\u9fff]{2}", label) or len(label) > 40:
            continue
        v = m.group(1)
        out.append((label, float(v) if "." in v else int(v)))
    return out


def rank_answer(a: Query, index: ReportIndex, scope: list[ReportInfo], cited: Cited) -> tuple[str, int | float] | None:
    """The largest (smallest) part of the listing the question asks about, in one report."""
    if len(scope) != 1 or not asks_rank(a.question):
        return None
    info = scope[0]
    m = _RE_ASK.search(key(a.question))
    lowest = (m.group(1) or m.group(2) or "") in ("最少", "最低")
    qk = key(a.question)
    quoted = {n for n in re.findall(rf"(\d+)\s*(?:{_units()})", qk) if not re.fullmatch(r"(?:19|20)\d{2}", n)}
    words = {t for t in tokens(a.question) if not any(t in key(n) for n in (info.agency, *info.agency_variants))}
    report = index.get_report(info.report_id)
    best: tuple[tuple[int, int], object, str, list] | None = None
    for sec in report.all_sections():
        sents = split_sentences(sec.text)
        for i, s in enumerate(sents):
            parts = _parts(s)
            if len(parts) < MIN_PARTS:
                continue
            before = sents[i - 1] if i else ""
            here = key(before + s).replace(",", "")
            states = any(re.search(rf"(?<!\d){n}\s*(?:次|{_units()})", here) for n in quoted)
            score = (1 if states else 0, sum(len(w) for w in words if w in here))
            if best is None or score > best[0]:
                best = (score, sec, (before + s) if states and before else s, parts)
    if best is None or (quoted and not best[0][0]):
        return None  # no listing, or none beside the number the question quotes
    _, sec, quote, parts = best
    pick = min(parts, key=lambda p: p[1]) if lowest else max(parts, key=lambda p: p[1])
    top = [p for p in parts if p[1] == pick[1]]
    ev = Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year, source=info.source,
                  page=sec.page_start, section=sec.path, quote=quote)  # type: ignore[attr-defined]
    mark = cited.add([ev])
    shown = "；".join(f"{label} {fmt(v)}" for label, v in sorted(parts, key=lambda p: -p[1]))
    which = "、".join(f"「{label}」" for label, _ in top)
    word = "最少" if lowest else "最多"
    text = f"{name(info)}正文列出的各类中，{word}的是{which}（{fmt(pick[1])}）{mark}。"
    named = [p for p in parts if not _REST.match(p[0])]
    if len(top) == 1 and _REST.match(top[0][0]) and named:  # the rest-category first: say which named one follows
        nxt = min(named, key=lambda p: p[1]) if lowest else max(named, key=lambda p: p[1])
        text += f"除「其他」类外，{word}的是「{nxt[0]}」（{fmt(nxt[1])}）。"
    return (text + f"各类：{shown}。\n- {name(info)}「{sec.path}」：{quote}{mark}"), pick[1]  # type: ignore[attr-defined]
