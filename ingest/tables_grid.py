"""Grid -> TableCell records for 表二/表三/表四: rows by their label, columns by their header.

A grid (``ingest.grid.Grid``) already knows which text sits in which row and
column, so nothing here counts numbers: a row is the template row its label
names (split label cells joined, numbering optional, small typos tolerated), a
column is the template column its header names. Position is used only to fill
one gap between two rows that were recognised. A value cell is a number (units,
signs, decimals allowed), blank (empty, ``—``, ``/``), or unread (anything else).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from ingest.grid import Grid
from ingest.models import CellState, TableCell
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
    t3_rows,
)
from ingest.text import key

T2_EXTRA_ITEMS = tuple(it for it in ALL_T2_ITEMS if it not in T2_ITEMS)
BLANK_TOKENS = {"", "—", "——", "－", "-", "/", "／", "无", "空", "\\", "–", "——"}
UNITS = ("万元", "元", "件", "条", "个", "项", "次", "笔", "宗", "人次", "份", "起")
_RE_VALUE = re.compile(r"^([-+\u2212\u2013\uff0d]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(" + "|".join(UNITS) + r")?$")
_RE_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+[、.．]?)")


def read_value(text: str) -> tuple[int | float | None, CellState]:
    """A value cell's content: (number, number) | (None, blank) | (None, unread)."""
    t = unicodedata.normalize("NFKC", text)
    if re.search(r"\d[\s\u00a0]+\d", t):  # two numbers in one cell: which one is meant is not ours to guess
        return None, CellState.unread
    t = re.sub(r"[\s\u00a0]+", "", t)
    if t in BLANK_TOKENS:
        return None, CellState.blank
    m = _RE_VALUE.match(t)
    if not m:
        return None, CellState.unread
    sign, whole, frac, _ = m.groups()
    num = whole.replace(",", "")
    v: int | float = float(num + frac) if frac else int(num)
    if sign and sign != "+":
        v = -v
    return v, CellState.number


def has_digits(text: str) -> bool:
    return bool(re.search(r"\d", unicodedata.normalize("NFKC", text)))


@dataclass
class GridTable:
    """One template table read from a grid."""

    table: str
    cells: list[TableCell]
    expected: int
    warnings: list[str] = field(default_factory=list)
    grid_index: int = 0


# ------------------------------------------------------------------ which table is this grid


def identify(grid: Grid) -> str | None:
    k = key(grid.all_text())
    if "本年新收" in k or ("上年结转" in k and "申请" in k) or ("申请人情况" in k and "自然人" in k):
        return T3
    if ("复议" in k and ("诉讼" in k or "起诉" in k)) and ("维持" in k or "纠正" in k):
        return T4
    if "信息内容" in k or "第二十条" in k or any(key(r.label) in k for it in T2_ITEMS for r in it.rows[:1]):
        if "规章" in k or "规范性文件" in k or "行政许可" in k or "行政处罚" in k:
            return T2
    return None


def _quote(grid: Grid, r: int) -> str:
    """The printed row: its distinct cells' texts, label first."""
    return " ".join(t for t in grid.row_texts(r) if t)


# ------------------------------------------------------------------ 表三


def _leaf_header(grid: Grid, c: int, header_end: int) -> str:
    """The lowest non-empty header text of column ``c`` (the most specific one)."""
    for r in range(header_end - 1, -1, -1):
        if grid.text(r, c):
            return grid.text(r, c)
    return ""


def _match_column(text: str, specs: tuple[ColumnSpec, ...]) -> ColumnSpec | None:
    k = key(text)
    if not k:
        return None
    for s in specs:
        if k == key(s.label):
            return s
    hits = [(len(key(w)), s) for s in specs for w in (s.label, *s.synonyms) if len(w) >= 2 and key(w) in k]
    if hits:
        return max(hits, key=lambda h: h[0])[1]
    return None


