"""Report metadata (agency, year, title) and the section tree."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import agency as agency_names
from ingest.models import Section
from ingest.readers import Line
from ingest.template import SECTIONS, SectionSpec
from ingest.text import clean, is_page_number_line, key

_CN_NUM = "一二三四五六七八九十"
_RE_TITLE = re.compile(r"^(?P<agency>.*?)(?P<year>(?:19|20)\d{2})年度?(?P<rest>(?:政府)?信息公开(?:工作)?年度?报告)")
_RE_PLACE = re.compile(r"(?:[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|州|盟))+")
_RE_TOP_HEADING = re.compile(rf"^(?P<num>[{_CN_NUM}])[、.．,，]\s*(?P<title>.+)$")
_RE_SUB_HEADING = re.compile(rf"^[（(](?P<num>[{_CN_NUM}]{{1,2}})[）)]\s*(?P<title>.*)$")


@dataclass
class Heading:
    line_idx: int
    spec: SectionSpec
    title: str


@dataclass
class Meta:
    agency: str
    variants: list[str]
    year: int
    title: str
    title_line: int
    title_lines: tuple[int, ...] = ()


def find_meta(lines: list[Line]) -> Meta | None:
    """Agency and year from the title, e.g. "河东区工信局 2021 年政府信息公开工作 年度报告"."""
    keys = [key(ln.text) for ln in lines]
    for i, k in enumerate(keys[:40]):
        m = _RE_TITLE.search(k)
        if not m and i + 1 < len(keys):  # a title wrapped mid-phrase: "…年度报" / "告"
            m = _RE_TITLE.search(k + keys[i + 1])
            if m and m.start("rest") >= len(k):
                m = None
        if not m:
            continue
        name = m.group("agency").strip("：:，,。 ")
        title_parts = [clean(lines[i].text)]
        used = [i]
        if len(name) < 2:  # agency on the line(s) above: "河东区机关事务服务中心\n2021 年…报告"
            for j in range(i - 1, max(-1, i - 4), -1):
                if keys[j]:
                    name = keys[j]
                    title_parts.insert(0, clean(lines[j].text))
                    used.append(j)
                    break
        name = re.sub(r"(关于)?$", "", name)
        if len(name) < 2 or len(name) > 40:
            continue
        year = int(m.group("year"))
        body = "".join(keys)
        canonical, variants = resolve_agency(name, body)
        if m.end() > len(k):  # wrapped onto the next line
            used.append(i + 1)
        return Meta(canonical, variants, year, "".join(title_parts), i, tuple(used))
    return None


def resolve_agency(title_name: str, body: str) -> tuple[str, list[str]]:
    """Pick the fullest form of the agency seen in the body; keep every variant."""
    variants = {title_name}
    long = agency_names.expand(title_name)
    if long != title_name and long in body:
        variants.add(long)
    full = _full_name_in_body(title_name, body)
    if full:
        variants.add(full)
    # the same name with a place prefix: 洪泽区人民政府 -> 淮安市洪泽区人民政府
    for base in list(variants):
        for m in re.finditer(re.escape(base), body):
            before = body[max(0, m.start() - 9): m.start()]
            for n in range(len(before), 1, -1):
                prefix = before[-n:]
                if _RE_PLACE.fullmatch(prefix) and not re.search(r"[的在由与和及我本全对向经现公布为是据按照关于请根告报]", prefix):
                    variants.add(prefix + base)
                    break
    canonical = max(variants, key=lambda v: (len(v), v.count("局"), v))
    return canonical, sorted(variants, key=len)


_RE_FIRST_PLACE = re.compile(r"^.*?(?:自治区|省|市|州|区|县|旗|镇|乡|街道)")
_RE_AGENCY_END = re.compile(r"局|中心|委员会|办事处|人民政府|办公室|厅|委|所|站|院|处|管委会")


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _full_name_in_body(title_name: str, body: str) -> str | None:
    """The full name behind an abbreviated title: 河东区机关事务中心 -> 河东区机关事务服务中心, 某市政府办 ->
    某市人民政府办公室, 某街道 -> 某街道办事处 (same place, same characters in order, longer; the shortest such). A name that merely
    extends the title (…人民政府办公室 for …人民政府) is another body."""
    if title_name.endswith("街道") and title_name + "办事处" in body:
        return title_name + "办事处"
    m = _RE_FIRST_PLACE.match(title_name)
    if not m or m.end() >= len(title_name):
        return None
    place, rest = m.group(0), title_name[m.end():]
    best = None
    for occ in re.finditer(re.escape(place), body):
        window = body[occ.start(): occ.end() + 16]
        for end in _RE_AGENCY_END.finditer(window, len(place)):
            cand = window[: end.end()]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", cand):
                break
            if len(cand) <= len(title_name) or not _is_subsequence(rest, cand[len(place):]):
                continue
            if title_name in cand:
                continue
            if best is None or len(cand) < len(best):  # the shortest full form: not its 办公室
                best = cand
            break
    return best


def find_headings(lines: list[Line]) -> list[Heading]:
    """The six top-level headings, in order; each at most once."""
    found: list[Heading] = []
    next_idx = 0
    for i, ln in enumerate(lines):
        k = key(ln.text)
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
