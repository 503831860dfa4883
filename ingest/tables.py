"""Parsers for the three template tables (表二, 表三, 表四) from report lines.

The layouts differ wildly (tab cells, space cells, labels split across lines,
vertical header characters, page numbers inside the table, numbers before
their label), but the template fixes the rows and their order. So the parser
reads *groups of numbers* of the table's width and assigns them to the
template rows in order; printed labels are used to decide which optional rows
exist, to anchor groups when the count does not match, and for quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import CellState, TableCell
from ingest.readers import Line
from ingest.template import (
    ALL_T2_ITEMS,
    T2,
    T2_ITEMS,
    T3,
    T3_COLUMNS,
    T4,
    T4_COLUMNS,
    T4_GROUPS,
    ColumnSpec,
    RowSpec,
    T2Item,
    t3_rows,
)
from ingest.text import HAS_CJK, clean, format_number, is_page_number_line, key, parse_number

W3 = len(T3_COLUMNS)  # 7
W4 = len(T4_GROUPS) * len(T4_COLUMNS)  # 15
_BLANK_TOKENS = {"—", "－", "-", "/", "／", "无", "——", "空"}


@dataclass
class Tok:
    text: str
    number: int | float | None


@dataclass
class LineToks:
    idx: int
    line: Line
    toks: list[Tok]

    @property
    def numbers(self) -> list[int | float]:
        return [t.number for t in self.toks if t.number is not None]

    @property
    def label(self) -> str:
        return "".join(t.text for t in self.toks if t.number is None)

    @property
    def has_text(self) -> bool:
        return bool(HAS_CJK.search(self.label))


@dataclass
class Group:
    """Consecutive numbers read as one table row's values."""

    values: list[int | float]
    lines: list[LineToks] = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.lines[0].idx

    @property
    def last(self) -> int:
        return self.lines[-1].idx


def tokenize(line: Line) -> list[Tok]:
    raw = line.text
    parts = raw.split("\t") if "\t" in raw else [raw]
    toks: list[Tok] = []
    for part in parts:
        for piece in part.split():
            toks.append(Tok(piece, parse_number(piece)))
    return toks


def _line_toks(lines: list[Line], start: int, end: int) -> list[LineToks]:
    out = []
    for i in range(start, end):
        ln = lines[i]
        if not ln.text.strip():
            continue
        if is_page_number_line(ln.text):
            out.append(LineToks(i, ln, []))  # kept as a marker, contributes no numbers
            continue
        out.append(LineToks(i, ln, tokenize(ln)))
    return out


def number_groups(lts: list[LineToks], width: int) -> list[Group]:
    """Groups of numbers; a numbers-only line continues an unfinished group."""
    groups: list[Group] = []
    for lt in lts:
        nums = lt.numbers
        if not nums:
            continue
        if groups and not lt.has_text and len(groups[-1].values) % width != 0 and not groups[-1].lines[-1].has_text:
            groups[-1].values.extend(nums)
            groups[-1].lines.append(lt)
        else:
            groups.append(Group(list(nums), [lt]))
    # a group of k*width numbers holds k rows (several rows printed on one line)
    out: list[Group] = []
    for g in groups:
        if len(g.values) > width and len(g.values) % width == 0:
            for j in range(0, len(g.values), width):
                out.append(Group(g.values[j: j + width], g.lines))
        else:
            out.append(g)
    return out


def _find_label(lts: list[LineToks], keywords: tuple[str, ...], after: int) -> int | None:
    """Index (into lts) of the first line at/after ``after`` whose text (joined with its neighbours) holds a keyword."""
    for j in range(after, len(lts)):
        k = key(lts[j].label)
        nxt = key(lts[j + 1].label) if j + 1 < len(lts) else ""
        for kw in keywords:
            kk = key(kw)
            if kk in k:
                return j
            # keyword split across two lines: must start in this line
            joined = k + nxt
            pos = joined.find(kk)
            if 0 <= pos < len(k):
                return j
    return None


# ------------------------------------------------------------------ 表三


@dataclass
class T3Result:
    cells: list[TableCell]
    single_other: bool
    warnings: list[str]
    found: bool