def _t3_columns(grid: Grid, first_data: int) -> dict[int, ColumnSpec]:
    cols: dict[int, ColumnSpec] = {}
    for c in range(grid.width):
        leaf = _leaf_header(grid, c, first_data)
        spec = _match_column(leaf, T3_COLUMNS)
        if spec is None and key(leaf) in ("其他", "其它", "其他组织"):
            spec = T3_COLUMNS[5]
        if spec is not None and spec not in cols.values():
            cols[c] = spec
    return cols


def _strip_numbering(k: str) -> str:
    return _RE_NUMBERING.sub("", k)


def _match_t3_row(leaf: str, full: str, rows: tuple[RowSpec, ...], used: set[str]) -> RowSpec | None:
    lk, fk = key(leaf), key(full)
    for text in (lk, fk):
        hits = [(len(key(kw)), r) for r in rows for kw in r.keywords if key(kw) in text and r.key not in used]
        if text is fk:  # a group label in the joined text must not name the row: only leaf-level keywords
            hits = [h for h in hits if h[1].key not in ("open", "partial", "total") or h[1].key in lk]
        if hits:
            return max(hits, key=lambda h: h[0])[1]
    bare = _strip_numbering(lk)
    if bare in ("其他", "其它") and "其他处理" in fk:
        r = next((r for r in rows if r.key == "other_other"), None)
        if r is not None and r.key not in used:
            return r
    best, best_ratio = None, 0.0
    for r in rows:  # a misprint (先行有效, 钩稽): closest leaf wording
        if r.key in used:
            continue
        ratio = difflib.SequenceMatcher(None, _strip_numbering(key(r.short or r.label)), bare).ratio()
        if ratio > best_ratio:
            best, best_ratio = r, ratio
    return best if best_ratio >= 0.75 else None


def read_t3(grid: Grid) -> GridTable:
    labels_k = key(grid.all_text())
    single_other = not any(key(kw) in labels_k for kw in ("逾期不补正", "不补正", "收费通知", "缴纳费用"))
    rows = t3_rows(single_other)
    order = {r.key: i for i, r in enumerate(rows)}
    first_data = _first_data_row(grid)
    cols = _t3_columns(grid, first_data)
    warnings: list[str] = []
    if len(cols) < len(T3_COLUMNS):
        missing = [c.label for c in T3_COLUMNS if c not in cols.values()]
        warnings.append(f"表三: 表头未识别的列: {'、'.join(missing)}")
    label_end = min(cols) if cols else 1
    found: dict[str, int] = {}
    unmatched: list[int] = []
    used: set[str] = set()
    for r in range(first_data, grid.height):
        leaf = next((grid.text(r, c) for c in range(label_end - 1, -1, -1) if grid.text(r, c)), "")
        full = "".join(dict.fromkeys(grid.text(r, c) for c in range(label_end)))
        if not any(has_digits(grid.text(r, c)) or not grid.text(r, c) for c in cols):
            continue
        spec = _match_t3_row(leaf, full, rows, used)
        if spec is None:
            if any(grid.text(r, c) for c in cols):
                unmatched.append(r)
            continue
        found[spec.key] = r
        used.add(spec.key)
    _fill_gaps(found, unmatched, rows, order, warnings)
    cells: list[TableCell] = []
    for spec in rows:
        r = found.get(spec.key)
        if r is None:
            continue
        label = "".join(dict.fromkeys(grid.text(r, c) for c in range(label_end)))
        quote = _quote(grid, r)
        for col, c, text in sorted(row_cells(grid, r, cols), key=lambda x: T3_COLUMNS.index(x[0])):
            v, state = read_value(text)
            if state is CellState.unread:
                warnings.append(f"表三 {spec.short or spec.label} {col.label}: 无法读取「{text[:20]}」")
            cells.append(TableCell(table=T3, row=spec.key, row_label=spec.label, printed_label=label, column=col.key,
                                   column_label=col.label, value=v, state=state, page=grid.page_of(r), quote=quote))
    for spec in rows:
        if spec.key not in found:
            warnings.append(f"表三: 未找到行 {spec.label}")
    return GridTable(T3, cells, len(rows) * len(T3_COLUMNS), warnings, grid.index)


