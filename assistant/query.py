"""Question analysis: which agency, which year, which table cell, which intent.

Deterministic and dictionary-driven: the template fixes the vocabulary, so
rows and columns are found by their wording and synonyms, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ingest import agency as agency_names
from ingest.index import ReportInfo
from ingest.template import (
    GROUP_SYNONYMS,
    T2_ITEMS,
    T3_APPLICANT_KEYS,
    T3_COLUMN_BY_KEY,
    T3_LEGAL_PERSON_KEYS,
    T3_ROWS_2021,
    T3_ROW_BY_KEY,
    T4_COLUMNS,
    T4_GROUPS,
)
from ingest.text import key

_RE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")
_RE_PLACE = re.compile(
    r"([\u4e00-\u9fff]{2,12}?(?:省|自治区|市|州|盟|区|县|旗|街道|镇|乡)"
    r"(?:人民政府|政府|[\u4e00-\u9fff]{0,10}?(?:局|委员会|委|办事处|中心|办公室|厅|署))?)")
_RE_SUBPLACE = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:区|县|旗|街道|镇|乡)(?:人民政府|政府)?")
_RE_BUREAU = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:局|委员会|管委会|中心|办事处|办公室|厅|署)")
_RE_FIRST_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:自治区|省|市|州|区|县|旗|镇|乡|街道)")
_PLACE_STOP = re.compile(r"^(?:全|本|各|我|该|哪|每|这|那|其|某|城|地|社|辖|市区|小区|园区|景区|新区)")


@dataclass
class CellTarget:
    table: str
    rows: list[str]  # row keys; several = sum of them
    columns: list[str]  # column keys; several = sum of them
    row_label: str  # what the question asked, for the answer text
    column_label: str


@dataclass
class Analysis:
    question: str
    agencies: list[str] = field(default_factory=list)  # canonical names of matched agencies
    unknown_agencies: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    target: CellTarget | None = None
    intent: str = "narrative"  # cell | list | max | min | sum | compare | check | narrative | summary
    wants_number: bool = False
    narrative_hint: bool = False  # the question asks what the text says
    table_state: str | None = None  # "blank" | "zero": which reports left a table blank / all 0
    table_state_table: str | None = None
    previous_missing: int | None = None  # 比上年 asked, but the corpus holds no report of that year


def _has(q: str, *words: str) -> bool:
    return any(w in q for w in words)


def resolve_agencies(q: str, reports: list[ReportInfo]) -> tuple[list[str], list[str]]:
    """Known agencies mentioned in the question (longest match wins) and unknown place-like names."""
    qk = re.sub(r"(?<=[\u4e00-\u9fff])全(?=[市区县省])", "", key(q))  # 淮安全市 -> 淮安市
    spans: list[tuple[int, int, str]] = []
    for info in {r.agency: r for r in reports}.values():
        for fk in _form_keys(info.agency, tuple(sorted(info.agency_variants))):
            pos = qk.find(fk)
            if pos >= 0:
                spans.append((pos, pos + len(fk), info.agency))
                break
    # drop matches inside a longer match (淮安市 inside 淮安市洪泽区)
    kept = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                                         for o in spans)]
    # a known city followed by a district of its own (淮安市淮阴区…), or a known place followed by a bureau
    # of its own (清田区农业农村局 when only 清田区人民政府 is indexed), names another agency
    unknown_sub: list[str] = []
    for span in list(kept):
        text = qk[span[0]: span[1]]
        m = None
        if text.endswith(("市", "省", "州")):
            m = _RE_SUBPLACE.match(qk, span[1])
        if m is None and text.endswith(("市", "省", "州", "区", "县", "旗", "镇", "乡", "街道")):
            m = _RE_BUREAU.match(qk, span[1])
        if m and not any(o[0] < m.end() and o[1] > span[1] for o in kept if o is not span):
            kept.remove(span)
            unknown_sub.append(qk[span[0]: m.end()])
    found = []
    for _, _, a in sorted(kept):
        if a not in found:
            found.append(a)
    covered = [(s, e) for s, e, _ in kept]
    unknown = list(unknown_sub)
    for m in _RE_PLACE.finditer(qk):
        name = m.group(1)
        if _PLACE_STOP.match(name) or any(s <= m.start() < e or s < m.end() <= e for s, e in covered):
            continue
        # a mention that is really a known name plus more words (e.g. 淮安市人民政府办公室) counts as known
        if any(key(f) in name for a in found for f in agency_names.forms(a)):
            continue
        unknown.append(name)
    unknown = [u for u in unknown if not any(u != o and u in o for o in unknown)]
    # an abbreviated name (张店区机关事务中心, 东关街道) for exactly one known agency of the same place
    still = []
    for u in dict.fromkeys(unknown):
        match = _abbreviation_of(u, reports)
        if match and match not in found:
            found.append(match)
        elif not match:
            still.append(u)
    return found, still


@lru_cache(maxsize=8192)
def _form_keys(agency: str, variants: tuple[str, ...]) -> tuple[str, ...]:
    """Matching keys of every form of an agency's names, longest first (cached: asked on every question)."""
    forms = set().union(*(agency_names.forms(n) for n in (agency, *variants)))
    return tuple(sorted({key(f) for f in forms}, key=len, reverse=True))


