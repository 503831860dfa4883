"""Where a citation's cell or sentence is in the original file: boxes on a PDF page, a slot of a table grid.

Never a guess. A place is returned only when the text found there *is* the cited text: the quote's
characters, or — for a table cell — the cited value at its position in the printed line it was read
from (every cell read from that line is checked against the line's numbers, not only the cited one),
or the grid slot holding the value under the cited row and column labels. Otherwise ``None``, and the
caller says so (no box at a likely-looking place).

Positions on a PDF page are in points, origin top-left: ``(left, top, right, bottom)``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.text import key, normalise, parse_number

Box = tuple[float, float, float, float]

_NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?(?![\d.、．])")  # 「1、」「2.」 are item markers
MIN_PARTIAL = 12  # the shortest start/end of a quote that may stand for it (a quote split over two pages)
LABEL_WINDOW = 80  # compact characters before a line's first number where its row label may end
_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")
MIN_SEQUENCE = 3  # numbers a printed line must carry to be found by its numbers alone


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _state(cell: Any) -> str:
    s = _get(cell, "state", "number")
    return str(getattr(s, "value", s) or "number")


def compact(text: str) -> tuple[str, list[int]]:
    """``text``'s matching key character by character, and the index in ``text`` of each key character."""
    out: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text):
        k = key(ch)
        for kc in k:
            out.append(kc)
            idx.append(i)
    return "".join(out), idx


def _half(text: str) -> str:
    """``text`` normalised character by character where that keeps its length (full-width digits -> ASCII)."""
    return "".join(n if len(n := normalise(ch)) == 1 else ch for ch in text)


@dataclass(frozen=True)
class Num:
    value: float
    start: int
    end: int


def numbers(text: str) -> list[Num]:
    out = []
    for m in _NUMBER.finditer(_half(text)):
        v = parse_number(m.group(0))
        if v is not None:
            out.append(Num(float(v), m.start(), m.end()))
    return out


def _values(text: str) -> list[float]:
    return [n.value for n in numbers(text)]


def _find_all(hay: str, needle: str) -> list[int]:
    out, i = [], hay.find(needle)
    while needle and i >= 0:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


# ---------------------------------------------------------------------- the cell among its line's numbers


def cell_position(line: Sequence[float], cell: Any, cells: Sequence[Any]) -> int | None:
    """Which of a printed line's numbers is ``cell``'s value, or None.

    The cells read from the same line (same table and page; first those whose quote prints the same
    numbers, then those with the same quote) are laid over the line's numbers — exactly, or against its
    right end (a row label may carry a number, 「1、」) — and every one of them must equal its number."""
    value = _get(cell, "value")
    if value is None:
        return None
    same = [c for c in cells if _get(c, "table") == _get(cell, "table") and _get(c, "page") == _get(cell, "page")
            and _state(c) == "number" and _get(c, "value") is not None]
    qvals = _values(_get(cell, "quote") or "")
    by_numbers = [c for c in same if _values(_get(c, "quote") or "") == qvals]
    by_quote = [c for c in same if (_get(c, "quote") or "") == (_get(cell, "quote") or "")]
    for group, exact in ((by_numbers, True), (by_quote, False)):
        if not any(c is cell or c == cell for c in group) or not group:
            continue
        if (exact and len(group) != len(line)) or len(group) > len(line):
            continue
        off = len(line) - len(group)
        if all(abs(float(_get(c, "value")) - line[off + k]) < 1e-9 for k, c in enumerate(group)):
            return off + next(k for k, c in enumerate(group) if c is cell or c == cell)
    return None


# ---------------------------------------------------------------------- PDF page


@dataclass
class PageHit:
    """What was found on a page: ``boxes`` (the value, or one per line of a sentence), ``label`` (the row
    label of a cell, drawn lighter), ``partial`` (only the start or end of a quote was found)."""

    boxes: list[Box] = field(default_factory=list)
    label: list[Box] = field(default_factory=list)
    partial: bool = False


class _Page:
    def __init__(self, pc: Any):
        self.text: str = pc.text
        self.height: float = pc.height
        self.boxes = pc.boxes
        self.ckey, self.cidx = compact(self.text)
        self.nums = numbers(self.text)

    def box(self, start: int, end: int) -> Box | None:
        bs = [b for b in self.boxes[start:end] if b is not None]
        if not bs:
            return None
        left, bottom = min(b[0] for b in bs), min(b[1] for b in bs)
        right, top = max(b[2] for b in bs), max(b[3] for b in bs)
        return (left, self.height - top, right, self.height - bottom)

    def line_boxes(self, start: int, end: int) -> list[Box]:
        """One box per printed line of text[start:end]."""
        out, a = [], start
        for i in range(start, end + 1):
            if i == end or self.text[i] == "\n":
                b = self.box(a, i)
                if b is not None:
                    out.append(b)
                a = i + 1
        return out

    def line_ends(self, k: int) -> bool:
        """Number k is the last of its printed line: words (or nothing) follow before the next number."""
        if k + 1 >= len(self.nums):
            return True
        return bool(_WORDS.search(self.text[self.nums[k].end:self.nums[k + 1].start]))

    def span(self, j: int, n: int) -> tuple[int, int]:
        """The text span of compact characters j .. j+n-1."""
        return self.cidx[j], self.cidx[j + n - 1] + 1


