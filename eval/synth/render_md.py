"""Markdown rendering, the way document converters (markitdown, pymupdf4llm, pandoc) write a report page.

Tables become pipe tables in one of two habits: ``ragged`` — each row lists only the cells that start in it
(row/column spans dropped, as an HTML-to-Markdown converter leaves them), padded with empty cells — or
``grid`` — the resolved grid with a merged cell written once and the slots it covers left empty.
Headings are ``#`` lines or bold lines; the title may be a heading or a plain first line.
"""

from __future__ import annotations

import random

from .document import Heading, Para, Signature, T2Table, T3Table, T4Table, Title, grid_of

HABITS = ("ragged", "grid")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _pipe(rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(_cell(c) for c in rows[0]) + " |", "|" + "|".join(["---"] * width) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows[1:]]
    return out


def _table(el, habit: str) -> list[str]:
    g = grid_of(el)
    if habit == "ragged":
        return _pipe([[c.text for c in row] for row in g.rows])
    slots = [[""] * g.n_cols for _ in g.rows]
    for r, c, cell in g.placed():
        if r < len(slots) and c < g.n_cols:
            slots[r][c] = cell.text
    return _pipe(slots)


def render_md(rng: random.Random, doc: list) -> tuple[str, str]:
    """The Markdown text and the table habit used."""
    habit = rng.choice(HABITS)
    hashes = rng.random() < 0.7
    out: list[str] = []
    for el in doc:
        if isinstance(el, Title):
            out += ["# " + "".join(el.lines) if rng.random() < 0.7 else "".join(el.lines), ""]
        elif isinstance(el, Heading):
            out += [("#" * (el.level + 1) + " " + el.text) if hashes else f"**{el.text}**", ""]
        elif isinstance(el, Para):
            out += [el.text, ""]
        elif isinstance(el, (T2Table, T3Table, T4Table)):
            out += _table(el, habit) + [""]
        elif isinstance(el, Signature):
            out += [*el.lines, ""]
    return "\n".join(out) + "\n", habit
