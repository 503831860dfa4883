"""Reading a question: tile it into spans (agency, year, measure, operation, filler) and build a :class:`Query`.

Every word comes from the lexicon (assistant/data/lexicon.json) or from the corpus (agency names, held years);
what no span covers is *unplaced*. An unplaced content word in the place of a quantity (撤回的申请, 网站访问量是多少)
is *measure-like*: the answer then refuses and names it, rather than answer a nearby cell.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.holdings import Holdings, views_of
from assistant.lexicon import MEASURE_KINDS, Lexicon, Meaning, default_lexicon
from assistant.measures import measures, mismatched
from assistant.query import Measure, Operation, Query, Scope, Span, row_label
from assistant.scope import agencies_for_fragment, find_years, resolve_agencies
from assistant.tiling import ASPECT, PUNCT, Tiled, counted, tile
from ingest.index import ReportInfo
from ingest.template import T2, T3, T4


# ------------------------------------------------------------------ unplaced words


_LEVEL_CHARS = frozenset("省市州盟区县旗镇乡")


def unplaced(t: Tiled, lx: Lexicon) -> tuple[list[str], list[str], list[str]]:
    """Content words no span covers, and those of them that stand where a quantity stands: a run that modifies a
    measure (撤回的申请), that is what is asked (访问量是多少), or that ends like a quantity (满意率, 经费)."""
    words, like, quantity = [], [], []
    spans = sorted(t.spans)
    for s, e, surface, ms in spans:
        if all(m.kind == "topic" for m in ms) and counted(t, s, e, lx):
            quantity.append(surface)  # 政务新媒体有多少个: the accounts are counted, 政府信息5500余条 is no answer
        elif any(m.kind == "absent" for m in ms) and not any(m.kind in MEASURE_KINDS for m in ms):
            words.append(surface)
            like.append(surface)
            quantity.append(surface)
        elif any(m.kind == "body" for m in ms) and s > 0 and t.text[s - 1] in _LEVEL_CHARS:
            body = t.text[s - 1] + surface  # 区政府办: an office of the agency, whose own figures the text may give
            words.append(body)
            like.append(body)
            # the figure must sit next to the office and to what is counted (受理…申请), not to the office alone
            quantity += [body] + [x[2] for x in spans if any(m.kind in MEASURE_KINDS for m in x[3])]
    for s, e, run in t.left:
        core = re.sub(r"[\d.%a-z]+|[一二三四五六七八九十两几]+[种类项个条件份]?", "", run)  # 八种, 三项: counts
        if len(core) < 2:
            continue
        words.append(run)
        hint = next((w for w in lx.not_in_template if w in run), None)
        clause_start, clause_end = _clause_of(t, s, e)
        between = [x for x in spans if e <= x[0] < clause_end]
        nxt, gap = None, []
        for x in between:
            if all(m.kind == "filler" for m in x[3]):
                gap.append(x[2])
                continue
            nxt = x
            break
        verb_gap = any(g in ASPECT for g in gap)
        prev = next((x for x in reversed(spans) if clause_start <= x[0] and x[1] <= s
                     and not all(m.kind == "filler" for m in x[3])), None)
        qualifies = prev is not None and any(m.kind in MEASURE_KINDS for m in prev[3]) and (
            nxt is None or any(m.kind == "op" and m.key == "ask_number" for m in nxt[3]))  # 行政复议搁置的有几件
        modifies = nxt is not None and not verb_gap and any(
            m.kind in ("row", "group", "hint", "column", "colset", "rowset") for m in nxt[3])
        asked = nxt is not None and not verb_gap and any(m.kind == "op" and m.key == "ask_number" for m in nxt[3]) \
            and _noun_like(core)
        attached = [m for x in (nxt, prev) if x is not None for m in x[3] if m.kind in MEASURE_KINDS]
        if (modifies or qualifies) and not hint and _paraphrase(core, attached, lx):
            modifies = qualifies = False  # 本机关不掌握相关信息: 相关 is a word of the row's own label
        if hint or core.endswith(lx.suffixes) or modifies or asked or qualifies:
            like.append(hint or run)
        if hint or core.endswith(lx.suffixes) or modifies:  # 行政裁决本年处理决定数量: the row of the quantity
            quantity.append(hint or core)
        elif counted(t, s, e, lx) and (_noun_like(core) or _after_number_word(t, s)):
            # 粉丝数量是多少: what is counted, whatever it ends with; 收到多少投诉: a word the number word counts is a
            # noun there, whatever jieba tags it alone (投诉, 举报 are verbs to it)
            if run not in like:
                like.append(run)
            quantity.append(core)
    return words, like, quantity


_SHARE_PARTS = {("row", T3), ("group", T3), ("column", T4)}  # 予以公开率, 纠正率: a part over its 总计


def _rate_words(t: Tiled, lx: Lexicon) -> list[str]:
    """A measure word with 率 written onto it (办结率, 受理率): another quantity than the cell's count.
    A part of 表三's results or a 表四 result column with 率 is a share of its 总计 (the tiling gets a share
    operation there); any other such word is a quantity no cell holds, which only the text can give."""
    out: list[str] = []
    ends = {e: (s, w, ms) for s, e, w, ms in t.spans}
    for s, e, run in list(t.left):
        if not run.startswith("率") or s not in ends:  # 新收量 / 申请数 are the count itself: only 率 is another
            continue
        _, surface, ms = ends[s]
        cells = [m for m in ms if m.kind in MEASURE_KINDS and m.kind not in ("table", "hint")]
        if not cells:
            continue
        t.left.remove((s, e, run))
        if len(run) > 1:
            t.left.append((s + 1, e, run[1:]))
            t.left.sort()
        if any((m.kind, m.table) in _SHARE_PARTS and m.key not in ("new", "carried", "total", "forward") for m in cells):
            t.spans.append((s, s + 1, "率", [Meaning("op", key="share")]))
            t.spans.sort(key=lambda x: x[0])
        else:
            out.append(surface + "率")
    return out


def _paraphrase(word: str, meanings: list[Meaning], lx: Lexicon) -> bool:
    """A left-over word sharing two characters in a row with a wording of the measure it stands by rewords that
    measure (法律、行政法规禁止 by 其他法律行政法规禁止公开), it names no other quantity."""
    grams = {word[i:i + 2] for i in range(len(word) - 1)}
    for m in meanings:
        if m.kind == "hint":
            continue  # 申请 alone: any word next to it would pass
        for w in lx.words(m.kind, m.table, m.key):
            if any(g in w for g in grams):
                return True
    return False


def _after_number_word(t: Tiled, s: int) -> bool:
    """The run starts right after the question's number word (多少投诉, 几件举报)."""
    return any(x[1] == s and any(m.kind == "op" and m.key == "ask_number" for m in x[3]) for x in t.spans)