def locate_pdf_quote(pc: Any, quote: str) -> PageHit | None:
    """The lines of ``quote`` on the page (its whole text, else its longest start or end of at least
    ``MIN_PARTIAL`` characters: a quote that runs over a page break)."""
    q, _ = compact(quote or "")
    if not q:
        return None
    page = _Page(pc)
    hits = _find_all(page.ckey, q)
    if hits:
        a, b = page.span(hits[0], len(q))
        return PageHit(boxes=page.line_boxes(a, b)) or None
    best: tuple[int, int] | None = None  # (compact start, length)
    for from_end in (False, True):
        lo, hi = MIN_PARTIAL, len(q) - 1
        found = None
        while lo <= hi:  # the longest prefix (suffix) found: found-ness is monotone in the length
            mid = (lo + hi) // 2
            probe = q[-mid:] if from_end else q[:mid]
            j = page.ckey.find(probe)
            if j >= 0:
                found, lo = (j, mid), mid + 1
            else:
                hi = mid - 1
        if found and (best is None or found[1] > best[1]):
            best = found
    if best is None:
        return None
    a, b = page.span(*best)
    boxes = page.line_boxes(a, b)
    return PageHit(boxes=boxes, partial=True) if boxes else None


def _label_keys(cell: Any) -> list[str]:
    out = []
    for lab in (_get(cell, "printed_label"), _get(cell, "row_label")):
        k = key(lab or "")
        if k and k not in out:
            out.append(k)
    return out


def locate_pdf_cell(pc: Any, cell: Any, cells: Sequence[Any]) -> PageHit | None:
    """The box of ``cell``'s value on the page (and of its row label when printed on the same line)."""
    page = _Page(pc)
    quote = _get(cell, "quote") or ""
    qvals = _values(quote)
    lines: list[list[int]] = []  # each: indexes into page.nums of one printed line
    # the quote as printed, or the piece of it holding the numbers (「表头 … 行政事业性收费7730.28」)
    pieces = [quote] + ([p for p in re.split(r"\s*…+\s*", quote) if _values(p) == qvals] if "…" in quote else [])
    for piece in pieces:
        q, _ = compact(piece)
        for j in _find_all(page.ckey, q) if q else []:
            a, b = page.span(j, len(q))
            ks = [k for k, n in enumerate(page.nums) if n.start >= a and n.end <= b]
            if [page.nums[k].value for k in ks] == qvals and ks not in lines:
                lines.append(ks)
        if lines:
            break
    if not lines and len(qvals) >= MIN_SEQUENCE:  # a quote rebuilt from the line (表四: label + numbers)
        vals = [n.value for n in page.nums]
        lines = [list(range(s, s + len(qvals))) for s in range(len(vals) - len(qvals) + 1)
                 if vals[s:s + len(qvals)] == qvals and page.line_ends(s + len(qvals) - 1)]
    if len(lines) > 1:  # the same numbers twice (two rows of zeros): the row label must tell them apart
        lines = [ks for ks in lines if _label_before(page, ks, _label_keys(cell)) is not None]
    if len(lines) != 1 or _state(cell) != "number":
        return None
    ks = lines[0]
    label = _label_before(page, ks, _label_keys(cell))
    pos = cell_position([page.nums[k].value for k in ks], cell, cells)
    if pos is None:
        return None
    n = page.nums[ks[pos]]
    vbox = page.box(n.start, n.end)
    if vbox is None:
        return None
    hit = PageHit(boxes=[vbox])
    if label is not None:
        a, b = label
        lb = page.box(a, b)
        if lb is not None and lb[1] <= vbox[3] and lb[3] >= vbox[1]:  # on the value's line
            hit.label = [lb]
    return hit


_ITEM = re.compile(r"(?:\d+[.．、]|[（(][一二三四五六七八九十]+[）)])")


def _last_part(label: str) -> str:
    """A nested row label's own part: from its last item marker (「8.」, 「（七）」) on."""
    starts = [m.start() for m in _ITEM.finditer(label)]
    return label[starts[-1]:] if starts else label