def parse_t3(lines: list[Line], start: int, end: int) -> T3Result:
    lts = _line_toks(lines, start, end)
    first = _find_label(lts, ("本年新收",), 0)
    if first is None:
        return T3Result([], False, ["表三 not found (no row 本年新收政府信息公开申请数量)"], False)
    # numbers-only lines right above the first label belong to the table (numbers printed before their label)
    s = first
    while s > 0 and lts[s - 1].numbers and not lts[s - 1].has_text:
        s -= 1
    body = lts[s:]
    # stop after the 结转下年度 row (and its numbers)
    fwd = _find_label(body, ("结转下年度", "结转下年"), 0)
    if fwd is not None:
        stop = fwd + 1
        while stop < len(body) and not body[stop].has_text and (body[stop].numbers or not body[stop].toks):
            stop += 1
        # numbers that follow a label-only 结转 line
        body = body[:stop]
    labels_key = key("".join(lt.label for lt in body))
    single_other = not any(key(kw) in labels_key for kw in ("逾期不补正", "不补正", "收费通知", "缴纳费用"))
    rows = t3_rows(single_other)
    warnings: list[str] = []
    groups = [g for g in number_groups(body, W3) if len(g.values) == W3]
    stray = [g for g in number_groups(body, W3) if len(g.values) != W3]
    for g in stray:
        if not (len(g.values) == 1 and not g.lines[0].has_text):  # lone numbers: page numbers
            warnings.append(f"表三: ignored {len(g.values)} number(s) on line {g.first + 1}: {clean(g.lines[0].line.text)[:60]}")

    anchors = _row_anchors(body, rows)
    assignment: dict[str, Group] = {}
    if not groups:
        pass  # a blank table
    elif len(groups) == len(rows):
        assignment = {r.key: g for r, g in zip(rows, groups)}
    else:
        assignment = _assign_by_anchor(rows, groups, anchors, body)
        warnings.append(f"表三: {len(groups)} rows of numbers for {len(rows)} template rows; assigned by labels")

    cells: list[TableCell] = []
    for ri, r in enumerate(rows):
        g = assignment.get(r.key)
        printed = _printed_label(body, anchors.get(r.key))
        if g is None:
            # numbers printed on the row's own line, but not one per column: which cell is empty is unknown
            garbled = _garbled(body, anchors, rows, ri, stray)
            if groups:
                warnings.append(f"表三: {'could not read' if garbled else 'no numbers for'} row {r.label}")
            for c in T3_COLUMNS:
                cells.append(TableCell(table=T3, row=r.key, row_label=r.label, printed_label=printed, column=c.key,
                                       column_label=c.label, value=None,
                                       state=CellState.unread if garbled else CellState.blank,
                                       page=_page_of(body, anchors.get(r.key)), quote=printed or r.label))
            continue
        quote = _row_quote(printed or r.short or r.label, g)
        page = g.lines[-1].line.page
        for c, v in zip(T3_COLUMNS, g.values):
            cells.append(TableCell(table=T3, row=r.key, row_label=r.label, printed_label=printed, column=c.key,
                                   column_label=c.label, value=v, state=CellState.number, page=page, quote=quote))
    return T3Result(cells, single_other, warnings, True)


def _garbled(body: list[LineToks], anchors: dict[str, int], rows, ri: int, stray: list[Group]) -> bool:
    """Numbers were printed for row ``ri`` but not one per column: a stray group starts between its label and the
    next labelled row (or on the label's line); or the table has numbers it could not place (two or more in a
    group that is not a row), so a row left without numbers may be theirs: not known to be blank."""
    if any(len(sg.values) >= 2 for sg in stray):
        return True
    start = anchors.get(rows[ri].key)
    if start is None:
        return False
    nxt = min((anchors[r.key] for r in rows[ri + 1:] if anchors.get(r.key, -1) > start), default=len(body))
    pos = {id(lt): j for j, lt in enumerate(body)}
    return any(sg.values and start <= pos.get(id(sg.lines[0]), -1) < max(nxt, start + 1) for sg in stray)


