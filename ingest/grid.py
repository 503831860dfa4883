"""A table as a grid of slots, with row and column spans resolved.

Readers build one ``Grid`` per table they find (HTML ``<table>``, DOCX ``w:tbl``,
PDF ruled tables, Markdown pipe tables). A merged cell fills every slot it
covers; ``Slot.origin`` tells the top-left slot from the copies, so a label that
spans three rows reads as the label of each of them while a value is read once.

Cell text is joined across the inline pieces a page is made of (``<p>``,
``<span>``, ``<br>``, ``<font>``): vertical text written one character per
paragraph and a number split over several spans both come out whole.
``&nbsp;`` and whitespace-only cells are blank (``""``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_RE_WS = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


def cell_text(raw: str) -> str:
    """A cell's text: whitespace runs folded to one space, ends trimmed; whitespace-only -> ''."""
    return _RE_WS.sub(" ", raw).strip()


@dataclass
class Slot:
    text: str
    origin: bool = True  # the top-left slot of its (possibly merged) cell
    row0: int = 0  # where the cell starts
    col0: int = 0
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    """Rows of slots, all rows equally wide (missing slots are blank copies)."""

    rows: list[list[Slot]]
    source: str  # html | docx | pdf | md
    page: int | None = None  # first page (PDF)
    row_pages: list[int | None] = field(default_factory=list)  # page of each row, where known
    index: int = 0  # position among the document's tables

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def height(self) -> int:
        return len(self.rows)

    def text(self, r: int, c: int) -> str:
        return self.rows[r][c].text

    def row_texts(self, r: int) -> list[str]:
        """The distinct cells of a row, left to right (a cell spanning columns counted once)."""
        out: list[str] = []
        last: tuple[int, int] | None = None
        for s in self.rows[r]:
            ident = (s.row0, s.col0)
            if ident == last:
                continue
            last = ident
            out.append(s.text)
        return out

    def page_of(self, r: int) -> int | None:
        if r < len(self.row_pages) and self.row_pages[r] is not None:
            return self.row_pages[r]
        return self.page

    def all_text(self) -> str:
        return " ".join(t for r in range(self.height) for t in self.row_texts(r) if t)


def build_grid(cells_by_row: list[list[tuple[str, int, int]]], source: str, **kw) -> Grid:
    """Lay out rows of (text, rowspan, colspan) cells on a grid, as a browser does.

    A cell goes into the first free slot of its row (slots taken by a rowspan from
    above are skipped); spans below 1 or absurdly large are clamped.
    """
    taken: dict[tuple[int, int], Slot] = {}
    n_rows = len(cells_by_row)
    width = 0
    for r, cells in enumerate(cells_by_row):
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in taken:
                c += 1
            rs = max(1, min(rowspan, n_rows - r))
            cs = max(1, min(colspan, 200))
            for dr in range(rs):
                for dc in range(cs):
                    taken[(r + dr, c + dc)] = Slot(text, dr == 0 and dc == 0, r, c, rs, cs)
            c += cs
        width = max(width, max((cc + 1 for (rr, cc) in taken if rr == r), default=0))
    rows: list[list[Slot]] = []
    for r in range(n_rows):
        row = []
        for c in range(width):
            s = taken.get((r, c))
            row.append(s if s is not None else Slot("", True, r, c))
        rows.append(row)
    rows = [row for row in rows if row]  # a <tr> with no cells at all
    return Grid(rows, source, **kw)


def _span(value: object) -> int:
    try:
        return int(str(value).strip().rstrip(";")) if value not in (None, "") else 1
    except ValueError:
        return 1


# ------------------------------------------------------------------ HTML


def html_grids(soup) -> list[Grid]:
    """Every innermost-data ``<table>`` of a parsed page as a grid (nested layout tables skipped)."""
    grids: list[Grid] = []
    for table in soup.find_all("table"):
        if table.find("table") is not None:  # a layout table holding the real one
            continue
        rows: list[list[tuple[str, int, int]]] = []
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            cells = []
            for td in tr.find_all(["td", "th"], recursive=False):
                cells.append((html_cell_text(td), _span(td.get("rowspan")), _span(td.get("colspan"))))
            rows.append(cells)
        if rows and any(rows):
            grids.append(build_grid(rows, "html", index=len(grids)))
    return grids


def html_cell_text(td) -> str:
    """Text of a ``<td>``: pieces joined with nothing (spans, one-character paragraphs), ``<br>`` as nothing."""
    parts = [str(s) for s in td.find_all(string=True) if not _is_comment(s)]
    return cell_text("".join(p.replace("\n", "").replace("\r", "") for p in parts))


def _is_comment(s) -> bool:
    from bs4 import Comment

    return isinstance(s, Comment)


# ------------------------------------------------------------------ DOCX


def docx_grid(table, index: int = 0) -> Grid:
    """A python-docx Table as a grid: gridSpan and vMerge resolved from the XML, not from ``row.cells``."""
    from docx.oxml.ns import qn

    rows: list[list[tuple[str, int, int]]] = []
    vmerge_cont: list[list[bool]] = []
    for tr in table._tbl.tr_lst:
        cells, cont = [], []
        for tc in tr.tc_lst:
            pr = tc.tcPr
            span = 1
            cont_flag = False
            if pr is not None:
                gs = pr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = _span(gs.get(qn("w:val")))
                vm = pr.find(qn("w:vMerge"))
                if vm is not None and vm.get(qn("w:val")) in (None, "continue"):
                    cont_flag = True
            text = "".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
            cells.append((cell_text(text), 1, span))
            cont.append(cont_flag)
        rows.append(cells)
        vmerge_cont.append(cont)
    grid = build_grid(rows, "docx", index=index)
    # a vMerge continuation cell shows the text of the cell above it
    for r, (cells, cont) in enumerate(zip(rows, vmerge_cont)):
        c = 0
        for (_, _, span), is_cont in zip(cells, cont):
            if is_cont and r > 0:
                above = grid.rows[r - 1][c]
                for dc in range(span):
                    if c + dc < grid.width:
                        grid.rows[r][c + dc] = Slot(above.text, False, above.row0, above.col0, above.rowspan + 1,
                                                    above.colspan)
            c += span
    return grid