def _label_before(page: _Page, ks: list[int], labels: list[str]) -> tuple[int, int] | None:
    """The text span of the row label printed just before the line's first number: nothing but numbers,
    spaces and punctuation between them (the label's last part will do: a nested row prints only
    「8.属于行政查询事项」 on its line)."""
    if not ks:
        return None
    first = page.nums[ks[0]].start
    cfirst = next((j for j, i in enumerate(page.cidx) if i >= first), len(page.cidx))
    base = max(0, cfirst - LABEL_WINDOW)
    window = page.ckey[base:cfirst]
    tails = [_last_part(lab) for lab in labels]
    for lab in labels + [t for t in tails if len(t) >= 4]:
        j = window.rfind(lab)
        if j >= 0 and not _WORDS.search(window[j + len(lab):]) and not re.search(r"\d", window[j + len(lab):]):
            return page.span(base + j, len(lab))
    return None


# ---------------------------------------------------------------------- table grids (HTML, DOCX, Markdown)


def _is_number(text: str) -> bool:
    return parse_number(text.replace("\u00a0", " ").strip()) is not None if text.strip() else False


def locate_grid_cell(grids: Sequence[Any], cell: Any) -> tuple[int, int, int] | None:
    """(grid position in ``grids``, row, column) of the slot printing ``cell``'s value under its row and
    column labels: the value equal, every part of the row label in the labels left of it or above it, the
    column label one of the headers above it. None when no slot or more than one qualifies."""
    value = _get(cell, "value")
    if value is None or _state(cell) != "number":
        return None
    row_parts = [key(p) for p in re.split(r"\s+", _get(cell, "row_label") or "") if key(p)]
    printed = key(_get(cell, "printed_label") or "")
    col = key(_get(cell, "column_label") or "")
    found: list[tuple[int, int, int]] = []
    for gi, g in enumerate(grids):
        for r, c, v, ctx, heads in _numeric_slots(g):
            if abs(v - float(value)) > 1e-9:
                continue
            if not (printed and printed in ctx) and not (row_parts and all(p in ctx for p in row_parts)):
                continue
            if col and not any(h == col or h.startswith(col) for h in heads):
                continue
            found.append((gi, r, c))
    return found[0] if len(found) == 1 else None


def _numeric_slots(g: Any) -> list[tuple[int, int, float, str, list[str]]]:
    """(row, column, value, key of the labels left of and above it, keys of the headers above it) of every
    slot printing a number; computed once per grid."""
    cached = getattr(g, "_rqa_numeric_slots", None)
    if cached is not None:
        return cached
    out = []
    for r, row in enumerate(g.rows):
        for c, slot in enumerate(row):
            if not slot.origin or not _is_number(slot.text):
                continue
            v = parse_number(slot.text.replace("\u00a0", " ").strip())
            if v is None:
                continue
            left = _distinct_texts(row[:c])
            above = _distinct_texts([g.rows[i][c] for i in range(r)])
            out.append((r, c, float(v), key("".join(left + above)), [key(t) for t in above]))
    try:
        g._rqa_numeric_slots = out
    except AttributeError:  # a frozen or slotted grid: recomputed next time
        pass
    return out


def _distinct_texts(slots: Sequence[Any]) -> list[str]:
    out: list[str] = []
    last = None
    for s in slots:
        ident = (s.row0, s.col0)
        if ident == last:
            continue
        last = ident
        if s.text.strip() and not _is_number(s.text):
            out.append(s.text)
    return out


# ---------------------------------------------------------------------- plain text lines (TXT, Markdown)


def locate_text_line(text: str, cell: Any, cells: Sequence[Any]) -> tuple[int, int, int, int] | None:
    """(line start, line end, value start, value end) in ``text`` of a cell read from a printed line."""
    quote = _get(cell, "quote") or ""
    q, _ = compact(quote)
    ckey, cidx = compact(text)
    hits = _find_all(ckey, q) if q else []
    if len(hits) == 1:
        a, b = cidx[hits[0]], cidx[hits[0] + len(q) - 1] + 1
    else:  # a quote rebuilt from the line (表四: label + numbers): the one line printing those numbers
        qvals = _values(quote)
        if hits or len(qvals) < MIN_SEQUENCE:
            return None
        spans, start = [], 0
        for line in text.split("\n"):
            if _values(line) == qvals:
                spans.append((start, start + len(line)))
            start += len(line) + 1
        if len(spans) != 1:
            return None
        a, b = spans[0]
    nums = [n for n in numbers(text) if n.start >= a and n.end <= b]
    pos = cell_position([n.value for n in nums], cell, cells)
    if pos is None:
        return None
    return a, b, nums[pos].start, nums[pos].end
