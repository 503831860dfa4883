"""Reading a question: tile it into spans (agency, year, measure, operation, filler) and build a :class:`Query`.

Every word comes from the lexicon (assistant/data/lexicon.json) or from the corpus (agency names, held years);
what no span covers is *unplaced*. An unplaced content word in the place of a quantity (撤回的申请, 网站访问量是多少)
is *measure-like*: the answer then refuses and names it, rather than answer a nearby cell.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.lexicon import MEASURE_KINDS, Lexicon, Meaning, default_lexicon
from assistant.query import Measure, Operation, Query, Scope, Span, column_label, row_label
from assistant.scope import agencies_for_fragment, find_years, resolve_agencies
from ingest.index import ReportInfo
from ingest.template import ALL_T2_ITEMS, T2, T3, T3_ROWS_2021, T4

_RE_QUOTED_OTHER = re.compile(r"[“\"‘'「]其他[”\"’'」]|3[.、]?其他")
_PUNCT = set("，,。.？?！!；;：:、“”\"'‘’「」（）()《》<>【】[]-—~～ ")


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
        if not free[i] or text[i] in _PUNCT:
            i += 1
            continue
        j = i
        while j < len(text) and free[j] and text[j] not in _PUNCT:
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
                if sum(x != y for x, y in zip(surf, part)) == 1:
                    return a, b, ms
    return None


# ------------------------------------------------------------------ measures


def _pick_table(t: Tiled) -> str | None:
    explicit = {m.table for _, m in t.meanings("table")}
    if len(explicit) == 1:
        return explicit.pop()
    kinds: dict[str, set[str]] = {}
    for _, _, _, ms in t.spans:
        for m in ms:
            if m.kind in MEASURE_KINDS and m.kind != "table":
                kinds.setdefault(m.table, set()).add(m.kind)
    t3_cells = bool(kinds.get(T3, set()) & {"row", "group"}) and any(
        m.kind in ("row", "group") and m.table == T3 and m.key != "total" for _, m in t.meanings("row") + t.meanings("group"))
    t3_hint = "hint" in kinds.get(T3, set())
    t4 = bool(kinds.get(T4, set()) & {"group", "rowset"})
    t2 = "row" in kinds.get(T2, set())
    if t3_cells:
        return T3
    if t4 and not t3_hint:
        return T4
    if t2 and not t3_hint:
        return T2
    if t3_hint or "row" in kinds.get(T3, set()):
        return T3
    if t4:
        return T4
    if t2:
        return T2
    return None


def _t3_rows(t: Tiled, raw: str) -> list[tuple[list[str], str]]:
    """Each row or group mention of 表三 as (row keys, label), a sub-row refining its group."""
    rows = [(s, m.key) for s, m in t.meanings("row") if m.table == T3]
    groups = [(s, m.key) for s, m in t.meanings("group") if m.table == T3]
    row_group = {r.key: r.group for r in T3_ROWS_2021}
    if any(g == "other" for _, g in groups) and _RE_QUOTED_OTHER.search(raw) and not any(
            row_group.get(k) == "other" for _, k in rows):
        rows.append((min(s for s, g in groups if g == "other"), "other_other"))  # 其他处理中的“3.其他”
    row_group = {r.key: r.group for r in T3_ROWS_2021}
    out: list[tuple[int, list[str], str]] = []
    for s, k in rows:
        out.append((s, [k], row_label(T3, k) if k != "other_other" else "其他处理 3.其他"))
    for s, g in groups:
        if any(row_group.get(k) == g for _, k in rows):
            continue  # 不予公开 … 行政查询: the sub-row says which
        keys = ["other_overdue", "other_fee", "other_other", "other"] if g == "other" else \
            [r.key for r in T3_ROWS_2021 if r.group == g]
        out.append((s, keys, _GROUP_LABEL[g]))
    results = [x for x in out if not set(x[1]) & {"new", "total", "carried", "forward"}]
    if results:  # 新收的申请中予以公开的: the result row is asked, 新收 / 办理结果 only say where it is
        out = [x for x in out if set(x[1]) - {"new", "total"}]
    seen, uniq = set(), []
    for s, keys, label in sorted(out):
        if tuple(keys) not in seen:
            seen.add(tuple(keys))
            uniq.append((keys, label))
    return uniq


_GROUP_LABEL = {"withheld": "（三）不予公开", "unable": "（四）无法提供", "not_handled": "（五）不予处理", "other": "（六）其他处理"}


def _t3_columns(t: Tiled, raw: str, lx: Lexicon, rows: list[str]) -> list[tuple[list[str], str]]:
    cols: list[tuple[int, list[str], str]] = []
    for s, m in t.meanings("colset"):
        if m.table == T3 and m.key != "applicants":
            ks = lx.key_set("colset", T3, m.key)
            cols.append((s, list(ks.columns), ks.label))
    for s, m in t.meanings("column"):
        if m.table == T3 and m.key != "total":
            cols.append((s, [m.key], column_label(T3, m.key)))
    if rows != ["other_other"] and len(rows) <= 1 and _RE_QUOTED_OTHER.search(raw):
        if not any(c[1] == ["other"] for c in cols):
            cols = [c for c in cols if len(c[1]) == 1] + [(0, ["other"], "其他")]  # “其他”法人或其他组织
    seen, out = set(), []
    for _, keys, label in sorted(cols):
        if tuple(keys) not in seen:
            seen.add(tuple(keys))
            out.append((keys, label))
    if any(k == ["other"] for k, _ in out):
        out = [x for x in out if x[0] == ["other"]]
    return out or [(["total"], "总计")]


def _topic_only(t: Tiled) -> bool:
    """A narrative subject (人大建议, 政策解读, 网站 …) with no word that names a table's cell for sure."""
    if not t.meanings("topic") or t.meanings("table"):
        return False
    strong = any(m.table == T4 for _, m in t.meanings("group") + t.meanings("rowset")) or any(
        m.table == T3 and m.key in ("new", "carried", "forward") for _, m in t.meanings("row")) or any(
        w.endswith("公开申请") for _, _, w, ms in t.spans if any(m.kind == "hint" for m in ms))
    return not strong