# ------------------------------------------------------------------ Markdown

MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def markdown_grids(text: str) -> tuple[list[Grid], list[tuple[int, int]]]:
    """Pipe tables of a Markdown text (as converters write them), and the line span each one takes."""
    lines = text.splitlines()
    grids: list[Grid] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if is_pipe_row(lines[i]):
            j = i
            while j < len(lines) and is_pipe_row(lines[j]):
                j += 1
            block = [ln for ln in lines[i:j] if not MD_SEPARATOR.match(ln)]
            if len(block) >= 2:
                rows = [[cell_text(_md_unescape(c)) for c in split_pipe_row(ln)] for ln in block]
                grids.append(_markdown_grid(rows, len(grids)))
                spans.append((i, j))
            i = j
        else:
            i += 1
    return grids, spans


def _markdown_grid(rows: list[list[str]], index: int) -> Grid:
    """A pipe table as a grid. Converters write a colspan as the cell plus empty cells, and drop the cells a
    rowspan covers, so rows come out short: a short row's cells go under the multi-column cells of the row above
    when they are exactly as many (a header's sub-columns), else to the right end of the row (the label columns a
    rowspan covers are at the left); the slots left over are the cells above them, carried down."""
    width = max(len(r) for r in rows)
    out: list[list[Slot]] = []
    for r, cells in enumerate(rows):
        if len(cells) == width or not out:
            out.append([Slot(t, True, r, c) for c, t in enumerate(cells)]
                       + [Slot("", True, r, c) for c in range(len(cells), width)])
            continue
        above = out[-1]
        open_cols = _multi_column_slots(above)
        cols = open_cols if len(open_cols) == len(cells) else list(range(width - len(cells), width))
        row = [Slot(above[c].text, False, above[c].row0, above[c].col0, above[c].rowspan + 1, above[c].colspan)
               for c in range(width)]
        for c, t in zip(cols, cells):
            row[c] = Slot(t, True, r, c)
        out.append(row)
    return Grid(out, "md", index=index)


def _multi_column_slots(row: list[Slot]) -> list[int]:
    """Columns of the row's cells written over several columns: a cell followed by empty cells."""
    out: list[int] = []
    c = 0
    while c < len(row):
        s = row[c]
        if s.origin and s.text:
            e = c + 1
            while e < len(row) and row[e].origin and not row[e].text:
                e += 1
            if e - c > 1:
                out.extend(range(c, e))
            c = e
        else:
            c += 1
    return out


def is_pipe_row(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def split_pipe_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return re.split(r"(?<!\\)\|", s)


def _md_unescape(s: str) -> str:
    s = re.sub(r"<br\s*/?>", "", s, flags=re.I)
    s = s.replace("\\|", "|").replace("**", "").replace("__", "")
    s = s.replace("&nbsp;", " ")
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>])", r"\1", s)


# ------------------------------------------------------------------ PDF


def pdf_page_grids(page, page_no: int, start_index: int = 0) -> list[Grid]:
    """Ruled tables of one pdfplumber page: each cell's box placed on the grid of the table's distinct edges."""
    out: list[Grid] = []
    try:
        tables = page.find_tables()
    except Exception:  # pragma: no cover - pdfplumber on a damaged page
        return out
    for t in tables:
        boxes = [b for b in t.cells if b is not None]
        if len(boxes) < 4:
            continue
        xs = _edges([x for b in boxes for x in (b[0], b[2])])
        ys = _edges([y for b in boxes for y in (b[1], b[3])])
        if len(xs) < 2 or len(ys) < 3:
            continue
        n_rows, n_cols = len(ys) - 1, len(xs) - 1
        slots: dict[tuple[int, int], Slot] = {}
        for b in boxes:
            c0, c1 = _index(xs, b[0]), _index(xs, b[2])
            r0, r1 = _index(ys, b[1]), _index(ys, b[3])
            if c1 <= c0 or r1 <= r0:
                continue
            try:
                text = _box_text(page, b)
            except ValueError:  # a box outside the page
                text = ""
            text = cell_text(_pdf_cell(text))
            for r in range(r0, r1):
                for c in range(c0, c1):
                    slots[(r, c)] = Slot(text, r == r0 and c == c0, r0, c0, r1 - r0, c1 - c0)
        rows = [[slots.get((r, c), Slot("", True, r, c)) for c in range(n_cols)] for r in range(n_rows)]
        out.append(Grid(rows, "pdf", page=page_no, row_pages=[page_no] * n_rows, index=start_index + len(out)))
    return out


def _box_text(page, box) -> str:
    """Text of the characters whose centre lies in the box (a glyph poking over a ruling line still counts)."""
    x0, top, x1, bottom = box
    chars = [ch for ch in page.chars
             if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom]
    if not chars:
        return ""
    from pdfplumber.utils import extract_text

    return extract_text(chars, x_tolerance=1.5, y_tolerance=3) or ""


def _edges(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _pdf_cell(text: str) -> str:
    # a cell's text wraps onto several lines: Chinese joins without a space, numbers keep apart
    return re.sub(r"(?<=[^\x00-\x7f])\n|\n(?=[^\x00-\x7f])", "", text).replace("\n", " ")
