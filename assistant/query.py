"""The typed query: what a question asks, read by :mod:`assistant.reader`, executed by the answer stage.

``Query(scope, measures, operation, unplaced)`` as in shared/docs/question-model.md. A Query is plain data
(pydantic): the same question read twice gives the same Query, a test can assert it, ``--explain`` prints it, and a
follow-up question is read against the previous turn's Query.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.models import Evidence

from ingest.template import T2, T3, T3_COLUMN_BY_KEY, T3_ROW_BY_KEY, T4, T4_COLUMN_BY_KEY, T4_GROUP_BY_KEY, T2_ROW_BY_KEY


class Measure(BaseModel):
    """A set of cells of one table: rows x columns, added up when there are several."""

    table: str = Field(description="表二 | 表三 | 表四")
    rows: list[str] = Field(description="row keys of ingest/template.py (表四: its parts); several = their sum")
    columns: list[str] = Field(description="column keys; several = their sum")
    row_label: str = Field("", description="how the answer names the rows")
    column_label: str = Field("", description="how the answer names the columns")

    def __init__(self, table: str | None = None, rows: list[str] | None = None, columns: list[str] | None = None,
                 row_label: str = "", column_label: str = "", **kw):
        if table is not None:
            kw.update(table=table, rows=rows or [], columns=columns or [], row_label=row_label,
                      column_label=column_label)
        super().__init__(**kw)

    def explain(self) -> str:
        col = self.column_label or "、".join(self.columns)
        several = " 合计" if len(self.rows) > 1 and self.table != T4 else ""
        return f"{self.table} {self.row_label}{several} · {col}"


CellTarget = Measure  # the answer modules' older name for a measure


OpKind = Literal["value", "values", "sum", "diff", "share", "rank", "compare", "breakdown", "check", "state", "unit",
                 "narrative"]


class Operation(BaseModel):
    kind: OpKind = "value"
    rounding: int | None = Field(None, description="share: decimal places asked (default 1)")
    rank: Literal["max", "min"] | None = None
    over: Literal["reports", "parts", "columns", "turns"] | None = Field(
        None, description="rank: among reports, parts of a measure, or applicant columns; sum: of the earlier turns' "
                          "answers (两项加起来呢)")
    compare: Literal["years", "agencies"] | None = None
    change: bool = Field(False, description="compare: a change over time, read from the earlier year")
    by: Literal["row", "column"] | None = Field(None, description="breakdown: across rows or columns")
    state: Literal["blank", "zero", "nonzero"] | None = None
    state_of: Literal["reports", "rows"] | None = None
    state_table: str | None = None
    summary: bool = False

    def explain(self) -> str:
        k = self.kind
        if k == "share":
            return f"占比（保留{self.rounding if self.rounding is not None else 1}位小数）"
        if k == "rank":
            return {"max": "最多", "min": "最少"}[self.rank or "max"] + {"reports": "（各报告间）", "parts": "（各分项间）",
                                                                          "columns": "（各类申请人间）"}.get(self.over or "", "")
        if k == "compare":
            return "比较" + ("（变化）" if self.change else "") + ({"years": "年度", "agencies": "机关"}.get(self.compare or "", ""))
        if k == "state":
            what = {"blank": "未填报", "zero": "全为0", "nonzero": "不为0"}[self.state or "blank"]
            return f"{self.state_table or ''}{what}（{'哪些报告' if self.state_of == 'reports' else '哪些行'}）"
        if k == "breakdown":
            return "分项列出" + ({"row": "（按行）", "column": "（按列）"}.get(self.by or "", ""))
        if k == "narrative":
            return "总结" if self.summary else "正文检索"
        if k == "sum" and self.over == "turns":
            return "合计（前两问的答案）"
        return {"value": "取值", "values": "分别列出", "sum": "合计", "diff": "差值", "check": "勾稽校验",
                "unit": "计量单位"}[k]


class Scope(BaseModel):
    agencies: list[str] = Field(default_factory=list, description="canonical names of the agencies in scope")
    years: list[int] = Field(default_factory=list, description="report years in scope (empty: every year)")
    unknown_agencies: list[str] = Field(default_factory=list, description="named, but no report of it is held")
    missing_years: list[int] = Field(default_factory=list, description="named as report years, but not held")
    invalid_years: list[str] = Field(default_factory=list, description="not a possible year (0000年)")
    content_years: list[int] = Field(default_factory=list, description="years the question mentions that are not "
                                                                       "report years (报告里说到2025年要…)")
    filters: dict[str, str | int] = Field(default_factory=dict, description="the --agency/--year filters given")
    overridden: list[str] = Field(default_factory=list, description="filters the question's own scope overrode")
    from_context: list[str] = Field(default_factory=list, description="parts taken from the previous turn")
    previous_missing: int | None = Field(None, description="比上年 asked, but the year before is not held")
    ambiguous: dict[str, list[str]] = Field(default_factory=dict, description="a name fragment that fits several "
                                                                              "agencies -> those agencies (asked back)")


class TurnResult(BaseModel):
    """What one earlier turn of a conversation answered: its value and what it rests on (两项加起来呢 adds them)."""

    question: str
    value: int | float | None = None
    unit: str = Field("", description="the value's unit as answered (件, 条, 万元 …), '' when not known")
    evidence: list[Evidence] = Field(default_factory=list, description="the cells or sentences the value rests on")


class Span(BaseModel):
    start: int
    end: int
    text: str
    kind: str = Field(description="agency | year | measure | operation | filler | topic | unplaced")


class Query(BaseModel):
    question: str
    scope: Scope = Field(default_factory=Scope)
    measures: list[Measure] = Field(default_factory=list)
    operation: Operation = Field(default_factory=Operation)
    unplaced: list[str] = Field(default_factory=list, description="content words the reader could not place")
    measure_like: list[str] = Field(default_factory=list, description="unplaced words that read as a quantity the "
                                                                      "template does not have (a refusal names them)")
    quantity_words: list[str] = Field(default_factory=list, description="measure-like words that read as a quantity "
                                                                        "(经费, 访问量): a narrative number must sit "
                                                                        "next to them")
    mismatched: list[str] = Field(default_factory=list, description="cell words of another table than the one read "
                                                                    "(行政复议 with 自然人): no one cell has both, so "
                                                                    "no table answer is given")
    search_text: str | None = Field(None, description="what a follow-up searches the text for: the earlier "
                                                       "question's words (那2022年呢？ after a narrative question)")
    wants_number: bool = False
    narrative_hint: bool = False
    text_named: bool = Field(False, description="the question names the report's text (正文, 报告说)")
    terms: list[str] = Field(default_factory=list, description="what the question asks about that no table item "
                                                               "holds (its topic and left-over words, in order): "
                                                               "what a follow-up such as 业务动态呢 replaces")
    result: TurnResult | None = Field(None, description="this turn's answer, filled in once answered (a context "
                                                        "carries it to the next turn)")
    earlier: list[TurnResult] = Field(default_factory=list, description="the earlier turns' answers, oldest first "
                                                                        "(at most 3)")
    spans: list[Span] = Field(default_factory=list)

    # ---- what the answer modules read
    @property
    def agencies(self) -> list[str]:
        return self.scope.agencies

    @property
    def years(self) -> list[int]:
        return self.scope.years

    @property
    def unknown_agencies(self) -> list[str]:
        return self.scope.unknown_agencies

    @property
    def previous_missing(self) -> int | None:
        return self.scope.previous_missing

    @property
    def target(self) -> Measure | None:
        return self.measures[0] if self.measures else None

    @property
    def table_state(self) -> str | None:
        return self.operation.state

    @property
    def table_state_table(self) -> str | None:
        return self.operation.state_table

    @property
    def intent(self) -> str:
        """The operation under the answer's ``intent`` label (kept for eval results and the UI)."""
        op = self.operation
        if op.kind == "rank":
            base = "column_" if op.over == "columns" else ""
            return base + (op.rank or "max")
        if op.kind == "state":
            return "table_rows" if op.state_of == "rows" else "table_state"
        if op.kind == "narrative":
            return "summary" if op.summary else "narrative"
        return {"value": "cell", "values": "list", "share": "ratio", "breakdown": "breakdown"}.get(op.kind, op.kind)

    def explain(self) -> str:
        """One line: 理解为：淮安市人民政府 · 2024 · 表三 （三）不予公开 合计 · 总计 · 取值"""
        s = self.scope
        who = "、".join(s.agencies) or ("、".join(s.unknown_agencies) + "（语料中没有）" if s.unknown_agencies else "全部机关")
        years = "、".join(str(y) for y in s.years) or "全部年度"
        parts = [who, years]
        if self.measures:
            parts.append("；".join(m.explain() for m in self.measures))
        parts.append(self.operation.explain())
        line = "理解为：" + " · ".join(parts)
        if s.invalid_years or s.missing_years:
            line += f"（年份不在语料中：{'、'.join([*s.invalid_years, *map(str, s.missing_years)])}）"
        if self.mismatched:
            line += f"（不在同一张表中：{'、'.join(self.mismatched)}）"
        if self.measure_like:
            line += f"（未能对应到表格项目：{'、'.join(self.measure_like)}）"
        elif self.unplaced:
            line += f"（未识别的词：{'、'.join(self.unplaced)}）"
        if s.overridden:
            line += f"（问题中的范围优先，忽略了筛选条件：{'、'.join(s.overridden)}）"
        if s.from_context:
            line += f"（沿用上一问：{'、'.join(s.from_context)}）"
        return line

    @classmethod
    def from_explain(cls, d: dict) -> Query:
        """A Query back from the ``explain`` field of an answer (a context file, the last turn)."""
        return cls.model_validate({k: v for k, v in d.items() if k != "text"})

    def explain_dict(self) -> dict:
        """The ``explain`` field of ``ask --json``."""
        d = self.model_dump(mode="json", exclude={"spans"})
        d["text"] = self.explain()
        return d


def row_label(table: str, key: str) -> str:
    if table == T3:
        return T3_ROW_BY_KEY[key].short
    if table == T4:
        return T4_GROUP_BY_KEY[key].label
    if table == T2:
        return T2_ROW_BY_KEY[key].label
    return key


def column_label(table: str, key: str) -> str:
    if table == T3:
        return T3_COLUMN_BY_KEY[key].label
    if table == T4:
        return T4_COLUMN_BY_KEY[key].label
    return key
