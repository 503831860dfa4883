"""The ground truth of one synthetic report, as written to ``<name>.truth.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

Number = int | float


class TruthCell(BaseModel):
    table: Literal["表二", "表三", "表四"]
    row: str = Field(description="canonical row key (表四: group key review/direct/after_review)")
    column: str = Field(description="canonical column key")
    value: Number | None = Field(description="the printed value; null when the cell is printed blank")
    row_label: str = ""
    column_label: str = ""


class Violation(BaseModel):
    rule: str = Field(description="t3.row_total | t3.results_total | t3.balance | t4.group_total | narrative.new")
    table: str = Field(description="表三 | 表四 | 正文")
    row: str | None = None
    column: str | None = None
    printed: Number | None = Field(default=None, description="the (wrong) value as printed")
    expected: Number | None = Field(default=None, description="the value the rule requires")
    detail: str = ""
    also_breaks: list[str] = Field(default_factory=list,
                                   description="rules the same changed cell breaks as well (a cell is in a row "
                                               "sum and a column sum)")


class NarrativeFact(BaseModel):
    key: str = Field(description="new | carried | handled | forward | review | litigation | published_items | …")
    value: Number
    section: str = Field(description="section path, e.g. 一、总体情况 / （二）依申请公开")
    quote: str = Field(description="the sentence that carries the number")


class SynthTruth(BaseModel):
    name: str
    file: str = Field(description="the report file's name, beside the truth file")
    format: Literal["txt", "docx", "html", "pdf", "md"]
    layout: str = Field(default="", description="txt: tab | space | vertical; otherwise the renderer's name")
    encoding: str = "utf-8"
    seed: int = 0
    agency: str = Field(description="canonical agency name (the full form used in the body)")
    agency_alias: str = Field(description="short form, e.g. 青川区工信局")
    title_agency: str = Field(description="the form printed in the title (canonical or alias)")
    level: Literal["省", "市", "区县", "街道"]
    kind: str
    place: str
    parent: str = ""
    year: int
    template: Literal["2019", "2021"]
    t2_columns: dict[str, Literal["2019", "2021"]] = Field(
        description="per 第二十条 item (（一） （五） （六） （八）): which template's columns are printed")
    t3_rows: int = Field(description="23 (（六）其他处理 as one row) or 25")
    title: str
    cells: list[TruthCell]
    blank_tables: list[str] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list)
    narrative: list[NarrativeFact] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list, description="top section headings as printed")

    def cell(self, table: str, row: str, column: str) -> TruthCell | None:
        return next((c for c in self.cells if c.table == table and c.row == row and c.column == column), None)

    def value(self, table: str, row: str, column: str) -> Number | None:
        c = self.cell(table, row, column)
        return None if c is None else c.value

    def fact(self, key: str) -> NarrativeFact | None:
        return next((f for f in self.narrative if f.key == key), None)

    def violated_tables(self) -> set[str]:
        return {v.table for v in self.violations}

    @classmethod
    def load(cls, path: str | Path) -> SynthTruth:
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))

    def dump(self, path: str | Path) -> None:
        """Readable and fast: one field a line, one list item (cell, fact, violation) a line."""
        d = self.model_dump(mode="json")
        parts = []
        for k, v in d.items():
            if isinstance(v, list) and v and isinstance(v[0], dict):
                body = ",\n  ".join(json.dumps(x, ensure_ascii=False) for x in v)
                parts.append(f" {json.dumps(k)}: [\n  {body}\n ]")
            else:
                parts.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}")
        Path(path).write_text("{\n" + ",\n".join(parts) + "\n}\n", encoding="utf-8")


@dataclass
class SynthReport:
    """One generated report: where it is, what it holds, how long it took."""

    path: Path
    truth_path: Path
    truth: SynthTruth
    seconds: float = 0.0  # wall clock
    cpu_seconds: float = 0.0  # this process's CPU time (what a loaded machine does not distort)

    @property
    def name(self) -> str:
        return self.truth.name

    @property
    def format(self) -> str:
        return self.truth.format
