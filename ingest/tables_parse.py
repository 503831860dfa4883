"""One entry point for the three tables: grids from the file's structure first, report lines as the fallback.

``parse_tables`` reads each of 表二/表三/表四 from the document's grids
(``Document.tables``: HTML, DOCX, PDF ruled tables, Markdown pipe tables) and
from its text lines (``ingest.tables``), and keeps, table by table, the reading
that got more of the table. A PDF grid must do strictly better than the text
layer, which is the proven reader there. The result carries the parse coverage
(cells found / expected per table) so a partial parse is never silent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.models import CellState, TableCell, TableCoverage
from ingest.readers import Document, Line
from ingest.tables import parse_t2, parse_t3, parse_t4
from ingest.tables_grid import GridTable, read_grids
from ingest.tables_grid_t2 import expected_t2
from ingest.template import ALL_T2_ITEMS, T2, T3, T3_COLUMNS, T4, T4_COLUMNS, T4_GROUPS, t3_rows

T4_EXPECTED = len(T4_GROUPS) * len(T4_COLUMNS)


@dataclass
class TablesResult:
    cells: list[TableCell]
    warnings: list[str] = field(default_factory=list)
    t3_found: bool = False
    coverage: list[TableCoverage] = field(default_factory=list)


@dataclass
class _Reading:
    cells: list[TableCell]
    expected: int
    warnings: list[str]
    source: str

    @property
    def read(self) -> int:
        return sum(1 for c in self.cells if c.state is CellState.number)

    @property
    def blank(self) -> int:
        return sum(1 for c in self.cells if c.state is CellState.blank)

    @property
    def unread(self) -> int:
        return sum(1 for c in self.cells if c.state is CellState.unread)


def parse_tables(doc: Document, lines: list[Line], regions: dict[str, tuple[int, int]], template: str) -> TablesResult:
    """Cells of 表二/表三/表四. ``regions`` maps a section number (二/三/四) to its line range [start, end)."""
    by_lines = _line_readings(lines, regions, template)
    pdf = doc.kind == "pdf"
    if pdf and all(_whole(by_lines[t]) for t in (T2, T3, T4)):
        grids: dict[str, GridTable] = {}  # the text layer read every table: no need to look for ruled tables
    else:
        found = doc.grids()
        grids = read_grids(found) if found else {}
    out = TablesResult(cells=[])
    for table in (T2, T3, T4):
        g = grids.get(table)
        grid_reading = _Reading(g.cells, g.expected, g.warnings, "grid") if g is not None and g.cells else None
        line_reading = by_lines.get(table)
        best = _choose(grid_reading, line_reading, pdf=pdf)
        if best is line_reading and grid_reading is not None and line_reading is not None:
            best = _fill_rows(line_reading, grid_reading)
        if best is None:
            expected = {T2: expected_t2({}), T3: len(t3_rows(False)) * len(T3_COLUMNS), T4: T4_EXPECTED}[table]
            out.coverage.append(TableCoverage(table=table, found=0, expected=expected, source="none"))
            if line_reading is not None:
                out.warnings += line_reading.warnings
            continue
        out.cells += best.cells
        out.warnings += best.warnings
        found = sum(1 for c in best.cells if c.state in (CellState.number, CellState.blank))
        out.coverage.append(TableCoverage(table=table, found=found, expected=best.expected, unread=best.unread,
                                          source=best.source))
        if table == T3:
            out.t3_found = True
    if not out.t3_found and by_lines.get("t3_found"):
        out.t3_found = True
    return out


def _whole(r: _Reading) -> bool:
    return bool(r.cells) and r.read + r.blank >= r.expected and r.unread == 0 and not r.warnings


def _choose(grid: _Reading | None, lines: _Reading | None, pdf: bool) -> _Reading | None:
    if grid is None or grid.read == 0 and grid.unread == 0:
        return lines if lines is not None and lines.cells else None
    if lines is None or not lines.cells:
        return grid
    if pdf:  # the text layer is the proven reader of PDFs; a ruled-table grid must be whole and read more
        whole = grid.read + grid.blank >= grid.expected and grid.unread == 0
        return grid if whole and grid.read > lines.read else lines
    return grid if grid.read >= lines.read else lines


def _fill_rows(lines: _Reading, grid: _Reading) -> _Reading:
    """Rows the text layer could not read (no numbers, or not one per column) taken from the grid, where it
    read them: the grid knows which column an empty cell is in, the text does not."""
    grid_rows: dict[str, list[TableCell]] = {}
    for c in grid.cells:
        grid_rows.setdefault(c.row, []).append(c)
    out: list[TableCell] = []
    taken: list[str] = []
    by_row: dict[str, list[TableCell]] = {}
    for c in lines.cells:
        by_row.setdefault(c.row, []).append(c)
    for row, cells in by_row.items():
        g = grid_rows.get(row)
        unread_here = all(c.state is not CellState.number for c in cells)
        if unread_here and g and any(c.state is CellState.number for c in g) and len(g) == len(cells):
            out += g
            taken.append(row)
        else:
            out += cells
    if not taken:
        return lines
    note = f"{lines.cells[0].table}: 行 {'、'.join(taken)} 取自表格结构（文本行读不出）"
    return _Reading(out, lines.expected, [*lines.warnings, note], "lines")


def _line_readings(lines: list[Line], regions: dict[str, tuple[int, int]], template: str) -> dict:
    out: dict = {}
    s2, e2 = regions.get("二", (0, 0))
    t2_cells, w2, _ = parse_t2(lines, s2, e2, template)
    out[T2] = _Reading(t2_cells, expected_t2(_wordings(t2_cells), {c.row for c in t2_cells}), w2, "lines")
    s3, e3 = regions.get("三", (0, 0))
    t3 = parse_t3(lines, s3, e3)
    out[T3] = _Reading(t3.cells, len(t3_rows(t3.single_other)) * len(T3_COLUMNS), t3.warnings, "lines")
    out["t3_found"] = t3.found
    s4, e4 = regions.get("四", (0, 0))
    t4_cells, w4, _ = parse_t4(lines, s4, e4)
    out[T4] = _Reading(t4_cells, T4_EXPECTED, w4, "lines")
    return out


def _wordings(cells: list[TableCell]) -> dict[str, str]:
    """Item -> wording (2021 | 2019) of the columns the line parser assigned."""
    out: dict[str, str] = {}
    for it in ALL_T2_ITEMS:
        keys = {c.column for c in cells if any(c.row == r.key for r in it.rows)}
        if not keys:
            continue
        old = {c.key for c in it.columns_2019} - {c.key for c in it.columns_2021}
        out[it.item] = "2019" if keys & old else "2021"
    return out
