"""Report -> retrievable Chunks.

Two kinds of chunk:

- ``text``: the body text of one section (or sub-part), split into sentences
  (on 。！？； and newlines) and packed greedily up to ``chunk_max_chars``;
  a sentence longer than that is cut at commas, then hard at the limit.
- ``row``: one table row, all its cells in one line, e.g.
  ``表三 一、本年新收政府信息公开申请数量：自然人 3001，…，总计 3119``.

Each chunk carries a context header (agency · year · section path, plus the
table for row chunks). BM25 ranks header + text for both kinds; only text
chunks get a dense vector (``DENSE_KINDS``), embedded with their header: it
lifts dense recall@1 from 0.33 to 0.92 on the seed corpus (see
/work/shared/research/offline-embeddings.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ingest.models import Chunk, Report, TableCell
from ingest.settings import Settings

# A sentence ends after one of these (kept with the sentence), or at a newline.
_SENT_END = re.compile(r"(?<=[。！？；!?;])|\n+")
_SOFT_BREAK = re.compile(r"(?<=[，,、：:])")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")

# The chunk kinds that get a dense vector. Only text: a row's numbers are answered from its cells, and its
# words (table, row and column labels, agency and year in its header) are found by BM25; an embedding tells
# neither 21 from 12 nor one report's row from another's, and rows were ~72 % of a report's encoder tokens and
# ~75 % of its vectors. Every search that asks for rows fuses BM25 with the dense text hits.
DENSE_KINDS: tuple[str, ...] = ("text",)

# Which top section holds which table (template numbering).
TABLE_SECTION = {"表二": "二", "表三": "三", "表四": "四"}
TABLE_ORDER = {"表二": 0, "表三": 1, "表四": 2}


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, end punctuation kept, blanks dropped, spaces normalised."""
    out = []
    for part in _SENT_END.split(text or ""):
        s = _SPACES.sub(" ", part).strip()
        if s:
            out.append(s)
    return out


def _plain(prev: str) -> str:
    return ""


def _joiner(prev: str) -> str:
    """Chinese sentences join without a space; keep a space after Latin letters/digits."""
    return " " if prev and prev[-1].isascii() and prev[-1].isalnum() else ""


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    """A sentence longer than ``max_chars``: pack its comma-bounded clauses, hard-cut what still exceeds."""
    pieces: list[str] = []
    for clause in (c for c in _SOFT_BREAK.split(sentence) if c):
        while len(clause) > max_chars:
            pieces.append(clause[:max_chars])
            clause = clause[max_chars:]
        if clause:
            pieces.append(clause)
    return pack(pieces, max_chars, joiner=_plain)


def pack(sentences: Iterable[str], max_chars: int, joiner: Callable[[str], str] = _joiner) -> list[str]:
    """Greedily join consecutive sentences while the result stays within ``max_chars``.

    Every output is at most ``max_chars`` long and no sentence is lost or
    reordered; a sentence longer than the limit is cut (at commas first).
    """
    chunks: list[str] = []
    cur = ""
    for s in sentences:
        if len(s) > max_chars:
            if cur:
                chunks.append(cur)
                cur = ""
            chunks.extend(_cut_long(s, max_chars))
            continue
        candidate = f"{cur}{joiner(cur)}{s}" if cur else s
        if len(candidate) <= max_chars:
            cur = candidate
        else:
            chunks.append(cur)
            cur = s
    if cur:
        chunks.append(cur)
    return chunks


def pack_text(text: str, max_chars: int) -> list[str]:
    """Sentence-bounded pieces of ``text``, each at most ``max_chars`` long."""
    return pack(split_sentences(text), max_chars)


def header_for(report: Report, section_path: str, table: str | None = None) -> str:
    parts = [report.agency, f"{report.year}年", section_path]
    if table:
        parts.append(table)
    return " · ".join(p for p in parts if p)


def _table_section_path(report: Report, table: str) -> str:
    sec = report.top_section(TABLE_SECTION.get(table, ""))
    return sec.path if sec else table


def row_text(table: str, row_label: str, cells: list[TableCell]) -> str:
    """One table row as one line: ``表三 <row label>：<column> <value>，…``."""
    values = "，".join(f"{c.column_label} {c.display_value()}" for c in cells)
    return f"{table} {row_label}：{values}"


def row_chunks(report: Report, report_id: str | None = None) -> list[Chunk]:
    rid = report_id or report.id
    groups: dict[tuple[str, str], list[TableCell]] = {}
    for c in report.cells:
        groups.setdefault((c.table, c.row), []).append(c)
    out = []
    for (table, row), cells in groups.items():
        label = cells[0].row_label
        section = _table_section_path(report, table)
        page = next((c.page for c in cells if c.page is not None), None)
        out.append(Chunk(
            report_id=rid, agency=report.agency, year=report.year, source=report.source, kind="row",
            section=section, table=table, row=row, row_label=label, page=page,
            text=row_text(table, label, cells), header=header_for(report, section, table),
        ))
    return out


def text_chunks(report: Report, max_chars: int, report_id: str | None = None) -> list[Chunk]:
    rid = report_id or report.id
    out = []
    for sec in report.all_sections():
        path = sec.path or sec.title or "正文"
        for piece in pack_text(sec.text, max_chars):
            out.append(Chunk(
                report_id=rid, agency=report.agency, year=report.year, source=report.source, kind="text",
                section=path, page=sec.page_start, text=piece, header=header_for(report, path),
            ))
    return out


def chunk_report(report: Report, settings: Settings | int, report_id: str | None = None) -> list[Chunk]:
    """All chunks of a report: text chunks in reading order, then one per table row.

    Chunks with the same id (identical text in the same section) are kept once,
    so ids are unique within a report.
    """
    max_chars = settings if isinstance(settings, int) else settings.chunk_max_chars
    seen: set[str] = set()
    out: list[Chunk] = []
    for ch in (*text_chunks(report, max_chars, report_id), *row_chunks(report, report_id)):
        if ch.id not in seen:
            seen.add(ch.id)
            out.append(ch)
    return out


def chunk_metadata(chunk: Chunk, *, source_path: str = "",
                   source_sha256: str = "") -> dict[str, str | int | float | bool]:
    """Flat metadata for a vector store (no None values: Chroma drops them)."""
    md: dict[str, str | int | float | bool] = {
        "report_id": chunk.report_id,
        "chunk_id": chunk.id,
        "content_hash": chunk.id,
        "agency": chunk.agency,
        "year": chunk.year,
        "source": chunk.source,
        "kind": chunk.kind,
        "section": chunk.section,
    }
    if source_path:
        md["source_path"] = source_path
    if source_sha256:
        md["source_sha256"] = source_sha256
    for key in ("table", "row", "row_label", "page"):
        v = getattr(chunk, key)
        if v is not None:
            md[key] = v
    return md
