"""Reports built from hand-written cells, for unit tests of the audit rules."""

from __future__ import annotations

from ingest.models import CellState, Report, Section, TableCell
from ingest.template import (
    SECTIONS,
    T2,
    T2_ITEMS,
    T3,
    T3_COLUMNS,
    T3_ROW_BY_KEY,
    T4,
    T4_COLUMNS,
    T4_GROUPS,
    t3_rows,
)


def cell(table: str, row: str, col: str, value, *, state: CellState | None = None, row_label: str = "",
         col_label: str = "", page: int | None = 3) -> TableCell:
    st = state or (CellState.number if value is not None else CellState.blank)
    return TableCell(table=table, row=row, row_label=row_label or row, column=col, column_label=col_label or col,
                     value=value if st is CellState.number else None, state=st, page=page,
                     quote=f"{row_label or row} {value}")


def t3_cells(grid: dict[str, list] | None = None, *, single_other: bool = False, blank: bool = False) -> list[TableCell]:
    """表三 with every cell 0 except the rows given (7 values: six applicant columns and 总计)."""
    grid = grid or {}
    out = []
    for r in t3_rows(single_other):
        vals = grid.get(r.key, [0] * 7)
        for c, v in zip(T3_COLUMNS, vals, strict=True):
            out.append(cell(T3, r.key, c.key, None if blank else v, row_label=T3_ROW_BY_KEY[r.key].label,
                            col_label=c.label))
    return out


def t4_cells(groups: dict[str, list] | None = None, *, blank: bool = False) -> list[TableCell]:
    groups = groups or {}
    out = []
    for g in T4_GROUPS:
        vals = groups.get(g.key, [0] * 5)
        for c, v in zip(T4_COLUMNS, vals, strict=True):
            out.append(cell(T4, g.key, c.key, None if blank else v, row_label=g.label, col_label=c.label, page=4))
    return out


def t2_cells(values: dict[tuple[str, str], object] | None = None) -> list[TableCell]:
    values = values or {}
    out = []
    for it in T2_ITEMS:
        for r in it.rows:
            for c in it.columns_2021:
                out.append(cell(T2, r.key, c.key, values.get((r.key, c.key), 0), row_label=r.label,
                                col_label=c.label, page=2))
    return out


def sections(texts: dict[str, str] | None = None, order: str = "一二三四五六") -> list[Section]:
    texts = texts or {}
    spec = {s.number: s for s in SECTIONS}
    out = []
    for n in order:
        title = f"{n}、{spec[n].title}"
        out.append(Section(number=n, title=title, canonical=spec[n].title, path=title, page_start=1,
                           text=texts.get(n, "本部分的正文内容，写得足够长，不是空的。")))
    return out


def report(*, agency: str = "测试市人民政府", year: int = 2024, source: str = "t.txt", t3=None, t4=None, t2=None,
           secs=None) -> Report:
    cells = [*(t2 if t2 is not None else t2_cells()), *(t3 if t3 is not None else t3_cells()),
             *(t4 if t4 is not None else t4_cells())]
    return Report(agency=agency, year=year, source=source, sha256=source + str(year), cells=cells,
                  sections=secs if secs is not None else sections())