def _row_anchors(body: list[LineToks], rows: tuple[RowSpec, ...]) -> dict[str, int]:
    """Line (index into body) where each row's label is printed, searched in template order."""
    anchors: dict[str, int] = {}
    pos = 0
    for r in rows:
        kws = r.keywords
        j = _find_label(body, kws, pos)
        if j is None and r.key in ("other_other",):
            j = _find_label(body, ("其他",), pos)
        if j is not None:
            anchors[r.key] = j
            pos = j if r.key not in ("partial", "open") else j
    return anchors


def _assign_by_anchor(rows, groups: list[Group], anchors: dict[str, int], body: list[LineToks]) -> dict[str, Group]:
    """Each group goes to the row whose label is on its line, else the nearest label above it."""
    pos_of = {id(lt): j for j, lt in enumerate(body)}
    out: dict[str, Group] = {}
    used: set[int] = set()
    for gi, g in enumerate(groups):
        gline = pos_of.get(id(g.lines[0]), 0)
        same = [r for r in rows if anchors.get(r.key) == gline and r.key not in out]
        if same:
            out[same[0].key] = g
            used.add(gi)
            continue
        above = [r for r in rows if r.key in anchors and anchors[r.key] < gline and r.key not in out]
        if above:
            best = max(above, key=lambda r: anchors[r.key])
            out[best.key] = g
            used.add(gi)
    return out


def _printed_label(body: list[LineToks], j: int | None) -> str:
    if j is None:
        return ""
    return clean(body[j].label)


def _page_of(body: list[LineToks], j: int | None) -> int | None:
    return body[j].line.page if j is not None else None


def _row_quote(label: str, g: Group) -> str:
    nums = " ".join(format_number(v) for v in g.values)
    # when the numbers sit on the label's own line, quote that line as printed
    if len(g.lines) == 1 and g.lines[0].has_text:
        label = clean(" ".join(t.text for t in g.lines[0].toks if t.number is None))
    return f"{label} {nums}".strip()


# ------------------------------------------------------------------ 表四


def parse_t4(lines: list[Line], start: int, end: int) -> tuple[list[TableCell], list[str], bool]:
    lts = _line_toks(lines, start, end)
    if not any("复议" in lt.label for lt in lts):
        return [], ["表四 not found"], False
    groups = number_groups(lts, W4)
    full = [g for g in groups if len(g.values) == W4]
    warnings: list[str] = []
    chosen: Group | None = full[-1] if full else None
    if chosen is None:
        # numbers-only groups of other sizes: concatenate the numbers-only lines
        only = [g for g in groups if not any(lt.has_text for lt in g.lines)]
        vals = [v for g in only for v in g.values]
        if len(vals) == W4:
            chosen = Group(vals, [lt for g in only for lt in g.lines])
        elif vals:
            warnings.append(f"表四: found {len(vals)} numbers, expected {W4}; left blank")
    cells: list[TableCell] = []
    quote = ""
    page = None
    if chosen is not None:
        quote = " ".join(format_number(v) for v in chosen.values)
        page = chosen.lines[-1].line.page
    header_page = next((lt.line.page for lt in lts if "复议" in lt.label), None)
    i = 0
    for grp in T4_GROUPS:
        for col in T4_COLUMNS:
            v = chosen.values[i] if chosen is not None else None
            cells.append(TableCell(
                table=T4, row=grp.key, row_label=grp.label, printed_label=grp.label, column=col.key,
                column_label=col.label, value=v, state=CellState.number if v is not None else CellState.blank,
                page=page if page is not None else header_page,
                quote=f"{grp.label} {col.label}：{quote}" if quote else f"{grp.label} {col.label}：（空白）"))
            i += 1
    return cells, warnings, True


# ------------------------------------------------------------------ 表二