def _abbreviation_of(name: str, reports: list[ReportInfo]) -> str | None:
    m = _RE_FIRST_PLACE.match(name)
    if not m:
        return None
    place = m.group(0)
    hits = set()
    for info in reports:
        for full in (info.agency, *info.agency_variants):
            for f in agency_names.forms(full):
                if f.startswith(place) and len(f) > len(name) and is_subsequence(name[len(place):], f[len(place):]):
                    hits.add(info.agency)
    return hits.pop() if len(hits) == 1 else None


def is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def find_years(q: str) -> list[int]:
    years = []
    for m in _RE_YEAR.finditer(q):
        y = int(m.group(1))
        if y not in years:
            years.append(y)
    return years


# ------------------------------------------------------------------ the cell


def _t3_target(qk: str) -> CellTarget | None:
    rows: list[str] = []
    label = ""
    # specific sub-rows first (their wording is the most distinctive)
    for r in T3_ROWS_2021:
        if r.key == "other_other":
            if "其他处理" not in qk:
                continue  # 3.其他 alone is too generic; under 其他处理 it names this row
            if re.search(r"其他处理.{0,8}[“\"‘']其他[”\"’']", qk):  # 其他处理中“其他”情形
                rows, label = [r.key], "其他处理 3.其他"
                break
        if r.group and r.group not in ("open", "partial"):
            if any(key(s) in qk for s in (*r.keywords, *r.synonyms)):
                rows, label = [r.key], ("其他处理 3.其他" if r.key == "other_other" else r.short)
                break
    if not rows:
        for grp, words in GROUP_SYNONYMS.items():
            if any(key(w) in qk for w in words):
                rows = [r.key for r in T3_ROWS_2021 if r.group == grp]
                label = words[0]
                if grp == "other":
                    rows = ["other_overdue", "other_fee", "other_other", "other"]
                break
    if not rows:
        order = [("forward", ("结转下年", "结转到下", "结转至下", "转入下", "下年度继续", "继续办理")),
                 ("carried", ("上年结转", "上一年结转", "去年结转", "以前年度结转", "上年度结转")),
                 ("open", ("予以公开", "全部公开", "同意公开")),
                 ("partial", ("部分公开",)),
                 ("total", ("办理结果总计", "办结", "办理完毕", "处理完", "办理了多少", "答复了多少", "办理总数",
                            "（七）总计", "(七)总计", "七总计")),
                 ("new", ("新收", "收到", "受理", "新申请", "申请数量", "申请量", "申请总数", "申请多少", "申请有多少",
                          "申请有几", "申请几件", "申请了多少", "提出申请", "申请件数", "多少申请", "多少件申请", "申请共"))]
        for rk, words in order:
            if any(key(w) in qk for w in words):
                rows, label = [rk], T3_ROW_BY_KEY[rk].short
                break
        if not rows and "结转" in qk:
            rows, label = ["forward"], T3_ROW_BY_KEY["forward"].short
        if not rows and "申请" in qk and re.search(r"多少|几件|几个|数量", qk) and not re.search(r"依申请公开(?:情况|工作)", qk):
            rows, label = ["new"], T3_ROW_BY_KEY["new"].short  # 企业申请有多少件 / 律所提交了多少件申请
    if not rows:
        return None
    if rows == ["other_other"]:  # the row's own “其他” / 3.其他 names no applicant column
        qk = re.sub(r"(其他处理.{0,8})(?:[“\"‘']其他[”\"’']|3[.、]?其他)", r"\1", qk)
    cols, clabel = _t3_columns(qk)
    return CellTarget("表三", rows, cols, label, clabel)


