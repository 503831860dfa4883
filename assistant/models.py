"""Typed records of the answer stage: Evidence -> Citation -> Answer.

``Answer`` serialises to the JSON object fixed in shared/docs/contracts.md
(question, answer, answerable, value, citations, warnings) plus extensions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ingest.models import content_id


class Evidence(BaseModel):
    """One thing an answer rests on: a table cell or a sentence of narrative."""

    kind: Literal["cell", "text"]
    report_id: str
    agency: str
    year: int
    source: str
    page: int | None = None
    section: str | None = None
    table: str | None = None
    row: str | None = Field(None, description="canonical row label (for cells)")
    row_key: str | None = None
    column: str | None = Field(None, description="canonical column label (for cells)")
    column_key: str | None = None
    value: str | None = Field(None, description="the cell's value as text, or 未填报")
    number: int | float | None = None
    quote: str = ""
    score: float | None = None

    @property
    def id(self) -> str:
        return content_id("evidence", self.report_id, self.kind, self.table, self.row_key, self.column_key, self.quote)


class Citation(BaseModel):
    id: int
    report_id: str | None = Field(None, description="extension: the cited report's id (for the source panel)")
    agency: str
    year: int
    source: str
    page: int | None = None
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    value: str | None = None
    quote: str = ""

    @classmethod
    def from_evidence(cls, n: int, ev: Evidence) -> Citation:
        return cls(id=n, report_id=ev.report_id, agency=ev.agency, year=ev.year, source=ev.source, page=ev.page, section=ev.section,
                   table=ev.table, row=ev.row, column=ev.column, value=ev.value, quote=ev.quote)


Intent = Literal["cell", "list", "max", "min", "sum", "compare", "check", "narrative", "summary", "refusal"]


class Answer(BaseModel):
    question: str
    answer: str
    answerable: bool
    value: int | float | None = None
    citations: list[Citation] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    # extensions (contract: extend, never break)
    intent: str | None = Field(None, description="what the question was taken to ask")
    agency: str | None = Field(None, description="the agency the question was resolved to")
    year: int | None = Field(None, description="the year the question was resolved to")
    latency_ms: float | None = None
    explain: dict | None = Field(None, description="how the question was understood: the typed Query (scope, "
                                                  "measures, operation, unplaced words) and its one-line text")

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json")