def parse_t2(lines: list[Line], start: int, end: int, template: str) -> tuple[list[TableCell], list[str], bool]:
    lts = _line_toks(lines, start, end)
    warnings: list[str] = []
    cells: list[TableCell] = []
    item: T2Item | None = None
    columns: list[ColumnSpec] | None = None
    seen_rows: set[str] = set()
    unit_note = ""  # a header that states the unit (本年收费金额（单位：万元，保留4位小数）) goes into its rows' quotes
    j = 0
    while j < len(lts):
        lt = lts[j]
        k = key(lt.label)
        it = _item_of(k)
        if it is not None:
            item, columns, unit_note = it, None, ""
            j += 1
            continue
        if "信息内容" in k or (item is not None and columns is None and _header_columns(k, item)):
            if item is None:
                item = _item_by_columns(k)
            if item is not None:
                columns = _header_columns(k, item) or None
            unit_note = clean(lt.label) if "单位" in k else ""
            j += 1
            continue
        row = _t2_row(k, item)
        if row is None:
            j += 1
            continue
        row_item = item if item is not None and row in item.rows else _item_of_row(row)
        same_item = item is not None and row_item.item == item.item
        cols = columns if (columns and same_item) else list(
            row_item.columns_2019 if template == "2019" or not row_item.columns_2021 else row_item.columns_2021)
        nums_toks = [t for t in lt.toks if t.number is not None or t.text in _BLANK_TOKENS]
        used = [lt]
        if not nums_toks and j + 1 < len(lts) and not lts[j + 1].has_text and lts[j + 1].numbers:
            used.append(lts[j + 1])
            nums_toks = [t for t in lts[j + 1].toks if t.number is not None or t.text in _BLANK_TOKENS]
            j += 1
        if row_item is not None:
            cols = _full_columns(cols, row_item, len(nums_toks))
        if row.key in seen_rows:
            j += 1
            continue
        seen_rows.add(row.key)
        if nums_toks and len(nums_toks) != len(cols):
            warnings.append(f"表二 {row.label}: {len(nums_toks)} values for {len(cols)} columns")
        quote = clean(" ".join(t.text for u in used for t in u.toks))
        if unit_note and same_item:
            quote = f"{unit_note} … {quote}"
        for ci, col in enumerate(cols):
            tok = nums_toks[ci] if ci < len(nums_toks) else None
            v = tok.number if tok is not None else None
            cells.append(TableCell(
                table=T2, row=row.key, row_label=row.label, printed_label=clean(lt.label), column=col.key,
                column_label=col.label, value=v, state=CellState.number if v is not None else CellState.blank,
                page=used[-1].line.page, quote=quote))
        j += 1
    return cells, warnings, bool(cells)


_RE_ITEM = re.compile(r"第二十条第?[（(]([一二三四五六七八九十]+)[）)]项")


def _item_of(k: str) -> T2Item | None:
    m = _RE_ITEM.search(k)
    if not m:
        return None
    label = f"（{m.group(1)}）"
    return next((it for it in ALL_T2_ITEMS if it.item == label), None)


def _header_columns(k: str, item: T2Item) -> list[ColumnSpec]:
    """Columns named in a header line, in printed order; the wording (2021 or 2019) with most hits wins."""
    best: list[tuple[int, ColumnSpec]] = []
    for cols in (item.columns_2021, item.columns_2019):
        hits = []
        for c in cols:
            pos = min((k.find(key(s)) for s in (c.label, *c.synonyms) if key(s) in k), default=-1)
            if pos >= 0:
                hits.append((pos, c))
        if len(hits) > len(best):
            best = hits
    return [c for _, c in sorted(best, key=lambda h: h[0])]


def _full_columns(cols: list[ColumnSpec], item: T2Item, n_values: int) -> list[ColumnSpec]:
    """A header with an unrecognised (misprinted) column: use the whole wording it belongs to."""
    if len(cols) >= n_values:
        return cols
    for full in (item.columns_2021, item.columns_2019):
        if len(full) == n_values and all(c in full for c in cols):
            return list(full)
    return cols


def _item_by_columns(k: str) -> T2Item | None:
    for it in T2_ITEMS:
        if _header_columns(k, it):
            return it
    return None


def _t2_row(k: str, item: T2Item | None) -> ColumnSpec | None:
    if not k or "信息内容" in k:
        return None
    candidates = list(item.rows) if item is not None else []
    candidates += [r for it in ALL_T2_ITEMS for r in it.rows if r not in candidates]
    for r in candidates:  # the label, or a distinctive synonym (2019: 规范性文件 for 行政规范性文件)
        if any(k.startswith(key(w)) for w in (r.label, *r.synonyms) if len(w) >= 3 or w == r.label):
            return r
    return None


def _item_of_row(row: ColumnSpec) -> T2Item:
    return next(it for it in ALL_T2_ITEMS if row in it.rows)
