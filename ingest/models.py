"""Typed records of the ingest stage: Report -> Section / TableCell -> Chunk.

Ids are content hashes (sha1 of the fields that make the record what it is),
so the same content always gets the same id, across runs and machines.
"""

from __future__ import annotations

import hashlib
import json
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ingest.text import format_number


def content_id(*parts: object) -> str:
    """A short, stable id: sha1 over the JSON of ``parts``."""
    raw = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


class CellState(str, Enum):
    number = "number"  # a value was printed
    blank = "blank"  # the cell exists but was left empty: not reported, not 0
    not_applicable = "na"  # the cell does not exist in this template version
    unread = "unread"  # the cell exists but the parser could not read its content: neither 0 nor blank


TableName = Literal["表二", "表三", "表四"]


class TableCell(BaseModel):
    model_config = ConfigDict(frozen=True)

    table: TableName
    row: str = Field(description="canonical row key, e.g. 'new' or 'withheld_inquiry'")
    row_label: str = Field(description="canonical row label as cited, e.g. 一、本年新收政府信息公开申请数量")
    printed_label: str = Field(default="", description="the row label as printed in the report")
    column: str = Field(description="canonical column key, e.g. 'natural' or 'review.total'")
    column_label: str = Field(description="canonical column label as cited, e.g. 自然人 or 总计")
    value: int | float | None = None
    state: CellState = CellState.number
    page: int | None = None
    quote: str = Field(default="", description="the source line(s) the value was read from")

    @property
    def id(self) -> str:
        return content_id("cell", self.table, self.row, self.column, self.value, self.state.value)

    def display_value(self) -> str:
        if self.state is not CellState.number or self.value is None:
            return {CellState.blank: "未填报", CellState.unread: "未能读取"}.get(self.state, "不适用")
        if isinstance(self.value, float) and not self.value.is_integer():
            return format_number(self.value)
        return str(int(self.value)) if isinstance(self.value, float) else str(self.value)


class Section(BaseModel):
    number: str = Field(description="一 … 六 for top sections, （一） … for sub-parts, '' for a preamble")
    title: str = Field(description="heading as printed (normalised spaces)")
    canonical: str = Field(default="", description="canonical template title for top sections")
    path: str = Field(description="e.g. 一、总体情况 / （二）依申请公开")
    page_start: int | None = None
    page_end: int | None = None
    text: str = Field(default="", description="body text directly under this heading")
    children: list[Section] = Field(default_factory=list)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()


Severity = Literal["error", "warning"]


class Finding(BaseModel):
    table: str = Field(description="表二 | 表三 | 表四 | 正文")
    rule: str = Field(description="short rule id, e.g. t3.balance")
    severity: Severity
    detail: str = Field(description="human sentence with the numbers")


class TableCoverage(BaseModel):
    table: str = Field(description="表二 | 表三 | 表四")
    found: int = Field(description="cells read (a number, or a blank the report left empty)")
    expected: int = Field(description="cells the template's table has in the wording printed")
    unread: int = Field(0, description="cells present but not readable (neither 0 nor blank)")
    source: str = Field("none", description="grid (read from the file's table structure) | lines (from text) | none")

    @property
    def complete(self) -> bool:
        return self.found >= self.expected and not self.unread


class Coverage(BaseModel):
    """How much of the template a parse found: per table cells found / expected, and sections."""

    tables: list[TableCoverage] = Field(default_factory=list)
    sections_found: list[str] = Field(default_factory=list, description="top-section numbers found (一 … 六)")
    sections_expected: int = 6

    def table(self, name: str) -> TableCoverage | None:
        return next((t for t in self.tables if t.table == name), None)

    @property
    def cells_found(self) -> int:
        return sum(t.found for t in self.tables)

    @property
    def cells_expected(self) -> int:
        return sum(t.expected for t in self.tables)

    def summary(self) -> dict:
        """A plain dict for ``--json`` output and the UI."""
        return {
            "cells_found": self.cells_found, "cells_expected": self.cells_expected,
            "tables": {t.table: {"found": t.found, "expected": t.expected, "unread": t.unread, "source": t.source}
                       for t in self.tables},
            "sections_found": len(self.sections_found), "sections_expected": self.sections_expected,
        }


class Report(BaseModel):
    agency: str = Field(description="canonical agency name (the fullest form seen)")
    agency_variants: list[str] = Field(default_factory=list, description="every form of the name seen")
    year: int = Field(description="the year reported on")
    title: str = ""
    source: str = Field(description="file name")
    source_path: str = ""
    sha256: str = ""
    template: Literal["2019", "2021"] = "2021"
    pages: int = 1
    sections: list[Section] = Field(default_factory=list)
    cells: list[TableCell] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="parse warnings")
    coverage: Coverage | None = Field(default=None, description="parse coverage: cells found / expected, sections")

    @property
    def id(self) -> str:
        return content_id("report", self.sha256 or self.source, self.agency, self.year)

    def all_sections(self) -> list[Section]:
        return [s for top in self.sections for s in top.walk()]

    def top_section(self, number: str) -> Section | None:
        return next((s for s in self.sections if s.number == number), None)

    def table_cells(self, table: str) -> list[TableCell]:
        return [c for c in self.cells if c.table == table]

    def cell(self, table: str, row: str, column: str) -> TableCell | None:
        return next((c for c in self.cells if c.table == table and c.row == row and c.column == column), None)

    def table_blank(self, table: str) -> bool:
        cells = self.table_cells(table)
        return bool(cells) and all(c.state is CellState.blank for c in cells)


ChunkKind = Literal["text", "row"]


class Chunk(BaseModel):
    """A retrievable unit. Carries its full source reference."""

    model_config = ConfigDict(frozen=True)

    report_id: str
    agency: str
    year: int
    source: str
    kind: ChunkKind
    section: str = Field(description="section path")
    table: str | None = None
    row: str | None = Field(default=None, description="row key for row chunks")
    row_label: str | None = None
    page: int | None = None
    text: str = Field(description="the text as in the report (what a citation quotes)")
    header: str = Field(description="context header embedded with the text: agency · year · section")

    @property
    def id(self) -> str:
        return content_id("chunk", self.report_id, self.kind, self.section, self.row, self.text)

    @property
    def search_text(self) -> str:
        """What BM25 ranks: the context header and the text, numbers and identity included."""
        return f"{self.header}\n{self.text}"

    @property
    def embed_text(self) -> str:
        """What the dense encoder embeds (text chunks only: see ``ingest.chunking.DENSE_KINDS``)."""
        return f"{self.header}\n{self.text}"