def row_cells(grid: Grid, r: int, header: dict[int, ColumnSpec]) -> list[tuple[ColumnSpec, int, str]]:
    """(column, slot column, text) of a data row under a header.

    When the row has as many cells right of its label as the header names columns, the k-th cell is the k-th
    header column (Word-pasted tables carry colspans that do not line up with the header's); otherwise each
    header column reads the slot below it.
    """
    if not header:
        return []
    first = min(header)
    cols = sorted(header.items())
    cells: list[tuple[int, str]] = []
    last = None
    for c in range(grid.width):
        s = grid.rows[r][c]
        if (s.row0, s.col0) == last:
            continue
        last = (s.row0, s.col0)
        if s.col0 >= first:
            cells.append((c, s.text if (s.origin or s.row0 == r) else "\x00"))
    if len(cells) == len(cols):
        return [(spec, c, text) for (_, spec), (c, text) in zip(cols, cells)]
    filled = [(c, text) for c, text in cells if text]
    if len(cells) > len(cols) and len(filled) == len(cols):  # a merged cell written once, its copies left empty
        return [(spec, c, text) for (_, spec), (c, text) in zip(cols, filled)]
    out = []
    for c, spec in cols:
        s = grid.rows[r][c]
        out.append((spec, c, s.text if (s.origin or s.row0 == r) else "\x00"))
    return out


def _first_data_row(grid: Grid) -> int:
    """The first row after the header: the first with a number in it."""
    for r in range(grid.height):
        texts = grid.row_texts(r)
        if sum(1 for t in texts if has_digits(t) and read_value(t)[1] is CellState.number) >= 2:
            return r
    return grid.height


def _fill_gaps(found: dict[str, int], unmatched: list[int], rows, order, warnings) -> None:
    """An unrecognised row between two recognised rows one template row apart takes the missing row."""
    by_row = {r: k for k, r in found.items()}
    for r in unmatched:
        above = max((x for x in by_row if x < r), default=None)
        below = min((x for x in by_row if x > r), default=None)
        if above is None and below is None:
            continue
        if above is not None and below is not None:
            i, j = order[by_row[above]], order[by_row[below]]
            if j - i == 2 and below - above == 2:
                spec = rows[i + 1]
                found[spec.key] = r
                by_row[r] = spec.key
                warnings.append(f"表三: 第{r + 1}行标签未识别，按位置读作 {spec.label}")


# ------------------------------------------------------------------ 表四


def read_t4(grid: Grid) -> GridTable:
    warnings: list[str] = []
    first_data = _first_data_row(grid)
    cells: dict[tuple[str, str], TableCell] = {}
    for r in range(first_data, grid.height):
        row_label = " ".join(t for t in grid.row_texts(r) if t and not has_digits(t))
        for c in range(grid.width):
            slot = grid.rows[r][c]
            if slot.col0 != c or (not slot.origin and slot.row0 != r):
                continue
            header = [grid.text(h, c) for h in range(first_data)]
            context = "".join(_group_header(grid, h, c) for h in range(first_data)) + row_label
            group = _t4_group(context)
            leaf = next((t for t in reversed(header) if t), "") or row_label
            col = _match_column(leaf, T4_COLUMNS) or _match_column(row_label, T4_COLUMNS)
            if group is None or col is None or (group.key, col.key) in cells:
                continue
            if not slot.text and not header:
                continue
            v, state = read_value(slot.text)
            if state is CellState.unread and not has_digits(slot.text):
                continue  # a label cell, not a value
            cells[(group.key, col.key)] = TableCell(
                table=T4, row=group.key, row_label=group.label, printed_label=group.label, column=col.key,
                column_label=col.label, value=v, state=state, page=grid.page_of(r),
                quote=f"{group.label} {col.label}：{slot.text or '（空白）'}")
    ordered = [cells[(g.key, c.key)] for g in T4_GROUPS for c in T4_COLUMNS if (g.key, c.key) in cells]
    if len(ordered) < len(T4_GROUPS) * len(T4_COLUMNS):
        warnings.append(f"表四: 读出 {len(ordered)} 个单元格，应为 {len(T4_GROUPS) * len(T4_COLUMNS)}")
    return GridTable(T4, ordered, len(T4_GROUPS) * len(T4_COLUMNS), warnings, grid.index)