@lru_cache(maxsize=4096)
def _noun_like(word: str) -> bool:
    """jieba's part of speech: a noun (访问量, 人口), not an action (召开, 收取)."""
    from ingest.text import jieba_posseg

    pseg = jieba_posseg()
    tags = [p.flag for p in pseg.lcut(word)]
    return bool(tags) and tags[-1].startswith(("n", "vn", "m", "q"))


# ------------------------------------------------------------------ operation


def operation(t: Tiled, ms: list[Measure], scope: Scope, lx: Lexicon) -> Operation:
    has = t.has_op
    tables = {m.table for _, m in t.meanings("table")}
    rounding = next((m.value for _, m in t.meanings("rounding")), None)
    if tables & {"表三", "表四"} and has("which_rows") and (has("nonzero") or has("is_zero") or has("zero")):
        return Operation(kind="state", state="nonzero" if has("nonzero") else "zero", state_of="rows",
                         state_table=sorted(tables & {"表三", "表四"})[0])
    # 表三是不是全部填的0 (one report named); a cell named (表二的行政处罚是填了0还是空着) is read as a value
    one = len(scope.agencies) == 1 and bool(tables) and not t.meanings("row")
    if (has("which_reports") or has("which_agency") or one) and not has("which_rows") and (has("blank") or has("zero")):
        table = sorted(tables)[0] if tables else (T4 if any(m.table == T4 for _, m in t.meanings("hint")) else
                                                  T3 if any(m.table in (T3, T4) for _, m in t.meanings("hint")) else None)
        if table is not None:
            return Operation(kind="state", state="blank" if has("blank") else "zero", state_of="reports", state_table=table)
    target = ms[0] if ms else None
    if has("unit") and target is not None and target.table == T2:
        return Operation(kind="unit")
    if target is not None and target.table in (T3, T4) and has("share"):
        return Operation(kind="share", rounding=rounding)
    if has("which_kind") and (t.meanings("colset") or any(m.key == "applicants" for _, m in t.meanings("colset"))) \
            and (target is None or target.table == T3):
        return Operation(kind="rank", rank="min" if has("min") else "max", over="columns")
    if has("check") and not _preamble_check(t):  # a row's applicant columns against its 总计, or the 勾稽 rules
        by_col = target is not None and target.table == T3 and any(m.key == "applicants" for _, m in t.meanings("colset"))
        return Operation(kind="check", by="column" if by_col else None)
    if has("summary"):
        return Operation(kind="narrative", summary=True)
    if target is None or (has("narrative") and has("narrative_strong")):
        return Operation(kind="narrative")
    n_scope = max(len(scope.years), len(scope.agencies))
    if has("max") or has("min") or has("which_agency"):
        return Operation(kind="rank", rank="min" if has("min") else "max", over="reports")
    if n_scope >= 2 and has("compare"):
        by = "years" if len(scope.years) >= 2 else "agencies"
        return Operation(kind="compare", compare=by, change=has("change"))
    if has("breakdown") and len(ms) == 1 and n_scope <= 1:
        return Operation(kind="breakdown", by=_breakdown_by(t, ms[0]))
    if has("values"):
        return Operation(kind="values")
    if has("sum") and (len(scope.years) != 1 or len(scope.agencies) != 1):
        return Operation(kind="sum")
    if n_scope >= 2:
        return Operation(kind="values")
    if len(ms) == 2 and has("compare") and not has("sum"):  # 维持的比纠正的多几件: two cells of one report
        return Operation(kind="diff")
    if len(ms) > 1:
        return Operation(kind="sum" if has("sum") else "values")
    return Operation(kind="value")


