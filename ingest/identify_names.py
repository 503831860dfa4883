"""Where a report names its agency and year: the title line (wherever it sits), the HTML <title>, the
signature, the file name. Each reader returns claims; ingest/identify.py weighs them.

All matching runs on ``key()`` text (NFKC, radicals mapped, spaces removed); the title keeps what the page shows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ingest import agency as agency_names
from ingest.readers import Line
from ingest.text import clean, key, normalise

_RE_TITLE = re.compile(r"(?P<year>(?:19|20)\d{2})年度?(?P<rest>(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报))")
_RE_SEP = re.compile(r"[>›»|｜丨_]+|—{1,2}|--|(?<=[\u4e00-\u9fff])-(?=[\u4e00-\u9fff])")
_RE_LABEL_END = re.compile(r"^(?:【[^】]{1,20}】|（[^）]{1,20}）|\[[^\]]{1,20}\]|[^：:]{1,12}[：:])")
_RE_NAME = re.compile(r"[\u4e00-\u9fff（）()]+")
# a browser's print header before the page title: "2024/1/5 10:23 …" (spaces already removed by key())
_RE_PRINT_STAMP = re.compile(r"^\d{2,4}[/.-]\d{1,2}[/.-]\d{1,2}(?:[上下]午)?(?:\d{1,2}:\d{2}(?::\d{2})?)?")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "O": "0"}
_RE_DATE = re.compile(r"(?P<y>(?:19|20)\d{2}|[〇○零O一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})月"
                      r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日$")


@lru_cache(maxsize=1)
def vocab() -> dict[str, list[str] | str]:
    raw = resources.files("ingest").joinpath("data/identify.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(raw).items() if not k.startswith("_")}


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def agency_end() -> re.Pattern:
    """How an agency's name ends (``agency_endings``), or the office character not used as a verb (政府办, 区委办;
    not 主办, 承办)."""
    v = vocab()
    office = re.escape(v["office_ending"])
    return re.compile(f"(?:{_alternatives(v['agency_endings'])}|(?<![{re.escape(v['office_not_after'])}]){office})$")


@lru_cache(maxsize=1)
def body_agency_end() -> re.Pattern:
    """The agency endings searched for in body text after a place name, longest first."""
    return re.compile(_alternatives(vocab()["body_agency_endings"]))


@dataclass
class Claim:
    """One source's word on the agency and/or the year."""

    source: str  # title | html_title | first_lines | period | signature | filename | override
    agency: str | None
    year: int | None
    text: str  # what it was read from, as printed
    lines: tuple[int, ...] = ()


# ------------------------------------------------------------------ names


def is_furniture(text: str) -> bool:
    """A line of site chrome: 来源：… / 时间：2024-01-05 / 微信 / 首页 (page furniture, never a title or a name)."""
    k = key(text)
    if not k:
        return True
    v = vocab()
    if k in v["furniture_words"]:
        return True
    return any(k.startswith(p) and (len(k) == len(p) or k[len(p)] in "：:") for p in v["furniture_prefixes"])


def clean_name(raw: str) -> str | None:
    """A candidate agency name without site labels and furniture; None when it is no name at all."""
    name = _RE_PRINT_STAMP.sub("", key(raw)).strip("：:，,。、 ")
    labels = sorted(vocab()["name_labels"], key=len, reverse=True)
    changed = True
    while changed and name:
        changed = False
        m = _RE_LABEL_END.match(name)
        if m and len(name) - m.end() >= 2:
            name, changed = name[m.end():], True
        for lab in labels:
            if name.startswith(lab) and len(name) - len(lab) >= 2:
                name, changed = name[len(lab):].lstrip("：:，, "), True
    name = re.sub(r"关于$", "", name)
    if not (2 <= len(name) <= 40) or not _RE_NAME.fullmatch(name):
        return None
    if any(w in name for w in vocab()["name_stop"]):
        return None
    return name