def _group_header(grid: Grid, h: int, c: int) -> str:
    """Header text of (h, c); a blank slot right of a group label (复议/诉讼) is that label's span, as converters
    that write a merged cell once (Markdown) leave it."""
    text = grid.text(h, c)
    if text:
        return text
    for cc in range(c - 1, -1, -1):
        left = grid.text(h, cc)
        if left:
            return left if any(w in key(left) for w in ("复议", "诉讼", "起诉")) else ""
    return ""


def _t4_group(context: str) -> ColumnSpec | None:
    k = key(context)
    if "复议后起诉" in k:
        return T4_GROUPS[2]
    if "直接起诉" in k or "未经复议" in k:
        return T4_GROUPS[1]
    if "复议" in k:
        return T4_GROUPS[0]
    return None


# ------------------------------------------------------------------ all grids of a document


def read_grids(grids: list[Grid]) -> dict[str, GridTable]:
    """The best reading of each template table among a document's grids."""
    out: dict[str, GridTable] = {}
    from ingest.tables_grid_t2 import read_t2

    readers = {T2: read_t2, T3: read_t3, T4: read_t4}
    for g in merge_continuations(grids):
        which = identify(g)
        if which is None:
            continue
        res = readers[which](g)
        have = out.get(which)
        if have is not None and which == T2 and g.source == "pdf":  # 表二 broken across pages: the parts add up
            keys = {(c.row, c.column) for c in have.cells}
            extra = [c for c in res.cells if (c.row, c.column) not in keys]
            out[which] = GridTable(T2, have.cells + extra, max(have.expected, res.expected),
                                   have.warnings + res.warnings, have.grid_index)
        elif have is None or _n_read(res) > _n_read(have):
            out[which] = res
    return out


def _n_read(t: GridTable) -> int:
    return sum(1 for c in t.cells if c.state is not CellState.unread)


def merge_continuations(grids: list[Grid]) -> list[Grid]:
    """A table broken across pages (PDF) continues in the next grid of the same width without a header."""
    out: list[Grid] = []
    for g in grids:
        prev = out[-1] if out else None
        which = identify(g)
        if (prev is not None and prev.source == g.source == "pdf" and which != T2
                and (which is None or which == identify(prev))
                and g.page is not None and prev.row_pages and prev.row_pages[-1] in (g.page, g.page - 1)):
            # the value columns are the rightmost ones on every page: align the parts at the right edge
            width = max(prev.width, g.width)
            top = [_pad(row, width - prev.width, 0, r) for r, row in enumerate(prev.rows)]
            rest = [_pad(row, width - g.width, prev.height, r) for r, row in enumerate(g.rows)]
            pages = (prev.row_pages or [prev.page] * prev.height) + (g.row_pages or [g.page] * g.height)
            out[-1] = Grid(top + rest, prev.source, prev.page, pages, prev.index)
            continue
        out.append(g)
    return out


def _pad(row: list, n: int, base: int, r: int) -> list:
    from dataclasses import replace

    from ingest.grid import Slot

    return [Slot("", True, base + r, c) for c in range(n)] + [
        replace(s, row0=s.row0 + base, col0=s.col0 + n) for s in row]