def _clause_of(t: Tiled, s: int, e: int) -> tuple[int, int]:
    start = max((j + 1 for j in range(0, s) if t.text[j] in PUNCT), default=0)
    end = next((j for j in range(e, len(t.text)) if t.text[j] in PUNCT), len(t.text))
    return start, end


_RE_ASKS = re.compile(r"[吗么呢][？?]?\s*$|[？?]\s*$")  # a clause that is a question of its own


def _preamble_check(t: Tiled) -> bool:
    """我想核对一下，…申请是多少件: a check word in a clause of its own (no measure, no number asked in it) while
    another clause asks a number — the number is the question, the check word only says why it is asked. A check
    clause that is itself a question (…加起来是多少？和总计栏对得上吗？) asks for the check."""
    checks = [(s, e) for s, e, _, ms in t.spans if any(m.kind == "op" and m.key == "check" for m in ms)]
    asks = [(s, e) for s, e, _, ms in t.spans if any(m.kind == "op" and m.key == "ask_number" for m in ms)]
    if not checks or not asks:
        return False
    for s, e in checks:
        c0, c1 = _clause_of(t, s, e)
        if _RE_ASKS.search(t.text[c0:c1 + 1]):  # 和总计栏对得上吗？ asks the check itself: no preamble
            return False
        if any(c0 <= x[0] < c1 and any(m.kind in MEASURE_KINDS or (m.kind == "op" and m.key == "ask_number")
                                       for m in x[3]) for x in t.spans):
            return False
    return any(_clause_of(t, s, e) != _clause_of(t, *checks[0]) for s, e in asks)


def _breakdown_by(t: Tiled, m: Measure) -> str | None:
    """分别 over the result rows (各种办理结果) or over the applicant columns (按申请人类型); None: the measure's own
    parts (a group's rows, a 表四 part's columns)."""
    words = [w for _, _, w, ms in t.spans if any(x.kind == "op" and x.key == "breakdown" for x in ms)]
    if m.table == T3 and (m.rows == ["total"] or m.rows == ["new"] and any(
            k in w for w in words for k in ("结果", "情形", "理由", "类别", "处理"))):
        return "row"
    if any(k in w for w in words for k in ("申请人", "类型")):
        return "column"
    return None


# ------------------------------------------------------------------ the reader