def looks_like_agency(name: str | None) -> bool:
    return bool(name) and bool(agency_end().search(name)) and not is_furniture(name)


# ------------------------------------------------------------------ the title line


@dataclass
class TitleHit:
    agency: str | None
    year: int
    title: str
    lines: tuple[int, ...]
    whole: bool  # the line is the title and nothing else


def _title_in(k: str) -> tuple[re.Match, str] | None:
    """The title pattern in one key, searched segment by segment after site separators (> | _ —)."""
    segments = [s for s in _RE_SEP.split(k) if s]
    for seg in reversed(segments):
        m = _RE_TITLE.search(seg)
        if m:
            return m, seg
    return None


def find_title(lines: list[Line], keys: list[str], upto: int) -> TitleHit | None:
    """The report's title line in lines[:upto], wherever it sits: after navigation, breadcrumbs, page
    furniture, 来源/时间 lines; behind a site label; wrapped over two or three lines; with spaces inside.
    A line that is nothing but the title wins over a title inside a longer line."""
    hits: list[TitleHit] = []
    for i in range(min(upto, len(lines))):
        k = keys[i]
        if not k or is_furniture(lines[i].text) and not _RE_TITLE.search(k):
            continue
        hit = _title_at(lines, keys, i)
        if hit is not None:
            hits.append(hit)
            if hit.whole and hit.agency:
                return hit
    with_agency = [h for h in hits if h.agency]
    return (with_agency or hits or [None])[0]


def _title_at(lines: list[Line], keys: list[str], i: int) -> TitleHit | None:
    k = keys[i]
    used = [i]
    found = _title_in(k)
    if found is None and i + 1 < len(keys):  # wrapped: "…2020年度" / "政府信息公开工作年度报告"
        nxt = next((j for j in range(i + 1, min(i + 3, len(keys))) if keys[j]), None)
        if nxt is not None and len(keys[nxt]) <= 30:
            joined = _title_in(k + keys[nxt])
            if joined and joined[0].start("year") < len(k) and joined[0].end() > len(k):
                found, k = joined, k + keys[nxt]
                used.append(nxt)
    if found is None:
        return None
    m, seg = found
    if len(k) > 80:  # a sentence that mentions a report, not a title
        return None
    tail = seg[m.end():].strip("：:，,。 ")
    head = seg[: m.start()]
    agency = clean_name(head) if head else None
    if head and agency is None and len(head) > 2:
        return None  # 根据《…关于做好2021年政府信息公开工作年度报告…》: prose
    # the agency on the line(s) above: "河东区机关事务服务中心" / "2021 年政府信息公开工作年度报告",
    # or a name wrapped mid-way: "平潭综合实验区自然资源与" / "生态环境局2023年…"
    prev = next((j for j in range(i - 1, max(-1, i - 4), -1) if keys[j]), None)
    if prev is not None and len(keys[prev]) <= 30 and not is_furniture(lines[prev].text):
        above = clean_name(keys[prev])
        wrapped = clean_name(keys[prev] + head) if agency is None and head else None
        end = agency_end().search(keys[prev] + head) if head else None
        if end and end.start() < len(keys[prev]) < end.end() and looks_like_agency(clean_name(keys[prev] + head)):
            agency = clean_name(keys[prev] + head)  # the line breaks inside the name's last word: "东关街道办" / "事处2021年…"
            used.insert(0, prev)
        elif agency is None and looks_like_agency(above):
            agency = above
            used.insert(0, prev)
        elif looks_like_agency(wrapped):  # wrapped inside the name: "…工业和信息化" / "局2019年…"
            agency = wrapped
            used.insert(0, prev)
        elif agency and above and not looks_like_agency(above) and not _RE_TITLE.search(keys[prev]):
            joined = clean_name(above + agency)
            if joined:
                agency = joined
                used.insert(0, prev)
    title = "".join(clean(lines[j].text) for j in sorted(used))
    # a browser's print header (time stamp + page title) names the report, but a title in the page wins
    whole = len(tail) <= 2 and not _RE_PRINT_STAMP.match(keys[i])
    return TitleHit(agency, int(m.group("year")), title, tuple(sorted(used)), whole=whole)