def measures(t: Tiled, raw: str, lx: Lexicon, wants_number: bool) -> list[Measure]:
    table = None if _topic_only(t) else _pick_table(t)
    if table is None:
        return []
    if table == T3:
        rows = _t3_rows(t, raw)
        if not rows:
            if any(m.key == "forward" for _, m in t.meanings("row")):
                rows = [(["forward"], row_label(T3, "forward"))]
            elif any(m.table == T3 for _, m in t.meanings("hint")) and (
                    wants_number or t.meanings("column") or t.has_op("breakdown")):
                rows = [(["new"], row_label(T3, "new"))]  # 企业申请有多少件: the applications received
            elif any(m.table == T3 and m.key == "total" for _, m in t.meanings("row")):
                rows = [(["total"], row_label(T3, "total"))]
            elif t.meanings("table") or t.meanings("colset"):
                rows = [(["new"], row_label(T3, "new"))]
            else:
                return []
        out = []
        for keys, label in rows:
            for ckeys, clabel in _t3_columns(t, raw, lx, keys):
                out.append(Measure(T3, keys, ckeys, label, clabel))
        return out
    if table == T4:
        return _t4_measures(t, lx, raw)
    # 表二: each named row with the column named for it (its item's columns), else the item's first column
    out = []
    seen = set()
    for _, m in t.meanings("row"):
        if m.table != T2 or m.key in seen:
            continue
        seen.add(m.key)
        item = next(it for it in ALL_T2_ITEMS if any(r.key == m.key for r in it.rows))
        cols = {c.key: c for c in (*item.columns_2021, *item.columns_2019)}
        named = list(dict.fromkeys(c.key for _, c in t.meanings("column") if c.table == T2 and c.key in cols))
        rlabel = next(r.label for r in item.rows if r.key == m.key)
        for ck in named or [(item.columns_2021 or item.columns_2019)[0].key]:
            out.append(Measure(T2, [m.key], [ck], rlabel, cols[ck].label))
    return out


def _t4_measures(t: Tiled, lx: Lexicon, raw: str) -> list[Measure]:
    """Each 表四 part named (行政复议, 直接起诉, 复议后起诉, or 行政诉讼 = both lawsuits) with the result columns named
    after it (维持、纠正 …); a column named before any part goes with the first part."""
    groups: list[tuple[int, list[str], str]] = []
    for s, m in t.meanings("group"):
        if m.table == T4:
            groups.append((s, [m.key], row_label(T4, m.key)))
    for s, m in t.meanings("rowset"):
        if m.table == T4:
            ks = lx.key_set("rowset", T4, m.key)
            groups.append((s, list(ks.rows), ks.label))
    groups.sort()
    specific = {ks[0] for _, ks, _ in groups if len(ks) == 1 and ks[0] != "review"}
    if specific:  # 复议后起诉的行政诉讼: the part named, not both lawsuits
        groups = [g for g in groups if not (len(g[1]) > 1 and set(g[1]) & specific)]
    seen, uniq = set(), []
    for g in groups:
        if tuple(g[1]) not in seen:
            seen.add(tuple(g[1]))
            uniq.append(g)
    groups = uniq or [(0, ["review"], row_label(T4, "review"))]
    cols = [(s, m.key) for s, m in t.meanings("column") if m.table == T4]
    if not cols and _RE_QUOTED_OTHER.search(raw):  # 结果属于“其他”的
        cols = [(groups[0][0] if groups else 0, "other")]
    named = [c for c in cols if c[1] != "total"]
    if named and not any(k == "total" and _total_asked(t, s) for s, k in cols):
        cols = named
    out: list[Measure] = []
    for gi, (gs, keys, label) in enumerate(groups):
        nxt = groups[gi + 1][0] if gi + 1 < len(groups) else 10 ** 6
        mine = [k for s, k in cols if (gs <= s < nxt) or (gi == 0 and s < gs)]
        for k in dict.fromkeys(mine or ([k for _, k in named] if len(groups) == 1 else []) or ["total"]):
            out.append(Measure(T4, keys, [k], label, column_label(T4, k)))
    return out