def read(question: str, reports: list[ReportInfo], *, agency: str | None = None, year: int | None = None,
         context: Query | None = None, lexicon: Lexicon | None = None) -> Query:
    lx = lexicon or default_lexicon()
    q = (question or "").strip()
    if not isinstance(reports, Holdings):
        reports = Holdings(reports)  # its views built once for this question (the Assistant's are kept)
    ag = resolve_agencies(lx.norm(q), reports)
    text = ag.text
    held = reports.views.years
    years = find_years(text, q, held, lx.year_digits)
    covered = list(ag.spans) + [(y.start, y.end) for y in years]
    t = tile(text, covered, lx)
    ambiguous = {**ag.ambiguous, **_fragments(t, ag, reports, lx)}
    # a number is asked when a number word is written anywhere (答复了多少 and 多多少 hold 多少 inside a longer span)
    wants_number = any(w in text for w in lx.op_words("ask_number")) and not any(
        w in text for w in lx.op_words("not_number"))
    scope = _scope(_mention_order(ag, reports), ag.unknown, years, t, reports, lx)
    scope.ambiguous = ambiguous
    _apply_filters(scope, reports, agency, year)
    rates = _rate_words(t, lx)
    ms = measures(t, q, lx, wants_number)
    words, like, quantity = unplaced(t, lx)
    like += [w for w in rates if w not in like]
    quantity += [w for w in rates if w not in quantity]
    query = Query(question=q, scope=scope, measures=ms, unplaced=words, measure_like=like, quantity_words=quantity,
                  wants_number=wants_number, mismatched=mismatched(t, ms[0].table if ms else None),
                  narrative_hint=t.has_op("narrative"), text_named=t.has_op("narrative_strong"),
                  spans=[Span(start=s, end=e, text=w, kind=_span_kind(m)) for s, e, w, m in t.spans]
                  + [Span(start=s, end=e, text=text[s:e], kind="agency") for s, e in ag.spans]
                  + [Span(start=y.start, end=y.end, text=y.text, kind="year") for y in years]
                  + [Span(start=s, end=e, text=w, kind="unplaced") for s, e, w in t.left],
                  terms=_terms(t))
    qualified = _without_report_date(q, lx)
    if qualified is not None and wants_number:
        query.search_text = qualified  # 落款日期为2024年1月5日的那份年报，主动公开了多少条: the number is asked, not the date
    if context is not None:
        from assistant.conversation import merge

        query = merge(query, context, t)
    query.operation = operation(t, query.measures, query.scope, lx) if context is None or not query.scope.from_context \
        or _names_operation(t) else _context_operation(query, context, t, lx)
    if context is not None and _sums_earlier_turns(query, t):
        query.operation = Operation(kind="sum", over="turns")  # 两项加起来呢: the last two answers, added
    _previous_year(query, t, reports)
    op = query.operation
    if op.kind == "rank" and op.over == "reports" and len(query.measures) == 1 and _one_report(query, reports):
        _rank_parts(query)
    if op.kind == "rank" and op.over == "columns":  # 哪类申请人最多: the row across the applicant columns
        base = query.measures[0] if query.measures and query.measures[0].table == T3 else None
        keys = list(lx.key_set("colset", T3, "applicants").columns)
        query.measures = [Measure(T3, base.rows if base else ["new"], keys, base.row_label if base else
                                  row_label(T3, "new"), "申请人")]
    return query


def _mention_order(ag, reports: list[ReportInfo]) -> list[str]:
    """The agencies found, in the order the question names them (A比B多多少 subtracts B from A)."""
    if len(ag.found) < 2:
        return list(ag.found)  # (one agency has no order: nothing to look up, at 1,000 reports either)
    names = views_of(reports).names
    pos = {}
    for i, a in enumerate(ag.found):
        at = [ag.text.find(k) for k in names.keys_of(a)]
        pos[a] = min([p for p in at if p >= 0] + ([ag.at[a]] if a in ag.at else []), default=len(ag.text) + i)
    return sorted(ag.found, key=lambda a: pos[a])


def _without_report_date(q: str, lx: Lexicon) -> str | None:
    """The question without a clause that picks the report by its date (落款日期为2024年1月5日的那份), or None."""
    text = lx.norm(q)
    if not any(w in text for w in lx.report_date_words):
        return None
    for w in lx.report_date_words:
        m = re.search(re.escape(w) + r"(?:为|是|在)?\s*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日(?:的)?(?:那份|这份|那一份|这一份)?",
                      text)
        if m:
            return (text[: m.start()] + text[m.end():]).strip("，, ")
    return None


