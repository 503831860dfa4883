"""Typed records of the audit: a rule, its verdict on one report, the evidence it read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field

from ingest.models import CellState, Finding, Report, Section, TableCell, content_id


class Verdict(str, Enum):
    passed = "通过"
    failed = "不通过"
    unknown = "无法核对"  # a blank or unread cell, or a table not found: never a pass
    notice = "提示"  # text and table disagree; scopes may legitimately differ


class Evidence(BaseModel):
    """One cell or one quote a rule compared, with what a citation needs to open it."""

    kind: Literal["cell", "text"]
    report_id: str
    agency: str
    year: int
    source: str
    table: str | None = None
    row: str | None = None
    row_label: str | None = None
    column: str | None = None
    column_label: str | None = None
    value: int | float | None = None
    state: str | None = Field(default=None, description="number | blank | na | unread | missing (no such cell found)")
    section: str | None = None
    quote: str = ""
    page: int | None = None

    @property
    def display(self) -> str:
        if self.kind == "text":
            return self.quote
        if self.state == "number" and self.value is not None:
            v = self.value
            return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
        return {"blank": "未填报", "na": "不适用", "unread": "未读出", "missing": "未找到"}.get(self.state or "", "")


class AuditFinding(Finding):
    """A verdict of one rule on one report (one column, row or group of it), with its evidence."""

    verdict: Verdict
    description: str = Field(description="the rule, in Chinese")
    subject: str = Field(default="", description="what part the verdict is about, e.g. 「自然人」列")
    agency: str = ""
    year: int = 0
    source: str = ""
    report_id: str = ""
    evidence: list[Evidence] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return content_id("finding", self.report_id, self.rule, self.subject, self.verdict.value, self.detail)

    def as_finding(self) -> Finding:
        """The plain record stored on Report.findings (contract fields only)."""
        return Finding(table=self.table, rule=self.rule, severity=self.severity, detail=self.detail)

    def contract_dict(self) -> dict:
        """The ``check --json`` item: contract fields first, extensions after."""
        return {"agency": self.agency, "year": self.year, "source": self.source, "table": self.table,
                "rule": self.rule, "severity": self.severity, "detail": self.detail,
                "verdict": self.verdict.value, "description": self.description, "subject": self.subject,
                "report_id": self.report_id, "evidence": [e.model_dump(mode="json") for e in self.evidence]}


@dataclass(frozen=True)
class Outcome:
    """What a rule found on one instance (a column, a row, a group, a claim)."""

    verdict: Verdict
    subject: str
    detail: str
    evidence: tuple[Evidence, ...] = ()
    table: str | None = None  # when the rule spans tables: the one this outcome is about


ReportRule = Callable[[Report], list[Outcome]]
CorpusRule = Callable[[Report, list[Report]], list[Outcome]]


@dataclass(frozen=True)
class Rule:
    id: str
    table: str  # 表二 | 表三 | 表四 | 正文
    description: str  # Chinese: what must hold
    reads: str  # Chinese: the cells or text it reads
    fn: Callable
    needs_others: bool = False  # a cross-report rule: fn(report, others)
    severity: Literal["error", "warning"] = "error"  # of a 不通过


_IDS: dict[tuple, str] = {}


def report_id(report: Report) -> str:
    """``report.id`` (a content hash), computed once per report."""
    k = (id(report), report.sha256, report.source, report.agency, report.year)
    rid = _IDS.get(k)
    if rid is None:
        if len(_IDS) > 4096:
            _IDS.clear()
        rid = _IDS[k] = report.id
    return rid


def cell_evidence(report: Report, cell: TableCell) -> Evidence:
    return Evidence(kind="cell", report_id=report_id(report), agency=report.agency, year=report.year, source=report.source,
                    table=cell.table, row=cell.row, row_label=cell.row_label, column=cell.column,
                    column_label=cell.column_label, value=cell.value, state=cell.state.value, quote=cell.quote,
                    page=cell.page)


def missing_evidence(report: Report, table: str, row: str, row_label: str, column: str,
                     column_label: str) -> Evidence:
    return Evidence(kind="cell", report_id=report_id(report), agency=report.agency, year=report.year,
                    source=report.source, table=table, row=row, row_label=row_label, column=column, column_label=column_label,
                    state="missing")


def text_evidence(report: Report, section: Section | None, quote: str, page: int | None = None) -> Evidence:
    return Evidence(kind="text", report_id=report_id(report), agency=report.agency, year=report.year, source=report.source,
                    section=section.path if section else None, quote=quote,
                    page=page if page is not None else (section.page_start if section else None))


def readable(cell: TableCell | None) -> bool:
    """A printed number: anything else (blank, unread, not found) cannot be checked."""
    return cell is not None and cell.state is CellState.number and cell.value is not None