# ------------------------------------------------------------------ other sources


def from_html_title(html_title: str) -> Claim | None:
    """平潭综合实验区行政审批局2023年政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会."""
    k = key(html_title or "")
    found = _title_in(k) if k else None
    if not found:
        return None
    m, seg = found
    return Claim("html_title", clean_name(seg[: m.start()]), int(m.group("year")), html_title)


def from_filename(stem: str) -> Claim | None:
    """86684_平潭综合实验区自然资源与生态环境局2023年政府信息公开工作年度报告 -> both; hzs_2023 -> the year."""
    k = key(stem)
    found = _title_in(k)
    if found:
        m, seg = found
        head = re.sub(r"^[\dA-Za-z_.\-]+", "", seg[: m.start()])
        return Claim("filename", clean_name(head) if head else None, int(m.group("year")), stem)
    years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", k)
    if len(set(years)) == 1:
        return Claim("filename", None, int(years[0]), stem)
    return None


def _cn_int(token: str) -> int:
    if token.isdigit():
        return int(token)
    if all(c in _CN_DIGIT for c in token):  # 二〇二二
        return int("".join(_CN_DIGIT[c] for c in token))
    # 十二 / 二十一 / 十
    tens, _, ones = token.partition("十")
    if "十" not in token:
        return int(_CN_DIGIT.get(token, "0"))
    return (int(_CN_DIGIT[tens]) if tens else 1) * 10 + (int(_CN_DIGIT[ones]) if ones else 0)


_RE_SPLIT_DATE = re.compile(r"^(?P<name>.*?)年月日$")
_RE_THREE_NUMBERS = re.compile(r"^\s*(\d{4})\s+(\d{1,2})\s+(\d{1,2})\s*$")


def _split_date(keys: list[str], lines: list[Line], i: int) -> str:
    """A date whose digits a PDF text layer put on the next line ("年 月 日" / "2026 1 22", a browser's
    print in another font) is read whole; any other line as it is."""
    k = keys[i]
    m = _RE_SPLIT_DATE.match(k)
    if m and i + 1 < len(lines):
        nums = _RE_THREE_NUMBERS.match(normalise(lines[i + 1].text))
        if nums:
            y, mo, d = nums.groups()
            return f"{m.group('name')}{y}年{mo}月{d}日"
    return k


def find_signature(lines: list[Line], keys: list[str], start: int, end: int) -> tuple[Claim, int] | None:
    """The agency name and date closing the report (after the last section heading): the first date line,
    with the name on it or just above it. Returns the claim (year = the date's year) and the date's line."""
    for i in range(start, end):
        k = _split_date(keys, lines, i)
        if not k or len(k) > 50:
            continue
        m = _RE_DATE.search(k)
        if not m:
            continue
        name = clean_name(k[: m.start()]) if m.start() else None
        used = [i]
        if not looks_like_agency(name):
            name = None
            prev = next((j for j in range(i - 1, max(start - 1, i - 3), -1) if keys[j]), None)
            if prev is not None and looks_like_agency(clean_name(keys[prev])):
                name = clean_name(keys[prev])
                used.insert(0, prev)
        if name is None and m.start():
            continue  # a dated sentence, not a signature
        year = _cn_int(m.group("y"))
        last = i + 1 if k != keys[i] else i  # the date's digits on the next line
        return Claim("signature", name, year, " ".join(clean(lines[j].text) for j in used), tuple(used)), last
    return None


# ------------------------------------------------------------------ the fullest form seen in the body

_RE_PLACE = re.compile(r"(?:[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|州|盟))+")
_RE_FIRST_PLACE = re.compile(r"^.*?(?:自治区|省|市|州|区|县|旗|镇|乡|街道)")


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
        for end in body_agency_end().finditer(window, len(place)):
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
