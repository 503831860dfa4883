"""Scope spans of a question: which agencies (known, abbreviated, or not in the corpus) and which years.

The agency names themselves come from :mod:`ingest.agency` (forms of a name); this module finds them in a
question and says where they are, so the reader can tile the rest of the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.holdings import views_of
from ingest import agency as agency_names
from ingest.index import ReportInfo
from ingest.text import key

_RE_PLACE = re.compile(
    r"([\u4e00-\u9fff]{2,12}?(?:省|自治区|市|州|盟|区|县|旗|街道|镇|乡)"
    r"(?:人民政府|政府|[\u4e00-\u9fff]{0,10}?(?:局|委员会|委|办事处|中心|办公室|厅|署))?)")
_RE_SUBPLACE = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:区|县|旗|街道|镇|乡)(?:人民政府|政府)?")
_RE_BUREAU = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:局|委员会|管委会|中心|办事处|办公室|厅|署)")
_RE_FIRST_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:自治区|省|市|州|区|县|旗|镇|乡|街道)")
_PLACE_STOP = re.compile(r"^(?:全|本|各|我|该|哪|每|这|那|其|某|城|地|社|辖|市区|小区|园区|景区|新区)")
_RE_WHOLE = re.compile(r"(?<=[\u4e00-\u9fff])全(?=[市区县省])")  # 淮安全市 -> 淮安市


@dataclass
class AgencySpans:
    found: list[str]  # canonical names of known agencies, in order of mention
    unknown: list[str]  # place-like names the corpus holds no report of
    spans: list[tuple[int, int]]  # where in the normalised question they were named
    text: str  # the normalised question the spans index
    at: dict[str, int] = field(default_factory=dict)  # where a fragment (金井, 河东工信局) named an agency
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # words that name several agencies equally well


def resolve_agencies(qk: str, reports: list[ReportInfo]) -> AgencySpans:
    """Known agencies in a normalised question (longest match wins) and unknown place-like names."""
    qk = _RE_WHOLE.sub("", qk)
    names = views_of(reports).names
    spans = [(s, e, names.known[a][0]) for s, e, a in names.find(qk)]
    kept = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                                         for o in spans)]
    # a known city followed by a district of its own (淮安市淮阴区…), or a known place followed by a bureau of
    # its own (清田区农业农村局 when only 清田区人民政府 is indexed), names another agency
    unknown: list[tuple[int, int, str]] = []
    for span in list(kept):
        text = qk[span[0]: span[1]]
        m = None
        if text.endswith(("市", "省", "州")):
            m = _RE_SUBPLACE.match(qk, span[1])
        if m is None and text.endswith(("市", "省", "州", "区", "县", "旗", "镇", "乡", "街道")):
            m = _RE_BUREAU.match(qk, span[1])
        if m and not any(o[0] < m.end() and o[1] > span[1] for o in kept if o is not span):
            kept.remove(span)
            unknown.append((span[0], m.end(), qk[span[0]: m.end()]))
    ambiguous: dict[str, list[str]] = {}
    if not kept:  # no name as written: the looser forms of ingest.agency (张店机关事务中心, 机关事务服务中心)
        kept, ambiguous = _loose(qk, reports, [(s, e) for s, e, _ in unknown])
    found: list[str] = []
    for _, _, a in sorted(kept):
        if a not in found:
            found.append(a)
    covered = [(s, e) for s, e, _ in kept] + [(s, s + len(w)) for w in ambiguous for s in [qk.find(w)] if s >= 0]
    for m in _RE_PLACE.finditer(qk):
        name = m.group(1)
        if _PLACE_STOP.match(name) or any(s <= m.start() < e or s < m.end() <= e for s, e in covered):
            continue
        if any(key(f) in name for a in found for f in agency_names.forms(a)):
            covered.append((m.start(), m.end()))  # a known name plus more words (淮安市人民政府办公室) counts as known
            continue
        unknown.append((m.start(), m.end(), name))
    unknown = [u for u in unknown if not any(u[2] != o[2] and u[2] in o[2] for o in unknown)]
    still: list[str] = []
    for s, e, u in unknown:
        if not found:  # with a known agency named, a place-like run is no scope (it may hold 年报告正文…)
            covered.append((s, e))
        match = _abbreviation_of(u, reports)  # 张店区机关事务中心 for the one 张店区 agency it abbreviates
        if match and match not in found:
            found.append(match)
        elif not match and u not in still:
            still.append(u)
    return AgencySpans(found, still, sorted(covered), qk, ambiguous=ambiguous)


LIKELY_SHOWN = 40  # agencies tried by the looser forms: the ones sharing most two-character runs with the question


def _likely(qk: str, reports: list[ReportInfo]) -> list[tuple[str, tuple[str, ...]]]:
    """The known agencies worth trying the looser (costly) forms on: those sharing the most two-character runs
    with the question (at 1,000 agencies, match_agencies over all of them takes tens of milliseconds)."""
    grams = {qk[i:i + 2] for i in range(len(qk) - 1)}
    names = views_of(reports).names
    known = names.known
    index = names.grams
    count: dict[int, int] = {}
    for g in grams:
        for i in index.get(g, ()):
            count[i] = count.get(i, 0) + 1
    if not count:
        return []
    best = max(count.values())
    ranked = sorted((i for i, c in count.items() if c >= best - 1), key=lambda i: -count[i])[:LIKELY_SHOWN]
    return [known[i] for i in ranked]


def _loose(qk: str, reports: list[ReportInfo], taken: list[tuple[int, int]]
           ) -> tuple[list[tuple[int, int, str]], dict[str, list[str]]]:
    """Agencies named by a looser form (ingest.agency.match_agencies: a place without its level word, no place,
    characters dropped from the middle); words that fit several agencies equally well are ambiguous, never one of
    them picked."""
    kept: list[tuple[int, int, str]] = []
    ambiguous: dict[str, list[str]] = {}
    by_span: dict[tuple[int, int], list[str]] = {}
    for m in agency_names.match_agencies(qk, _likely(qk, reports)):
        if not any(a < m.end and m.start < b for a, b in taken):
            names = by_span.setdefault((m.start, m.end), [])
            names.append(m.agency)
            if m.rule == "subsequence":  # 平潭管理局: every agency whose name holds these characters in order
                names += [a for a in _tiers(qk[m.start:m.end], reports) if a not in names]
    for (s, e), names in sorted(by_span.items()):
        if len(names) == 1:
            kept.append((s, e, names[0]))
        else:
            ambiguous[qk[s:e]] = names
    return kept, ambiguous


def _abbreviation_of(name: str, reports: list[ReportInfo]) -> str | None:
    m = _RE_FIRST_PLACE.match(name)
    if not m:
        return None
    place = m.group(0)
    names = views_of(reports).names
    hits = {names.known[i][0] for i, f in names.forms_starting(place)
            if len(f) > len(name) and is_subsequence(name[len(place):], f[len(place):])}
    return hits.pop() if len(hits) == 1 else None


def is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


# ------------------------------------------------------------------ years

_RE_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d{2})(年度|年)?(?!\d)")
_RE_YEAR2 = re.compile(r"(?<![\d.])(\d{2})(年度|年)(?!\d)")
_RE_BAD_YEAR = re.compile(r"(?<![\d.])(\d{4,})(?:年度|年)")


@dataclass
class YearSpan:
    year: int | None  # None: not a possible year (0000年, 99999年)
    start: int
    end: int
    text: str
    marked: bool  # written with 年 / 年度


def find_years(qk: str, raw: str, held: set[int], digits: dict[str, int] | None = None) -> list[YearSpan]:
    """Years written in a question: 2024年, 2024年度, 24年, a bare 2024, a terse 21 (when 2021 is held), and
    impossible ones (0000年) flagged with year None. With ``digits`` (lexicon year_digits) a year written in
    characters (二〇二三年, 二三年) is read as its digits; the spans keep their places (one character a digit)."""
    out: list[YearSpan] = []
    if digits:
        chars = "".join(re.escape(c) for c in digits)
        qk = re.sub(rf"(?<![{chars}])[{chars}]{{2}}(?:[{chars}]{{2}})?(?=年)",
                    lambda m: "".join(str(digits[c]) for c in m.group(0)), qk)
    for m in _RE_YEAR4.finditer(qk):
        out.append(YearSpan(int(m.group(1)), m.start(), m.end(), m.group(0), bool(m.group(2))))
    for m in _RE_YEAR2.finditer(qk):
        y = 2000 + int(m.group(1))
        if not any(s.start <= m.start() < s.end for s in out) and (y in held or m.group(2) == "年度"):
            out.append(YearSpan(y, m.start(), m.end(), m.group(0), True))
    for m in _RE_BAD_YEAR.finditer(qk):
        if not any(s.start <= m.start() < s.end for s in out):
            v = m.group(1)
            ok = len(v) == 4 and not v.startswith("0") and 1949 <= int(v) <= 2100
            out.append(YearSpan(int(v) if ok else None, m.start(), m.end(), m.group(0), True))
    # a terse query: 「海东 21 复议」 (a two-digit token standing alone names a held year)
    for m in re.finditer(r"(?:(?<=\s)|^)(\d{2})(?=\s|$)", raw.strip()):
        y = 2000 + int(m.group(1))
        if y in held:
            pos = _find_token(qk, m.group(1), out)
            if pos is not None:
                out.append(YearSpan(y, pos, pos + 2, m.group(1), False))
    return sorted(out, key=lambda s: s.start)


def _find_token(qk: str, token: str, taken: list[YearSpan]) -> int | None:
    for m in re.finditer(rf"(?<!\d){token}(?!\d)", qk):
        if not any(s.start <= m.start() < s.end for s in taken):
            return m.start()
    return None


# ------------------------------------------------------------------ fragments of names

_LEVELS = set("省市州盟区县旗镇乡")
_GOV = ("人民政府", "政府")
# characters every agency name may carry (levels, 人民政府, 局/委/办 …): a fragment made of them only (区政府, 市政府网站
# 的 区政府) names no agency in particular
_GENERIC = _LEVELS | set("人民政府局委办厅署院中心室所处站网")


def agencies_for_fragment(run: str, reports: list[ReportInfo]) -> list[str]:
    """Known agencies a left-over fragment of the question may name, best tier first: 淮安 (淮安市人民政府) and
    河东工信局 (河东区工信局) add only administrative levels (市/区/县 …) or 人民政府; 洪泽区政 starts a name; 平潭审批局
    and 金井 are a name's characters in order, starting with two of them together (平潭综合实验区行政审批局).
    Several agencies in the best tier: the caller asks which one is meant."""
    if len(run) < 2 or sum(ch not in _GENERIC for ch in run) < 2:
        return []
    whole = [m for m in agency_names.match_agencies(run, _likely(run, reports))
             if m.start == 0 and m.end == len(run)]
    if whole and all(m.rule != "subsequence" for m in whole):
        return list(dict.fromkeys(m.agency for m in whole))  # one mechanism: the forms of ingest.agency
    # characters dropped from a name (平潭管理局): every agency the fragment fits is a candidate, none picked alone
    return list(dict.fromkeys([m.agency for m in whole] + _tiers(run, reports)))


def _tiers(run: str, reports: list[ReportInfo]) -> list[str]:
    """The best tier of agencies a fragment fits: levels added (淮安), a name's head (洪泽区政), a name's
    characters in order starting with two of them together (平潭审批局, 金井)."""
    tiers: list[list[str]] = [[], [], []]
    names = views_of(reports).names
    for i in names.holding_all(run):  # every tier's forms hold each character of the fragment
        keys, agency = names.form_keys[i], names.known[i][0]
        if any(_levels_only(run, f) for f in keys):
            tiers[0].append(agency)
        elif any(f.startswith(run) for f in keys):
            tiers[1].append(agency)
        elif any(run[:2] in f and is_subsequence(run, f[f.index(run[:2]):]) for f in keys):
            tiers[2].append(agency)
    return next((t for t in tiers if t), [])


def _levels_only(run: str, form: str) -> bool:
    """form is run with administrative levels inserted, and perhaps 人民政府 / 政府 appended."""
    for g in _GOV:
        if form.endswith(g) and not run.endswith(g):
            form = form[: -len(g)]
            break
    i = 0
    for ch in form:
        if i < len(run) and ch == run[i]:
            i += 1
        elif ch not in _LEVELS:
            return False
    return i == len(run) and len(form) > len(run) - 0 and form != run
