"""The section tree: the six template headings (found however they are numbered or misspelt) and their text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.models import Section
from ingest.readers import Line
from ingest.template import SECTIONS, SectionSpec
from ingest.text import clean, is_page_number_line, key

_CN_NUM = "一二三四五六七八九十"
_RE_TOP_HEADING = re.compile(rf"^(?P<num>[{_CN_NUM}])[、.．,，]\s*(?P<title>.+)$")
_RE_SUB_HEADING = re.compile(rf"^[（(](?P<num>[{_CN_NUM}]{{1,2}})[）)]\s*(?P<title>.*)$")


@dataclass
class Heading:
    line_idx: int
    spec: SectionSpec
    title: str


def find_headings(lines: list[Line]) -> list[Heading]:
    """The six top-level headings, in order; each at most once.

    First the headings written as the template prints them (一、总体情况, or the bare title); then, in the
    gap where one is missing, a tolerant look: other numbering (1. / 第一部分 / （一）), no numbering, a
    typo or a missing character (at most one edit in a short title, two in a long one)."""
    keys = [key(ln.text) for ln in lines]
    found = _strict_headings(lines, keys)
    by_number = {h.spec.number: h for h in found}
    for si, spec in enumerate(SECTIONS):
        if spec.number in by_number:
            continue
        before = [by_number[s.number].line_idx for s in SECTIONS[:si] if s.number in by_number]
        after = [by_number[s.number].line_idx for s in SECTIONS[si + 1:] if s.number in by_number]
        lo = max(before) + 1 if before else 0
        hi = min(after) if after else len(lines)
        h = _loose_heading(lines, keys, spec, si, lo, hi)
        if h is not None:
            by_number[spec.number] = h
    return sorted(by_number.values(), key=lambda h: h.line_idx)


def _strict_headings(lines: list[Line], keys: list[str]) -> list[Heading]:
    found: list[Heading] = []
    next_idx = 0
    for i, (ln, k) in enumerate(zip(lines, keys)):
        if not k or len(k) > 60:
            continue
        m = _RE_TOP_HEADING.match(k)
        title = m.group("title") if m else k
        if not m and len(k) > 24:
            continue
        for si in range(next_idx, len(SECTIONS)):
            spec = SECTIONS[si]
            if any(kw in title for kw in spec.keywords):
                if m and m.group("num") != spec.number and si != next_idx:
                    continue
                if not m and title not in (spec.title, spec.title.replace("政府信息公开", "")):
                    continue
                found.append(Heading(i, spec, clean(ln.text)))
                next_idx = si + 1
                break
    return found


_RE_ANY_NUMBERING = re.compile(
    rf"^(?:第(?P<a>[{_CN_NUM}\d]{{1,2}})(?:部分|章|节|项)|[（(](?P<b>[{_CN_NUM}\d]{{1,2}})[）)]"
    rf"|(?P<c>[{_CN_NUM}\d]{{1,2}})(?:[、.．,，:：)）]|(?=[\u4e00-\u9fff])))[、.．:：\s]*")
_RE_TABLE_ROW = re.compile(r"\t|(?:\s\d+){2,}\s*$")


def _ordinal(token: str | None) -> int | None:
    if not token:
        return None
    if token.isdigit():
        return int(token)
    if token in _CN_NUM:
        return _CN_NUM.index(token) + 1
    return None


def _loose_heading(lines: list[Line], keys: list[str], spec: SectionSpec, si: int, lo: int, hi: int) -> Heading | None:
    """The best tolerant match for one missing section in lines[lo:hi] (None when nothing is close)."""
    targets = [spec.title, spec.title.replace("政府信息公开", ""), *spec.keywords]
    best: tuple[tuple, int] | None = None
    for i in range(lo, hi):
        k = keys[i]
        if not k or len(k) > 40 or _RE_TABLE_ROW.search(lines[i].text) or k.endswith(("。", "；", ";")):
            continue
        m = _RE_ANY_NUMBERING.match(k)
        number = _ordinal(next((g for g in m.groups() if g), None)) if m and m.end() else None
        title = k[m.end():] if m else k
        title = title.strip("：:。.，, ")
        if len(title) < 3:
            continue
        cost = min(_edits_within(t, title) for t in targets)
        longest = max(len(t) for t in targets if _edits_within(t, title) == cost)
        if number is not None and number != si + 1:
            continue  # numbered as another part: a sub-heading, not this section
        allowed = (0 if longest <= 4 else 1 if longest <= 8 else 2) + (number == si + 1)
        if cost > allowed or len(title) > longest + 10:
            continue
        rank = (cost, 0 if number == si + 1 else 1, len(title) - longest, i)
        if best is None or rank < best[0]:
            best = (rank, i)
    if best is None:
        return None
    i = best[1]
    return Heading(i, spec, clean(lines[i].text))


def _edits_within(pattern: str, text: str) -> int:
    """Fewest edits (insert, delete, substitute) turning ``pattern`` into some substring of ``text``."""
    prev = [0] * (len(text) + 1)
    for pi, pc in enumerate(pattern, 1):
        cur = [pi] + [0] * len(text)
        for ti, tc in enumerate(text, 1):
            cur[ti] = min(prev[ti - 1] + (pc != tc), prev[ti] + 1, cur[ti - 1] + 1)
        prev = cur
    return min(prev)


def _join(lines: list[Line]) -> str:
    """Join wrapped lines into paragraphs; a line ending a sentence ends a paragraph."""
    out: list[str] = []
    for ln in lines:
        t = clean(ln.text)
        if not t or is_page_number_line(t):
            continue
        out.append(t)
        if t.endswith(("。", "！", "？", "：", ":", "；")) or len(t) < 8:
            out.append("\n")
    return "".join(out).strip()


def build_sections(lines: list[Line], headings: list[Heading], body_start: int) -> list[Section]:
    sections: list[Section] = []
    bounds = [h.line_idx for h in headings] + [len(lines)]
    if headings and headings[0].line_idx > body_start:
        pre = lines[body_start: headings[0].line_idx]
        text = _join(pre)
        if text:
            sections.append(Section(number="", title="前言", canonical="前言", path="前言",
                                    page_start=_first_page(pre), page_end=_last_page(pre), text=text))
    for h, end in zip(headings, bounds[1:]):
        body = lines[h.line_idx + 1: end]
        path = f"{h.spec.number}、{h.spec.title}"
        sec = Section(number=h.spec.number, title=h.title, canonical=h.spec.title, path=path,
                      page_start=lines[h.line_idx].page, page_end=_last_page(body) or lines[h.line_idx].page)
        if h.spec.number in ("一", "五", "六"):
            _split_subparts(sec, body)
        else:  # a table section: keep its sentences, not the table's cells (those become cells and row chunks)
            sec.text = _join([ln for ln in body if _is_prose(ln.text)])
        sections.append(sec)
    return sections


def _split_subparts(sec: Section, body: list[Line]) -> None:
    """（一）… sub-parts of a narrative section; text before the first one stays on the section."""
    starts: list[tuple[int, str, str]] = []
    for i, ln in enumerate(body):
        t = clean(ln.text)
        m = _RE_SUB_HEADING.match(t)
        if not m:
            continue
        rest = m.group("title")
        head = re.split(r"[。．.；;：:，,]", rest, maxsplit=1)[0][:40] if rest else ""
        starts.append((i, f"（{m.group('num')}）", head))
    if not starts:
        sec.text = _join(body)
        return
    sec.text = _join(body[: starts[0][0]])
    bounds = [s[0] for s in starts] + [len(body)]
    for (i, num, head), end in zip(starts, bounds[1:]):
        part = body[i:end]
        sec.children.append(Section(
            number=num, title=f"{num}{head}", path=f"{sec.path} / {num}{head}",
            page_start=part[0].page, page_end=_last_page(part), text=_join(part)))


def _is_prose(text: str) -> bool:
    t = clean(text)
    if "\t" in text or re.search(r"(?:\s\d+){3,}", text) or "勾稽关系" in t:
        return False
    return t.endswith(("。", "；")) and len(t) >= 8 and not re.match(r"^[（(]?[一二三四五六七八九十\d]+[）)、.]", t)


def _first_page(lines: list[Line]) -> int | None:
    return next((ln.page for ln in lines if ln.page is not None), None)


def _last_page(lines: list[Line]) -> int | None:
    pages = [ln.page for ln in lines if ln.page is not None and ln.text.strip() and not is_page_number_line(ln.text)]
    return pages[-1] if pages else None