_RE_QUOTED = re.compile(r"[“\"'‘「]([^”\"'’」]{1,12})[”\"'’」]")


def _t3_columns(qk: str) -> tuple[list[str], str]:
    for m in _RE_QUOTED.finditer(qk):  # a column named in quotes wins: “其他”法人或其他组织
        named = [ck for ck, c in T3_COLUMN_BY_KEY.items() if m.group(1) in (key(c.label), *map(key, c.synonyms))]
        if len(named) == 1:
            return named, T3_COLUMN_BY_KEY[named[0]].label
    if _has(qk, "法人或其他组织", "法人和其他组织", "法人"):
        return list(T3_LEGAL_PERSON_KEYS), "法人或其他组织"
    for ck in ("natural", "commercial", "research", "social", "legal"):
        c = T3_COLUMN_BY_KEY[ck]
        if any(key(s) in qk for s in c.synonyms):
            return [ck], c.label
    if re.search(r"[“\"'‘]?其他[”\"'’]?类?(?:申请人|组织|主体)", qk) or "申请人为其他" in qk:
        return ["other"], "其他"
    return ["total"], "总计"


def _t4_target(qk: str) -> CellTarget | None:
    review = _has(qk, "复议")
    suit = _has(qk, "诉讼", "起诉", "应诉", "被诉")
    if not (review or suit):
        return None
    if _has(qk, "复议后起诉", "复议后诉讼", "经复议后"):
        groups, glabel = ["after_review"], "行政诉讼（复议后起诉）"
    elif _has(qk, "直接起诉", "未经复议"):
        groups, glabel = ["direct"], "行政诉讼（未经复议直接起诉）"
    elif suit:
        groups, glabel = ["direct", "after_review"], "行政诉讼"
    else:
        groups, glabel = ["review"], "行政复议"
    col = next((c for c in T4_COLUMNS[:-1] if any(key(s) in qk for s in (c.label, *c.synonyms))), T4_COLUMNS[-1])
    return CellTarget("表四", groups, [col.key], glabel, col.label)


def _t2_target(qk: str) -> CellTarget | None:
    for it in T2_ITEMS:
        for r in it.rows:
            if not any(key(s) in qk for s in (r.label, *r.synonyms)):
                continue
            if r.key == "fees" and not _has(qk, "事业性收费", "收费金额", "收费"):
                continue
            cols = list(it.columns_2021) + [c for c in it.columns_2019 if c.key not in {x.key for x in it.columns_2021}]
            col = next((c for c in cols if any(key(s) in qk for s in (c.label, *c.synonyms))), None)
            if col is None:
                col = it.columns_2021[-1] if r.key in ("rules", "normative") and _has(qk, "有效") else it.columns_2021[0]
            return CellTarget("表二", [r.key], [col.key], r.label, col.label)
    return None


