"""表二 from a grid: items (第二十条第（…）项) by their heading, rows by label, columns by the item's header.

The 2021 and 2019 wordings of the columns are both known (template.T2_ITEMS), so the printed header decides
which ones a report uses, item by item; the rows only the 2019 table has (其他对外管理服务事项, 政府集中采购)
are template.T2_EXTRA_2019.
"""

from __future__ import annotations

import difflib
import re

from ingest.grid import Grid
from ingest.models import CellState, TableCell
from ingest.tables_grid import (
    GridTable,
    T2_EXTRA_ITEMS,
    _match_column,
    _quote,
    _strip_numbering,
    has_digits,
    read_value,
    row_cells,
)
from ingest.template import ALL_T2_ITEMS, T2, T2_ITEMS, ColumnSpec, T2Item
from ingest.text import key

_RE_ITEM = re.compile(r"第?[（(]([一二三四五六七八九十]+)[）)]项")


def read_t2(grid: Grid) -> GridTable:
    warnings: list[str] = []
    cells: list[TableCell] = []
    item: T2Item | None = None
    header: dict[int, ColumnSpec] = {}
    wording = "2021"
    seen: set[str] = set()
    wordings: dict[str, str] = {}  # item -> the wording (2021 | 2019) of its printed header
    unit_note = ""
    for r in range(grid.height):
        texts = [t for t in grid.row_texts(r) if t]
        if not texts:
            continue
        k = key("".join(texts))
        m = _RE_ITEM.search(k)
        if m and len(texts) == 1:
            item = next((it for it in T2_ITEMS if it.item == f"（{m.group(1)}）"), None) or next(
                (it for it in T2_EXTRA_ITEMS if it.item == f"（{m.group(1)}）"), None)
            header = {}
            continue
        row_spec = _t2_row(key(grid.text(r, 0)), item)
        if row_spec is None and ("信息内容" in k or not any(has_digits(t) for t in texts[1:])):
            found_item, cols, w = _t2_header(grid, r, item)
            if cols:
                item, header, wording = found_item, cols, w
                unit_note = next((t for t in texts if "单位" in t), "")
            continue
        if row_spec is None:
            if any(has_digits(t) for t in texts[1:]):
                warnings.append(f"表二: 未识别的行「{texts[0][:20]}」")
            continue
        row_item = _item_of_row(row_spec)
        if item is None or item.item != row_item.item or not header:
            header = _default_columns(grid, r, row_item, wording)
            item = row_item
        wordings[row_item.item] = wording
        if row_spec.key in seen:
            continue
        seen.add(row_spec.key)
        quote = _quote(grid, r)
        if unit_note:
            quote = f"{unit_note} … {quote}"
        for col, _, text in row_cells(grid, r, header):
            v, state = read_value(text)
            if state is CellState.unread:
                warnings.append(f"表二 {row_spec.label} {col.label}: 无法读取「{text[:20]}」")
            cells.append(TableCell(table=T2, row=row_spec.key, row_label=row_spec.label,
                                   printed_label=grid.text(r, 0), column=col.key, column_label=col.label,
                                   value=v, state=state, page=grid.page_of(r), quote=quote))
    return GridTable(T2, cells, expected_t2(wordings, {c.row for c in cells}), warnings, grid.index)


def expected_t2(wordings: dict[str, str], printed_rows: set[str] | None = None) -> int:
    """Cells the template's 表二 has, item by item in the wording printed (the most common one where unseen).

    The rows only the full 2019 table has (其他对外管理服务事项, 政府集中采购) are expected once one of them is printed.
    """
    votes = list(wordings.values())
    default = max(("2021", "2019"), key=votes.count) if votes else "2021"
    extra_rows = {r.key for it in T2_EXTRA_ITEMS for r in it.rows}
    full_2019 = bool(extra_rows & (printed_rows or set()))
    n = 0
    for it in ALL_T2_ITEMS:
        if it in T2_EXTRA_ITEMS and not full_2019:
            continue
        w = wordings.get(it.item, default)
        cols = it.columns_2019 if w == "2019" else it.columns_2021
        n += len(it.rows) * len(cols)
    return n


def _t2_header(grid: Grid, r: int, item: T2Item | None) -> tuple[T2Item | None, dict[int, ColumnSpec], str]:
    """Columns named in a header row; the item and wording (2021 or 2019) whose columns match best."""
    best: tuple[int, T2Item | None, dict[int, ColumnSpec], str] = (0, None, {}, "2021")
    candidates = [item] if item is not None else []
    candidates += [it for it in ALL_T2_ITEMS if it is not item]
    for it in candidates:
        for wording, specs in (("2021", it.columns_2021), ("2019", it.columns_2019)):
            if not specs:
                continue
            cols: dict[int, ColumnSpec] = {}
            for c in range(1, grid.width):
                slot = grid.rows[r][c]
                if slot.col0 != c:
                    continue
                spec = _match_column(slot.text, specs)
                if spec is not None and spec not in cols.values():
                    cols[c] = spec
            score = len(cols) * 2 + (1 if it is item else 0)
            if score > best[0]:
                best = (score, it, cols, wording)
    return best[1], best[2], best[3]


def _default_columns(grid: Grid, r: int, it: T2Item, wording: str) -> dict[int, ColumnSpec]:
    """No header seen for this item: the value cells left to right take the wording's columns in order."""
    specs = it.columns_2019 if wording == "2019" and it.columns_2019 else it.columns_2021 or it.columns_2019
    starts = [c for c in range(1, grid.width) if grid.rows[r][c].col0 == c]
    return {c: s for c, s in zip(starts, specs)}


def _t2_row(k: str, item: T2Item | None) -> ColumnSpec | None:
    if not k or "信息内容" in k:
        return None
    candidates = list(item.rows) if item is not None else []
    if item is not None:
        candidates += [r for it in ALL_T2_ITEMS if it.item == item.item for r in it.rows if r not in candidates]
    candidates += [r for it in ALL_T2_ITEMS for r in it.rows if r not in candidates]
    for r in candidates:
        if any(key(w) in k for w in (r.label, *r.synonyms) if len(w) >= 3 or w == r.label):
            return r
    bare = _strip_numbering(k)
    best, best_ratio = None, 0.0
    for r in candidates:
        ratio = difflib.SequenceMatcher(None, key(r.label), bare).ratio()
        if ratio > best_ratio:
            best, best_ratio = r, ratio
    return best if best_ratio >= 0.75 else None


def _item_of_row(row: ColumnSpec) -> T2Item:
    return next(it for it in ALL_T2_ITEMS if row in it.rows)
