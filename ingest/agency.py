"""Agency names: short forms, long forms, and which of them name the same agency.

河东区工信局 and 河东区工业和信息化局 are one agency; so are 洪泽区人民政府 and
淮安市洪泽区人民政府, and 淮安市政府 and 淮安市人民政府.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ingest.text import key

@lru_cache(maxsize=1)
def _data() -> dict:
    """ingest/data/agency_abbreviations.json: abbreviations, zone names, place levels (vocabulary as data)."""
    raw = resources.files("ingest").joinpath("data/agency_abbreviations.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(raw).items() if not k.startswith("_")}


# short form -> long form of bureau names (suffix of the agency name), and of governments (区政府 -> 区人民政府)
ABBREVIATIONS: dict[str, str] = {**_data()["bureaus"], **_data()["governments"]}

# province/city levels; a level's name holds no 区/县 (else 华源市湘坪区市场… would lose 湘坪区市 as a "city")
_RE_PLACE_PREFIX = re.compile(r"^(?:(?:(?![区县旗镇乡])[\u4e00-\u9fff]){1,7}?(?:省|自治区|市|州|盟))+")


def expand(name: str) -> str:
    """Long form of a name: 河东区工信局 -> 河东区工业和信息化局; 淮安市政府 -> 淮安市人民政府."""
    for short, long in sorted(ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        if name.endswith(short) and not name.endswith(long):
            return name[: -len(short)] + long
    return name


_RE_LOCAL_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:区|县|旗|镇|乡|街道)")


def strip_place_prefix(name: str) -> str:
    """淮安市洪泽区人民政府 -> 洪泽区人民政府 (drop leading province/city levels).

    Only when what remains still names a place (洪泽区…), never a bare 人民政府.
    """
    m = _RE_PLACE_PREFIX.match(name)
    local = _RE_LOCAL_PLACE.match(name[m.end():]) if m else None
    # 住房和城乡建设局 starts like a township (…乡) but names no place
    if m and local and len(name) - m.end() >= 3 and "和" not in local.group(0) and not local.group(0).endswith("城乡"):
        return name[m.end():]
    return name


def core(name: str) -> str:
    """The agency without 人民政府: 洪泽区人民政府 -> 洪泽区 (what people call it). A government's office
    (…人民政府办公室 / 办公厅) keeps its name: the bare place, or 洪泽区政府, names the government itself."""
    if name.endswith("人民政府") and len(name) > len("人民政府"):
        return name[: -len("人民政府")]
    return name


_OFFICE = re.compile(r"^(.+?)人民政府(办公室|办公厅)$")


def office_forms(name: str) -> set[str]:
    """桃水县人民政府办公室 -> 桃水县政府办公室, 桃水县政府办, 桃水县府办 (never 桃水县政府: that is the government)."""
    m = _OFFICE.match(name)
    if not m:
        return set()
    place, office = m.groups()
    return {f"{place}政府{office}", f"{place}政府办", f"{place}府办"}


def forms(name: str) -> set[str]:
    """Every form under which people may refer to an agency."""
    return set(_forms(name))


@lru_cache(maxsize=8192)
def _forms(name: str) -> frozenset[str]:
    out = {name, expand(name)}
    for n in list(out):
        out.add(strip_place_prefix(n))
    for n in list(out):
        c = core(n)
        if c != n:
            out.add(c)
            out.add(c + "政府")
        out |= office_forms(n)
    for n in list(out):
        if n.endswith("街道办事处"):
            out.add(n[:-3])  # 东关街道办事处 -> 东关街道
    # a place's own administration is named by the place (海坛片区管理局 -> 海坛片区, 淄博高新区管委会 -> 淄博高新区);
    # leading places dropped while one is left (平潭综合实验区海坛片区管理局 -> 海坛片区管理局)
    for n in list(out):
        places, body = split_name(n)
        if not places or n.endswith(("办公室", "办公厅")):
            continue
        for i in range(1, len(places)):
            out.add("".join(places[i:]) + body)
        if body in _data()["own_administration"]:
            out.update("".join(places[i:]) for i in range(len(places)))
    # short forms of the long bureau names, zone names and endings (高新技术产业开发区 -> 高新区, 管理委员会 -> 管委会)
    for short, long in ABBREVIATIONS.items():
        for n in list(out):
            if n.endswith(long) and short != long:
                out.add(n[: -len(long)] + short)
    for table in (_data()["zones"], _data()["suffixes"]):
        for short, long in table.items():
            for n in list(out):
                if long in n:
                    out.add(n.replace(long, short))
    return frozenset(f for f in out if len(f) >= 2)


_RE_NOT_PLACE = re.compile(r"[和与及的、]|城乡$")


@lru_cache(maxsize=8192)
def split_name(name: str) -> tuple[tuple[str, ...], str]:
    """Places and body: 平潭综合实验区海坛片区管理局 -> (平潭综合实验区, 海坛片区), 管理局; 淮安市人民政府 -> (淮安市,),
    人民政府; 安山市住房和城乡建设局 -> (安山市,), 住房和城乡建设局 (住房和城乡 is no township)."""
    levels = _data()["place_levels"]
    places: list[str] = []
    rest = name
    while rest:
        cut = None
        for end in range(2, min(len(rest), 12) + 1):
            head = rest[:end]
            lev = next((lv for lv in levels if head.endswith(lv) and len(head) > len(lv)), None)
            if lev is None:
                continue
            if _RE_NOT_PLACE.search(head) or end == len(rest):
                break
            cut = end
            break
        if cut is None:
            break
        places.append(rest[:cut])
        rest = rest[cut:]
    return tuple(places), rest


def _short_place(place: str) -> str | None:
    """A place without its level word where two characters are left: 洪泽区 -> 洪泽, 平潭综合实验区 -> 平潭
    (not a development zone: 淄博高新区 without 高新区 is the city)."""
    for lv in _data()["short_levels"]:
        if place.endswith(lv) and len(place) - len(lv) >= 2:
            return place[: -len(lv)]
    return None


@lru_cache(maxsize=8192)
def question_forms(name: str) -> dict[str, str]:
    """Every form of ``forms`` ("name"), plus the looser ones a question may use, each with its rule:
    "short_place" (平潭行政审批局, 洪泽, 淮安: a place without its 县/市/区 level word), "no_place"
    (自然资源与生态环境局, 市场监管局: no place at all). The looser ones are only safe with the context checks
    of ``match_agencies`` (淮安 is not 淮安区; 行政审批局 after another place is that place's)."""
    out = {f: "name" for f in forms(name)}
    generic = set(_data()["generic_bodies"])
    for n in list(out):
        places, body = split_name(n)
        if not places:
            continue
        if body and body not in generic and len(body) >= 3 and "政府" not in body and "府办" not in body:
            out.setdefault(body, "no_place")
        for i in range(len(places)):
            short = _short_place(places[i])
            if short is None:
                continue
            rest = "".join(places[i + 1:])
            if body in _data()["own_administration"] and not n.endswith(("办公室", "办公厅")):
                out.setdefault(short + rest, "short_place")
            if body:
                out.setdefault(short + rest + body, "short_place")
    return out


def same_agency(a: str, b: str) -> bool:
    fa, fb = forms(a), forms(b)
    return bool(fa & fb)


def is_subsequence(short: str, long: str) -> bool:
    """``short`` is ``long`` with characters dropped (in order): 自然资源生态环境局 in 自然资源与生态环境局."""
    it = iter(long)
    return all(ch in it for ch in short)


# ------------------------------------------------------------------ which agencies a question names

_RULE_RANK = {"name": 0, "short_place": 1, "no_place": 1, "subsequence": 2}
_RE_PLACE_BEFORE = re.compile(r"([\u4e00-\u9fff]{0,6}?)(省|市|州|盟|县|区|旗|镇|乡|街道)$")
_LEVEL_START = tuple("省市州盟县区旗镇乡街片")


@dataclass(frozen=True)
class AgencyMatch:
    """One known agency a span of the question may name. ``rule``: name | short_place | no_place | subsequence."""

    agency: str
    form: str
    rule: str
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.form


def _known(agencies: Iterable[str | tuple[str, Iterable[str]]]) -> list[tuple[str, tuple[str, ...]]]:
    out = []
    for a in agencies:
        if isinstance(a, str):
            out.append((a, ()))
        else:
            out.append((a[0], tuple(a[1])))
    return out


@lru_cache(maxsize=4096)
def _all_forms(agency: str, variants: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    merged: dict[str, str] = {}
    for n in (agency, *variants):
        for f, rule in question_forms(key(n)).items():
            if _RULE_RANK[rule] < _RULE_RANK.get(merged.get(f, "subsequence"), 9):
                merged[f] = rule
    return tuple(sorted(merged.items(), key=lambda kv: -len(kv[0])))


# an agency's body right after a place's name (淮安市|行政审批局, 淮安|市场监督管理局): the words name that body
_RE_BODY_AFTER = re.compile(r"[\u4e00-\u9fff]{0,9}?(?:局|委员会|委|中心|办公室|管委会|厅|署|事务所)(?![\u4e00-\u9fff]{0,2}[省市区县])")


def _context_ok(text: str, start: int, end: int, rule: str, places: frozenset[str] = frozenset(),
                lowest: frozenset[str] = frozenset()) -> bool:
    """The looser forms only where the words around them do not name another place or body."""
    if places and text[start:end] in places and _RE_BODY_AFTER.match(text, end):
        return False  # 淮安市行政审批局: a body of the place, not the place's government
    if rule == "short_place" and end < len(text) and text[end:].startswith(_LEVEL_START):
        return False  # 淮安 of 淮安区, 洪泽 of 洪泽湖区
    if rule in ("no_place", "subsequence"):
        m = _RE_PLACE_BEFORE.search(text[:start])
        if m:
            run, level = m.group(1), m.group(2)
            # the place said before the name must be the agency's own (lowest) one: 淄博市机关事务服务中心 is the
            # city's centre, not 淄博市张店区机关事务服务中心 with its district left out
            own = lowest or places
            if not run:  # 区行政审批局 / 市卫健委: the agency's own level, said without its name
                return any(p.endswith(level) for p in own)
            return any(p.endswith(run + level) or _short_place(p) == run for p in own)  # 淮安市行政审批局
    return True


def match_agencies(text: str, agencies: Iterable[str | tuple[str, Iterable[str]]]) -> list[AgencyMatch]:
    """Every known agency that a question (or a fragment of one) may name, by the forms of
    ``question_forms`` and, failing those, a form with characters dropped from its middle (平潭交通建设局 for
    平潭交通与建设局: same first and last character, at least half of it, at least 4 characters).

    ``agencies``: names, or (name, variants) pairs. The longest span wins; on one span the best rule wins;
    several agencies left on one span mean the question is ambiguous — ask which (see ``ambiguous``)."""
    qk = key(text)
    known = _known(agencies)
    found: list[AgencyMatch] = []
    for agency, variants in known:
        forms_ = _all_forms(agency, variants)
        places = _places(agency, variants)
        lowest = _lowest_places(agency, variants)
        hit = False
        refused: list[tuple[int, int]] = []  # a form refused by its context refuses the shorter ones inside it
        for form, rule in forms_:  # longest first
            pos = qk.find(form)
            while pos >= 0:
                end = pos + len(form)
                if any(a <= pos and end <= b for a, b in refused):
                    pass
                elif _context_ok(qk, pos, end, rule, places, lowest):
                    found.append(AgencyMatch(agency, form, rule, pos, end))
                    hit = True
                    break
                else:
                    refused.append((pos, end))
                pos = qk.find(form, pos + 1)
        if not hit:
            found.extend(_subsequence_matches(qk, agency, forms_, places, lowest))
    return _best(found)


@lru_cache(maxsize=4096)
def _places(agency: str, variants: tuple[str, ...]) -> frozenset[str]:
    return frozenset(p for n in (agency, *variants) for p in split_name(key(n))[0])


@lru_cache(maxsize=4096)
def _lowest_places(agency: str, variants: tuple[str, ...]) -> frozenset[str]:
    """Each name's last place (淄博市张店区… -> 张店区): the one a question may not leave out."""
    return frozenset(ps[-1] for n in (agency, *variants) if (ps := split_name(key(n))[0]))


def _subsequence_matches(qk: str, agency: str, forms_: tuple[tuple[str, str], ...],
                         places: frozenset[str], lowest: frozenset[str] = frozenset()) -> list[AgencyMatch]:
    out = []
    for form, _rule in forms_:
        if len(form) < 5:
            continue
        least = max(4, (len(form) + 1) // 2)
        for s_ in (i for i, ch in enumerate(qk) if ch == form[0]):
            for e in range(min(len(qk), s_ + len(form) - 1), s_ + least - 1, -1):
                span = qk[s_:e]
                if span[-1] == form[-1] and re.fullmatch(r"[\u4e00-\u9fff]+", span) and _drops_inside(span, form) \
                        and _context_ok(qk, s_, e, "subsequence", places, lowest):
                    out.append(AgencyMatch(agency, form, "subsequence", s_, e))
                    break
    return out


def _drops_inside(span: str, form: str) -> bool:
    """``span`` is ``form`` with characters dropped from its body only: its places are the form's own
    (淮安区人民政府 is not 淮安市洪泽区人民政府 with 市洪泽 dropped)."""
    sp, sb = split_name(span)
    fp, fb = split_name(form)
    if any(p not in fp for p in sp) or (sp and sp[-1] != fp[-1]):
        return False  # a lower place may not be dropped: 淄博市机关事务服务中心 is not 淄博市张店区…
    return bool(sb) and sb[-1] == fb[-1:] and is_subsequence(sb, fb)


def _best(found: list[AgencyMatch]) -> list[AgencyMatch]:
    found.sort(key=lambda m: (-(m.end - m.start), _RULE_RANK[m.rule], m.start))
    kept: list[AgencyMatch] = []
    for m in found:
        if any(k.agency == m.agency for k in kept):
            continue
        same_span = [k for k in kept if (k.start, k.end) == (m.start, m.end)]
        if same_span:
            if _RULE_RANK[m.rule] == _RULE_RANK[same_span[0].rule]:
                kept.append(m)  # another agency under the very same words: ambiguous
            continue
        if any(k.start < m.end and m.start < k.end for k in kept):
            continue  # inside (or across) a longer match: 淮安 inside 淮安市洪泽区
        kept.append(m)
    return sorted(kept, key=lambda m: (m.start, m.agency))


def ambiguous(matches: list[AgencyMatch]) -> list[list[str]]:
    """Groups of agencies that one span of the question names equally well (ask the user which one)."""
    spans: dict[tuple[int, int], list[str]] = {}
    for m in matches:
        spans.setdefault((m.start, m.end), []).append(m.agency)
    return [names for names in spans.values() if len(names) > 1]


def candidates(fragment: str, agencies: Iterable[str | tuple[str, Iterable[str]]]) -> list[str]:
    """The distinct agencies a fragment may name (one = resolved; several = ask; none = unknown)."""
    return list(dict.fromkeys(m.agency for m in match_agencies(fragment, agencies)))