_NARRATIVE_TOPICS = ("人大", "政协", "提案", "代表建议", "信息处理费", "培训", "会议", "新媒体", "网站", "公报", "解读", "电话",
                     "地址", "邮箱", "网址", "公众号", "微信", "发布会", "栏目", "单位", "小数")


def find_target(q: str) -> CellTarget | None:
    qk = key(q)
    topics = re.sub(r"(?:哪个|哪家|哪些|哪一个|各个?|每个|几个|[一二三四五六七八九十]个)单位", "", qk)  # 哪个单位 = which agency
    if any(w in topics for w in _NARRATIVE_TOPICS) and not re.search(r"表[二三四234]|新收|结转|复议|诉讼|信息公开申请",
                                                                      qk):
        return None
    t4 = _t4_target(qk)
    # 被申请行政复议 / 申请复议 name 表四, not an information-disclosure application
    if t4 is not None and not _has(re.sub(r"被?申请了?(?:行政)?复议", "复议", qk), "申请"):
        return t4
    t2 = _t2_target(qk)
    if t2 is not None and not _has(qk, "申请"):
        return t2
    return _t3_target(qk) or t4 or t2


# ------------------------------------------------------------------ intent

_CHECK = ("一致", "勾稽", "核对", "平衡", "对得上", "对不上", "矛盾", "有没有问题", "是否正确", "有无错误", "校验",
          "不符", "相符", "合理吗", "准确吗")
_RE_HOW_MANY = re.compile(r"几(?:场|期|条|篇|人次|人|家|份|天|名|位|元|万元|批|轮|所|处|套|台|部|期)")
_NUMBER_Q = ("多少", "几件", "几个", "几项", "几次", "数量", "多大", "金额", "总数", "合计", "一共", "总共", "共有")


_RE_UNIT_Q = re.compile(r"(?:用|是|以)什么(?:计量)?单位|单位是|计量单位|单位为|几位小数")
_RE_BLANK_Q = re.compile(r"没填|未填|空白|空着|一个数(?:字)?都没|没有填")
_RE_ZERO_Q = re.compile(r"(?:全部|全|都|均|全都)(?:为|是)[0零]|无申请")


def _table_rows_state(qk: str) -> tuple[str, str] | None:
    """表三哪些行为0 / 哪些项不为0: rows of a table by their total."""
    m = re.search(r"表([三四])", qk)
    if m is None or not re.search(r"哪(?:些|几)?(?:行|项|类|种|情形)", qk):
        return None
    if re.search(r"(?:不|非)(?:为|是)?[0零]|有数|不是0", qk):
        return "nonzero", f"表{m.group(1)}"
    if re.search(r"(?:为|是)[0零]|没有申请|无申请", qk):
        return "zero", f"表{m.group(1)}"
    return None


def _table_state(qk: str) -> tuple[str, str] | None:
    """A question about which reports left a table blank (未填报) or filled it with zeros only."""
    if not re.search(r"哪|几份|几家|有没有", qk) or re.search(r"哪(?:些|几)?(?:行|项|列|栏|类|种|情形|个数)", qk):
        return None  # 表三哪些行全部为0 asks about rows of one report, not which reports
    m = re.search(r"表([二三四])", qk)
    if m is None and not re.search(r"依申请|申请情况|复议|诉讼", qk):
        return None
    table = f"表{m.group(1)}" if m else ("表四" if re.search(r"复议|诉讼", qk) else "表三")
    if _RE_BLANK_Q.search(qk):
        return "blank", table
    if _RE_ZERO_Q.search(qk):
        return "zero", table
    return None