def _one_report(q: Query, reports: list[ReportInfo]) -> bool:
    return len(views_of(reports).select(q.scope.agencies, q.scope.years)) == 1


def _rank_parts(q: Query) -> None:
    """哪种最多 within one report: the measure's parts compete (表四: its result columns; 表三 办理结果: the result
    rows); a measure that already has several cells (不予处理 = 5 rows) keeps them."""
    m = q.measures[0]
    q.operation.over = "parts"
    if m.table == T4 and m.columns == ["total"]:
        m.columns = ["upheld", "corrected", "other", "pending"]
        m.column_label = "各种结果"
    elif m.table == T3 and m.rows in (["new"], ["total"]):
        q.operation.by = "row"  # 办理结果中哪一类最多: the six result categories compete (executor.rank_groups)


def _fragments(t: Tiled, ag, reports: list[ReportInfo], lx: Lexicon) -> dict[str, list[str]]:
    """Left-over runs (and place-like names the corpus does not hold) that are a fragment of a known agency's name
    (淮安, 平潭审批局, 金井) become agency spans; a fragment that fits several agencies is returned, so that the answer
    asks which one is meant. With an agency already named, only a longer fragment (比行政审批局多) counts."""
    ambiguous: dict[str, list[str]] = {}
    for u in list(ag.unknown):  # 请帮忙统计一下金井片区管理局 / 2024年1月24日的海坛片区管理局: words before the name
        hits = agencies_for_fragment(_strip_lead(u, lx), reports)
        if hits:  # one agency, or a place whose agencies the corpus holds (平潭综合实验区的几个部门里)
            ag.unknown.remove(u)
            ag.found.extend(h for h in hits if h not in ag.found)
    keep = []
    for s, e, run in t.left:
        got = None
        for end in range(len(run), 1, -1):  # the longest head of the run that is a fragment
            if ag.found and end < 3:
                break
            every = agencies_for_fragment(run[:end], reports)
            hits = [h for h in every if h not in ag.found]
            if every and not hits:  # 交通与建设局: 建设局 is the rest of a name already read
                got = (end, [])
                break
            if hits:
                got = (end, hits)
                break
        if got is None:
            keep.append((s, e, run))
            continue
        end, hits = got
        if len(hits) == 1:
            ag.found.append(hits[0])
            ag.at[hits[0]] = s
        elif hits:
            ambiguous[run[:end]] = hits
        ag.spans.append((s, s + end))
        if end < len(run):
            keep.append((s + end, e, run[end:]))
    t.left = keep
    if ag.found:
        ag.unknown[:] = [u for u in ag.unknown if not agencies_for_fragment(_strip_lead(u, lx), reports)]
    return ambiguous


def _strip_lead(name: str, lx: Lexicon) -> str:
    """A place-like name without the question's words before it (dates, filler, operation words)."""
    name = re.sub(r"^(?:\d+[年月日号]|年度?|日)+的?", "", name)
    changed = True
    while changed and name:
        changed = False
        for L in range(min(lx.longest, len(name) - 2), 0, -1):
            ms = lx.surfaces.get(name[:L])
            if ms and all(m.kind in ("filler", "op") for m in ms):
                name, changed = name[L:], True
                break
    return name


def _terms(t: Tiled) -> list[str]:
    """The question's topic words and left-over runs, in order (会议公开, 业务动态): what it asks about in the text."""
    spans = [(s, w) for s, _, w, ms in t.spans if any(m.kind == "topic" for m in ms)] + [(s, w) for s, _, w in t.left]
    return [w for _, w in sorted(spans)]


def _sums_earlier_turns(q: Query, t: Tiled) -> bool:
    """A follow-up that asks only for a sum (两项加起来呢？ 一共多少？) and names nothing of its own, after two
    answered turns."""
    named = q.terms or any(m.kind in MEASURE_KINDS for *_, ms in t.spans for m in ms
                           if not any(x.kind == "op" and x.key == "sum" for x in ms))  # 合计: the sum, not 总计
    answered = [r for r in q.earlier[-2:] if r.value is not None]
    return t.has_op("sum") and not named and len(answered) == 2 and {"机关", "年度"} <= set(q.scope.from_context)


