"""Tiling a question: lexicon surfaces over what the agency and year spans leave, the fewest characters left over.

One homophone typo in a word (请文 for 请问, 多少见 for 多少件) is mended by pinyin (pypinyin, optional).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.lexicon import Lexicon, Meaning
RE_QUOTED_OTHER = re.compile(r"[“\"‘'「]其他[”\"’'」]|3[.、]?其他")
_TYPO_KINDS = ("filler", "op", "rounding")  # only these words are mended from a homophone
PUNCT = set("，,。.？?！!；;：:、“”\"'‘’「」（）()《》<>【】[]-—~～ ")


class Tiled:
    """The spans of a normalised question: (start, end, surface, meanings)."""

    def __init__(self, text: str):
        self.text = text
        self.spans: list[tuple[int, int, str, list[Meaning]]] = []
        self.left: list[tuple[int, int, str]] = []  # left-over runs

    def has_op(self, op: str) -> bool:
        return any(m.kind == "op" and m.key == op for *_, ms in self.spans for m in ms)

    def meanings(self, kind: str) -> list[tuple[int, Meaning]]:
        return [(s, m) for s, _, _, ms in self.spans for m in ms if m.kind == kind]


def tile(text: str, covered: list[tuple[int, int]], lx: Lexicon) -> Tiled:
    """Tile what the agency and year spans leave with lexicon surfaces so that the fewest characters are left over
    (then the fewest spans: longer words win), clause by clause; runs of unmatched characters are tried once more
    with one character changed (a homophone typo in a filler or operation word)."""
    t = Tiled(text)
    free = [True] * len(text)
    for s, e in covered:
        for i in range(max(0, s), min(e, len(text))):
            free[i] = False
    i = 0
    while i < len(text):
        if not free[i] or text[i] in PUNCT:
            i += 1
            continue
        j = i
        while j < len(text) and free[j] and text[j] not in PUNCT:
            j += 1
        _tile_segment(t, i, j, lx)
        i = j
    t.spans.sort(key=lambda x: x[0])
    _typos(t, lx)
    return t


def _tile_segment(t: Tiled, a: int, b: int, lx: Lexicon) -> None:
    text = t.text
    best: list[tuple[int, int]] = [(0, 0)] * (b - a + 1)  # (left-over characters, spans) from position i to b
    step: list[int] = [0] * (b - a + 1)  # 0: leave the character; L: a surface of length L
    for i in range(b - 1, a - 1, -1):
        k = i - a
        lo, sp = best[k + 1]
        choice, score = 0, (lo + 1, sp)
        for L in range(1, min(lx.longest, b - i) + 1):
            if text[i:i + L] in lx.surfaces:
                lo2, sp2 = best[k + L]
                # a one-character filler that is no particle (它, 先) costs like a left-over character: it never
                # splits an unknown word (访问量 is not 访 + 问 + 量)
                weak = L == 1 and text[i] not in lx.particles and all(
                    m.kind == "filler" for m in lx.surfaces[text[i]])
                cand = (lo2 + (1 if weak else 0), sp2 + 1)
                if cand < score or (cand == score and choice and L > choice):
                    choice, score = L, cand
        best[k], step[k] = score, choice
    i, run = a, -1
    while i < b:
        L = step[i - a]
        if L == 0:
            if run < 0:
                run = i
            i += 1
            continue
        if run >= 0:
            t.left.append((run, i, text[run:i]))
            run = -1
        t.spans.append((i, i + L, text[i:i + L], lx.surfaces[text[i:i + L]]))
        i += L
    if run >= 0:
        t.left.append((run, b, text[run:b]))


def _typos(t: Tiled, lx: Lexicon) -> None:
    """A filler or operation word written with one homophone (请文 for 请问, 多少见 for 多少件) is that word: a
    window over a left-over run (and the filler next to it) of the same length, one character different, same
    pinyin."""
    if not t.left:
        return
    filler_at = {i for s, e, _, ms in t.spans if all(m.kind == "filler" for m in ms) for i in range(s, e)}
    for s, e, run in list(t.left):
        if run.isascii():
            continue
        fixed = _homophone(t.text, s, e, filler_at, lx)
        if fixed is None:
            continue
        a, b, ms = fixed
        t.spans = [x for x in t.spans if x[1] <= a or x[0] >= b]
        t.spans.append((a, b, t.text[a:b], ms))
        t.left.remove((s, e, run))
        if a > s:
            t.left.append((s, a, t.text[s:a]))
        if b < e:
            t.left.append((b, e, t.text[b:e]))
    t.spans.sort(key=lambda x: x[0])
    t.left.sort()


@lru_cache(maxsize=8192)
def _pinyin(text: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(text, style=Style.NORMAL))


def _homophone(text: str, s: int, e: int, filler_at: set[int], lx: Lexicon) -> tuple[int, int, list[Meaning]] | None:
    index = lx.pinyin_index()
    if index is None:
        return None
    for L in (4, 3, 2):
        for a in range(max(0, s - L + 1), min(e, len(text) - L + 1)):
            b = a + L
            if any(not (s <= i < e or i in filler_at) for i in range(a, b)):
                continue
            part = text[a:b]
            for surf, ms in index.get(_pinyin(part), ()):
                if not all(m.kind in _TYPO_KINDS for m in ms):
                    continue  # 引发 is not 印发: a word mended into a measure would answer a cell nobody asked for
                if sum(x != y for x, y in zip(surf, part)) == 1:
                    return a, b, ms
    return None


ASPECT = {"了", "过", "着", "地", "得"}  # aspect particles: the word before them is a verb


def _asks_number(ms: list[Meaning]) -> bool:
    ops = {m.key for m in ms if m.kind == "op"}
    return "ask_number" in ops and "sum" not in ops  # 一共 also adds up terms (A和B一共多少条): no head of one


def topic_runs(t: Tiled) -> list[tuple[int, int]]:
    """(start, end) of each run of adjacent topic spans, as one subject (人大 + 代表建议: 人大代表建议)."""
    runs: list[list[int]] = []
    for s, e, _, ms in sorted(t.spans):
        if not ms or not all(m.kind == "topic" for m in ms):
            continue
        if runs and runs[-1][1] == s:
            runs[-1][1] = e
        else:
            runs.append([s, e])
    return [(s, e) for s, e in runs]


def counted(t: Tiled, s: int, e: int, lx: Lexicon) -> bool:
    """The run is the thing the question counts: the number word stands right after it, with only particles (的)
    between, and ends the clause (粉丝数量是多少, 订阅用户有多少), or right before it with the run ending its clause
    (有多少粉丝？). A run with a noun after it (原创类信息有多少篇, 业务动态信息多少条) only says which kind of that noun
    is counted; one whose number word counts a noun after it (公众号有多少粉丝) is no counted thing either."""
    starts = {x[0]: x for x in t.spans}
    ends = {x[1]: x for x in t.spans}

    def particle(x) -> bool:  # (an aspect particle makes the run a verb: 主动公开了多少条政府信息 counts 信息)
        return x[2] in lx.particles and x[2] not in ASPECT and all(m.kind == "filler" for m in x[3])

    def clause_ends(at: int) -> bool:  # nothing but number words, particles and a unit (多少篇) till the clause ends
        lefts = {x[0]: x for x in t.left}
        while True:
            if at in starts and (particle(starts[at]) or all(m.kind == "op" for m in starts[at][3])):
                at = starts[at][1]
            elif at in lefts and lefts[at][2] in lx.count_units:
                at = lefts[at][1]
            else:
                return at >= len(t.text) or t.text[at] in PUNCT

    at = e
    while at in starts and particle(starts[at]):
        at = starts[at][1]
    if at in starts and _asks_number(starts[at][3]):
        return clause_ends(starts[at][1])  # 公众号有多少粉丝: the number word counts what follows it, not 公众号
    # right after the number word (几件因法律…: 因 starts a clause), ending the clause
    return s in ends and _asks_number(ends[s][3]) and clause_ends(e)