def _total_asked(t: Tiled, pos: int) -> bool:
    """总计 named as a value of its own (…分别是多少？总计又是多少), not as the part's total."""
    return any(s > pos - 3 and s <= pos for s, m in t.meanings("op") if m.key in ("values",)) or "又" in t.text[pos:pos + 4]


# ------------------------------------------------------------------ unplaced words


def unplaced(t: Tiled, lx: Lexicon) -> tuple[list[str], list[str], list[str]]:
    """Content words no span covers, and those of them that stand where a quantity stands: a run that modifies a
    measure (撤回的申请), that is what is asked (访问量是多少), or that ends like a quantity (满意率, 经费)."""
    words, like, quantity = [], [], []
    spans = sorted(t.spans)
    for s, e, run in t.left:
        core = re.sub(r"[\d.%a-z]+|[一二三四五六七八九十两几]+[种类项个条件份]?", "", run)  # 八种, 三项: counts
        if len(core) < 2:
            continue
        words.append(run)
        hint = next((w for w in lx.not_in_template if w in run), None)
        clause_end = next((j for j in range(e, len(t.text)) if t.text[j] in _PUNCT), len(t.text))
        between = [x for x in spans if e <= x[0] < clause_end]
        nxt, gap = None, []
        for x in between:
            if all(m.kind == "filler" for m in x[3]):
                gap.append(x[2])
                continue
            nxt = x
            break
        verb_gap = any(g in _ASPECT for g in gap)
        clause_start = max((j + 1 for j in range(0, s) if t.text[j] in _PUNCT), default=0)
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
        if hint or core.endswith(lx.suffixes):
            quantity.append(hint or core)
    return words, like, quantity


_ASPECT = {"了", "过", "着", "地", "得"}


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


@lru_cache(maxsize=4096)
def _noun_like(word: str) -> bool:
    """jieba's part of speech: a noun (访问量, 人口), not an action (召开, 收取)."""
    import jieba.posseg as pseg

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
    if has("check"):  # a row's applicant columns against its 总计, or the table's 勾稽 rules
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
    if len(ms) > 1:
        return Operation(kind="sum" if has("sum") else "values")
    return Operation(kind="value")


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
    ag = resolve_agencies(lx.norm(q), reports)
    text = ag.text
    held = {r.year for r in reports}
    years = find_years(text, q, held)
    covered = list(ag.spans) + [(y.start, y.end) for y in years]
    t = tile(text, covered, lx)
    ambiguous = _fragments(t, ag, reports, lx)
    # a number is asked when a number word is written anywhere (答复了多少 and 多多少 hold 多少 inside a longer span)
    wants_number = any(w in text for w in lx.op_words("ask_number")) and not any(
        w in text for w in lx.op_words("not_number"))
    scope = _scope(ag.found, ag.unknown, years, t, reports, lx)
    scope.ambiguous = ambiguous
    _apply_filters(scope, reports, agency, year)
    ms = measures(t, q, lx, wants_number)
    words, like, quantity = unplaced(t, lx)
    query = Query(question=q, scope=scope, measures=ms, unplaced=words, measure_like=like, quantity_words=quantity,
                  wants_number=wants_number,
                  narrative_hint=t.has_op("narrative"), text_named=t.has_op("narrative_strong"),
                  spans=[Span(start=s, end=e, text=w, kind=_span_kind(m)) for s, e, w, m in t.spans]
                  + [Span(start=s, end=e, text=text[s:e], kind="agency") for s, e in ag.spans]
                  + [Span(start=y.start, end=y.end, text=y.text, kind="year") for y in years]
                  + [Span(start=s, end=e, text=w, kind="unplaced") for s, e, w in t.left])
    if context is not None:
        from assistant.conversation import merge

        query = merge(query, context, t)
    query.operation = operation(t, query.measures, query.scope, lx) if context is None or not query.scope.from_context \
        or _names_operation(t) else _context_operation(query, context, t, lx)
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


def _one_report(q: Query, reports: list[ReportInfo]) -> bool:
    s = q.scope
    return len([r for r in reports if (not s.agencies or r.agency in s.agencies) and (not s.years or r.year in s.years)]) == 1


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
    return "filler"


def _scope(found: list[str], unknown: list[str], years, t: Tiled, reports: list[ReportInfo], lx: Lexicon) -> Scope:
    scope = Scope(agencies=list(found), unknown_agencies=list(unknown))
    pool = {r.year for r in reports if not found or r.agency in found}
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
            pool = {r.year for r in reports if not scope.agencies or r.agency in scope.agencies}
            scope.missing_years = [year] if year not in pool else []


def _previous_year(query: Query, t: Tiled, reports: list[ReportInfo]) -> None:
    s = query.scope
    if len(s.years) == 1 and t.has_op("previous_year") and "year" not in s.filters:
        prev = s.years[0] - 1  # 比上年 names the year before, when the corpus holds it
        if any(r.year == prev for r in reports if not s.agencies or r.agency in s.agencies):
            s.years.append(prev)
            if query.operation.kind in ("value", "values"):
                query.operation = Operation(kind="compare", compare="years", change=t.has_op("change"))
        else:
            s.previous_missing = prev