def _names_operation(t: Tiled) -> bool:
    return any(m.kind == "op" and m.key not in ("ask_number", "not_number") for _, m in t.meanings("op"))


def _context_operation(query: Query, context: Query, t: Tiled, lx: Lexicon) -> Operation:
    """A follow-up naming no operation keeps the previous one when it still applies."""
    op = context.operation.model_copy()
    if op.kind in ("compare", "sum", "values") and max(len(query.scope.years), len(query.scope.agencies)) < 2:
        return operation(t, query.measures, query.scope, lx)
    return op


def _span_kind(ms: list[Meaning]) -> str:
    kinds = {m.kind for m in ms}
    if kinds & set(MEASURE_KINDS):
        return "measure"
    if "op" in kinds or "rounding" in kinds:
        return "operation"
    if "topic" in kinds:
        return "topic"
    if "absent" in kinds or "body" in kinds:
        return "unplaced"
    return "filler"


def _scope(found: list[str], unknown: list[str], years, t: Tiled, reports: list[ReportInfo], lx: Lexicon) -> Scope:
    scope = Scope(agencies=list(found), unknown_agencies=list(unknown))
    pool = views_of(reports).years_of(found)
    plan = bool(t.meanings("plan"))
    for y in years:
        if y.year is None:
            scope.invalid_years.append(y.text)
            continue
        if y.year in scope.years:
            continue
        if y.year in pool or not _content_year(y, t, lx):
            scope.years.append(y.year)
        else:
            scope.content_years.append(y.year)
    if plan and not scope.years and scope.content_years:
        y = scope.content_years[0]
        if y not in pool and y - 1 in pool:
            scope.years.append(y - 1)  # 2025年打算… is written in the 2024 report
    if any(y in pool for y in scope.years) and not (t.has_op("compare") or t.has_op("previous_year")):
        # 2023年的年报说，针对2022年工作中…: beside a held report year, a year not held is one the text talks about
        scope.content_years += [y for y in scope.years if y not in pool]
        scope.years = [y for y in scope.years if y in pool]
    scope.missing_years = [y for y in scope.years if y not in pool]
    return scope


def _content_year(y, t: Tiled, lx: Lexicon) -> bool:
    """A year the text talks about rather than a report year: next to 到 / 要 / 计划 / 前 … or a plan word."""
    before = t.text[max(0, y.start - 4): y.start]
    before = before[:-1] if before.endswith("的") else before  # 提到的2019年
    after = t.text[y.end: y.end + 2]
    if re.match(r"年?\d{1,2}月", t.text[y.end: y.end + 4]):
        return True  # a date (落款日期为2024年1月5日), not a report year
    near = any(before.endswith(w) or after.startswith(w) for w in lx.year_markers)
    return near or bool(t.meanings("plan"))


def _apply_filters(scope: Scope, reports: list[ReportInfo], agency: str | None, year: int | None) -> None:
    """--agency/--year narrow the scope the question leaves open; a scope the question states wins (and says so)."""
    if agency:
        scope.filters["agency"] = agency
        forced = resolve_agencies(default_lexicon().norm(agency), reports).found
        if scope.agencies or scope.unknown_agencies:
            if set(forced) != set(scope.agencies):
                scope.overridden.append(f"机关：{agency}")
        elif forced:
            scope.agencies = forced
        else:
            scope.unknown_agencies = [agency]
    if year:
        scope.filters["year"] = year
        if scope.years or scope.missing_years or scope.invalid_years:
            if scope.years != [year]:
                scope.overridden.append(f"年度：{year}")
        else:
            scope.years = [year]
            pool = views_of(reports).years_of(scope.agencies)
            scope.missing_years = [year] if year not in pool else []


def _previous_year(query: Query, t: Tiled, reports: list[ReportInfo]) -> None:
    s = query.scope
    if len(s.years) == 1 and t.has_op("previous_year") and "year" not in s.filters:
        prev = s.years[0] - 1  # 比上年 names the year before, when the corpus holds it
        if prev in views_of(reports).years_of(s.agencies):
            s.years.append(prev)
            if query.operation.kind in ("value", "values"):
                query.operation = Operation(kind="compare", compare="years", change=t.has_op("change"))
        else:
            s.previous_missing = prev