def analyse(question: str, reports: list[ReportInfo], *, agency: str | None = None, year: int | None = None) -> Analysis:
    q = question.strip()
    qk = key(q)
    a = Analysis(question=q)
    a.agencies, a.unknown_agencies = resolve_agencies(q, reports)
    if agency:
        forced, _ = resolve_agencies(agency, reports)
        a.agencies = forced or a.agencies
        if not forced:
            a.unknown_agencies = [agency]
    a.years = [year] if year else find_years(q)
    if not year and len(a.years) == 1 and re.search(r"打算|计划|将要|下一步|明年|来年|改进", qk):
        have = {r.year for r in reports if not a.agencies or r.agency in a.agencies}
        if a.years[0] not in have and a.years[0] - 1 in have:
            a.years = [a.years[0] - 1]  # 2025年打算… is written in the 2024 report
    if not year and len(a.years) == 1 and re.search(r"(?:比|较|与|和|同)(?:上一?年|去年)|同比", qk):
        prev = a.years[0] - 1  # 比上年 names the year before, when the corpus holds it
        if any(r.year == prev for r in reports if not a.agencies or r.agency in a.agencies):
            a.years.append(prev)
        else:
            a.previous_missing = prev
    a.target = find_target(q)
    a.wants_number = (_has(qk, *_NUMBER_Q) or bool(_RE_HOW_MANY.search(qk))) and "哪几" not in qk
    a.narrative_hint = _has(qk, "正文", "文字", "报告中说", "报告说", "报告称", "文中", "表述", "提到", "介绍", "怎么说",
                            "哪些措施", "什么措施", "如何", "怎样", "情况如何", "做了什么", "采取了")
    rows_state = _table_rows_state(qk)
    state = None if rows_state else _table_state(qk)
    if rows_state is not None:
        a.intent, (a.table_state, a.table_state_table) = "table_rows", rows_state
    elif state is not None:
        a.intent, (a.table_state, a.table_state_table) = "table_state", state
    elif _RE_UNIT_Q.search(qk) and (unit_target := _t2_target(qk)) is not None:
        a.intent, a.target = "unit", unit_target
    elif a.target is not None and a.target.table in ("表三", "表四") and _has(
            qk, "比例", "占比", "百分比", "所占", "占多少", "比率", "比重", "百分之几", "维持率", "纠错率", "纠正率", "胜诉率"):
        a.intent = "ratio"
    elif re.search(r"哪(?:一)?(?:类|种)|什么类型|哪个类型", qk) and _has(qk, "申请人", "申请主体", "主体") and (
            a.target is None or a.target.table == "表三"):
        rows = a.target.rows if a.target is not None and a.target.table == "表三" else ["new"]
        label = a.target.row_label if a.target is not None else T3_ROW_BY_KEY["new"].short
        a.target = CellTarget("表三", rows, list(T3_APPLICANT_KEYS), label, "申请人")
        a.intent = "column_min" if _has(qk, "最少", "最低") else "column_max"
    elif _has(qk, *_CHECK):
        a.intent = "check"
    elif _has(qk, "总结", "概括", "概述", "综述", "汇总一下"):
        a.intent = "summary"
    elif a.target is None or (a.narrative_hint and _has(qk, "正文", "文字", "报告中说", "报告说", "报告称", "文中")):
        a.intent = "narrative"
    elif _has(qk, "最多", "最高", "最大", "最多的", "排名第一", "哪个机关", "哪家", "谁"):
        a.intent = "min" if _has(qk, "最少", "最低", "最小") else "max"
    elif _has(qk, "最少", "最低", "最小"):
        a.intent = "min"
    elif (len(a.years) >= 2 or len(a.agencies) >= 2) and _has(qk, "比", "相比", "增加", "减少", "变化", "多了", "少了",
                                                                 "增长", "下降", "差", "对比"):
        a.intent = "compare"
    elif _has(qk, "列出", "分别", "各个", "各报告", "每个", "每年", "哪些", "列表", "逐年", "各年", "各机关"):
        a.intent = "list"
    elif _has(qk, "一共", "合计", "总共", "加起来", "共计", "累计", "合起来", "总和") and (
            len(a.years) != 1 or len(a.agencies) != 1):
        a.intent = "sum"
    elif len(a.years) >= 2 or len(a.agencies) >= 2:
        a.intent = "list"
    else:
        a.intent = "cell"
    return a
