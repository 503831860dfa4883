"""Measures of a tiled question: which table, which rows and columns, one Measure per thing named.

Rows, groups and columns come from the lexicon's meanings; the template (ingest/template.py) gives their keys and
labels. Several rows or columns named make several measures, which the executor shows or adds up.
"""

from __future__ import annotations

from assistant.lexicon import MEASURE_KINDS, Lexicon
from assistant.query import Measure, column_label, row_label
from assistant.tiling import RE_QUOTED_OTHER, Tiled, counted, topic_runs
from ingest.template import ALL_T2_ITEMS, T2, T3, T3_ROWS_2021, T4

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
    t3_cols = any(m.table == T3 and m.key not in ("total", "applicants") for _, m in t.meanings("column") + t.meanings("colset"))
    if t3_cells:
        return T3
    if t4 and not t3_cols:  # 因依申请公开引发的行政复议: 申请 only says what the lawsuits are about; 表四 holds them
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


_GENERIC_T3_ROWS = ("new", "carried", "total", "forward")  # 收到 / 受理 / 办结 also say it of 表四's cases


def mismatched(t: Tiled, table: str | None) -> list[str]:
    """Words naming a cell of another table than the one the measures are read from (行政复议 beside 自然人: 表四 has
    no applicant columns; 予以公开 beside 维持): no one cell has both, so no table answer fits the question. Only
    words that name a cell for sure count: not hints (申请, 诉讼), not 总计, not 表三's generic rows (收到, 办结)."""
    if table is None:
        return []
    out: list[str] = []
    for _, _, surface, ms in t.spans:
        if any(m.table == table for m in ms) or any(m.kind in ("filler", "op") for m in ms):
            continue
        cells = [m for m in ms if m.kind in ("row", "group", "rowset", "column", "colset")
                 and m.key != "total" and not (m.table == T3 and m.kind == "row" and m.key in _GENERIC_T3_ROWS)
                 and not (m.kind == "colset" and m.key == "applicants" and table == T3)]
        if cells and f"{cells[0].table}「{surface}」" not in out:
            out.append(f"{cells[0].table}「{surface}」")
    return out


def _t3_rows(t: Tiled, raw: str) -> list[tuple[list[str], str]]:
    """Each row or group mention of 表三 as (row keys, label), a sub-row refining its group."""
    rows = [(s, m.key) for s, m in t.meanings("row") if m.table == T3]
    groups = [(s, m.key) for s, m in t.meanings("group") if m.table == T3]
    row_group = {r.key: r.group for r in T3_ROWS_2021}
    if any(g == "other" for _, g in groups) and RE_QUOTED_OTHER.search(raw) and not any(
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
    base_at = share_base_at(t)
    results = [x for x in out if not set(x[1]) & {"new", "total", "carried", "forward"}]
    if results:  # 新收的申请中予以公开的: the result row is asked, 新收 / 办理结果 only say where it is
        # (…占新收申请的百分之几: a row after 占 is the share's base the question names, and stays)
        out = [x for x in out if set(x[1]) - {"new", "total"} or (base_at is not None and x[0] > base_at)]
    seen, uniq = set(), []
    for s, keys, label in sorted(out):
        if tuple(keys) not in seen:
            seen.add(tuple(keys))
            uniq.append((keys, label))
    return uniq


def share_base_at(t: Tiled) -> int | None:
    """Where a share's base begins (A占B的百分之几: the position of 占), when the question names one."""
    return next((s for s, m in t.meanings("op") if m.key == "share_base"), None)


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
    if rows != ["other_other"] and len(rows) <= 1 and RE_QUOTED_OTHER.search(raw):
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


def _topic_only(t: Tiled, lx: Lexicon) -> bool:
    """A narrative subject (人大建议, 政策解读, 网站 …) with no word that names a table's cell for sure. A 表三 row
    named by a verb alone (收到, 新收) is not sure when what the question counts is the subject: 收到几件人大代表建议
    counts suggestions, not applications."""
    if not t.meanings("topic") or t.meanings("table"):
        return False
    rows = any(m.table == T3 and m.key in ("new", "carried", "forward") for _, m in t.meanings("row"))
    strong = any(m.table == T4 for _, m in t.meanings("group") + t.meanings("rowset")) or (
        rows and not any(counted(t, s, e, lx) for s, e in topic_runs(t))) or any(
        w.endswith("公开申请") for _, _, w, ms in t.spans if any(m.kind == "hint" for m in ms))
    return not strong


def measures(t: Tiled, raw: str, lx: Lexicon, wants_number: bool) -> list[Measure]:
    table = None if _topic_only(t, lx) else _pick_table(t)
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
    if not cols and RE_QUOTED_OTHER.search(raw):  # 结果属于“其他”的
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
