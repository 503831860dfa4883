"""A tiny stand-in for assistant.Assistant with the same public methods (UI tests only).

It answers from one hand-made report (a few 表三 cells, one narrative section)
so the web app can be exercised without an index or a model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

from assistant.models import Answer, Citation
from ingest.index import ReportInfo
from ingest.indexer import FileOutcome, IngestResult
from ingest.models import CellState, Finding, Report, Section, TableCell

RESULTS = "三、本年度办理结果"
T3_COLS = [("natural", "自然人"), ("commercial", "商业企业"), ("research", "科研机构"), ("social", "社会公益组织"),
           ("legal", "法律服务机构"), ("other", "其他"), ("total", "总计")]


def _row(key: str, label: str, values: list[int | None], page: int = 4) -> list[TableCell]:
    quote = label + " " + " ".join("" if v is None else str(v) for v in values)
    return [TableCell(table="表三", row=key, row_label=label, printed_label=label, column=ck, column_label=cl, value=v,
                      state=CellState.number if v is not None else CellState.blank, page=page, quote=quote)
            for (ck, cl), v in zip(T3_COLS, values, strict=True)]


def make_report(agency: str = "淮安市人民政府", year: int = 2024, source: str = "szfgs2024.pdf") -> Report:
    cells = (_row("new", "一、本年新收政府信息公开申请数量", [3001, 53, 0, 0, 61, 4, 3119])
             + _row("open", f"{RESULTS}（一）予以公开", [1000, 10, 0, 0, 20, 1, 1031])
             + _row("withheld_inquiry", f"{RESULTS}（三）不予公开 8.属于行政查询事项", [100, 1, 0, 0, 4, 0, 105])
             + _row("withheld_secret", f"{RESULTS}（三）不予公开 1.属于国家秘密", [None] * 7))
    body = "2024年，本机关共收到政府信息公开申请3119件。全部按期答复。<script>alert(1)</script>"
    sec = Section(number="一", title="总体情况", canonical="总体情况", path="一、总体情况", page_start=1,
                  children=[Section(number="（二）", title="依申请公开情况", path="一、总体情况 / （二）依申请公开情况",
                                    page_start=2, text=body)])
    return Report(agency=agency, year=year, source=source, sha256="0" * 64, sections=[sec], cells=cells,
                  findings=[Finding(table="表四", rule="t4.total", severity="error",
                                    detail="表四「行政复议」：合计 11，而总计印为 0。")])


class FakeAssistant:
    """Same methods as assistant.Assistant; deterministic answers."""

    def __init__(self, settings=None, delay: float = 0.0):
        self.settings = settings
        self.delay = delay
        self._reports = {r.id: r for r in (make_report(),)}
        self.asked: list[tuple[str, str | None, int | None]] = []
        self.contexts: list[dict | None] = []  # the context= of each ask (follow-ups)
        self.ingested: list[Path] = []

    # --- questions
    def ask(self, question: str, *, agency: str | None = None, year: int | None = None,
            context: dict | None = None) -> Answer:
        self.asked.append((question, agency, year))
        self.contexts.append(context)
        if self.delay:
            time.sleep(self.delay)
        ans = self._ask(question)
        ans.explain = _explain(question, agency, year, context, ans)
        for f in ans.explain["scope"]["overridden"]:
            ans.warnings.append(f"问题中已指明范围，已忽略筛选条件「{f}」。")
        return ans

    def _ask(self, question: str) -> Answer:
        rep = next(iter(self._reports.values()))
        if "火星" in question:
            return Answer(question=question, answer="已索引的报告中没有这方面的信息。", answerable=False,
                          intent="refusal", latency_ms=1.0)
        if "依申请" in question:
            sec = rep.sections[0].children[0]
            cit = Citation(id=1, report_id=rep.id, agency=rep.agency, year=rep.year, source=rep.source, page=2,
                           section=sec.path, quote="2024年，本机关共收到政府信息公开申请3119件。")
            return Answer(question=question, answer="本机关共收到政府信息公开申请3119件[1]。", answerable=True,
                          value=3119, citations=[cit], intent="narrative", agency=rep.agency, year=rep.year,
                          latency_ms=2.0)
        cell = next(c for c in rep.cells if c.row == "withheld_inquiry" and c.column == "total")
        cit = Citation(id=1, report_id=rep.id, agency=rep.agency, year=rep.year, source=rep.source, page=cell.page,
                       section="三、收到和处理政府信息公开申请情况", table="表三", row=cell.row_label,
                       column=cell.column_label, value=cell.display_value(), quote=cell.quote)
        return Answer(question=question, answer=f"{rep.agency}{rep.year}年因属于行政查询事项不予公开的申请共105件[1]。",
                      answerable=True, value=105, citations=[cit], warnings=["表四的勾稽关系不成立：合计 11，而总计印为 0。"],
                      intent="cell", agency=rep.agency, year=rep.year, latency_ms=3.0)

    def ask_stream(self, question: str, *, agency: str | None = None, year: int | None = None,
                   context: dict | None = None) -> Iterator[str | Answer]:
        final = self.ask(question, agency=agency, year=year, context=context)
        text = final.answer
        for i in range(0, len(text), 6):
            yield text[i:i + 6]
        yield final

    # --- reports
    def reports(self) -> list[ReportInfo]:
        return [ReportInfo(report_id=r.id, agency=r.agency, agency_variants=[r.agency], year=r.year, source=r.source,
                           template=r.template, sections=6, cells=len(r.cells), findings=len(r.findings),
                           errors=sum(f.severity == "error" for f in r.findings),
                           blank_tables=[]) for r in self._reports.values()]

    def get_report(self, report_id: str) -> Report:
        try:
            return self._reports[report_id]
        except KeyError:
            from ingest.index import UnknownReportError

            raise UnknownReportError(f"no report {report_id!r}") from None

    def ingest(self, paths: list[Path], progress: Callable[[int, int, str], None] | None = None, *,
               agency: str | None = None, year: int | None = None) -> IngestResult:
        res = IngestResult()
        paths = [Path(p) for p in paths]
        for i, p in enumerate(paths):
            if progress:
                progress(i, len(paths), str(p))
            self.ingested.append(p)
            if p.suffix.lower() == ".txt" and "坏" not in p.name:
                rep = make_report(agency=agency or f"测试局{len(self._reports)}", year=year or 2023, source=p.name)
                self._reports[rep.id] = rep
                res.add(FileOutcome(path=str(p), status="ingested", agency=rep.agency, year=rep.year, report_id=rep.id))
            else:
                res.add(FileOutcome(path=str(p), status="failed", reason="不是政府信息公开工作年度报告（没有找到模板的章节标题和表格）"))
        if progress:
            progress(len(paths), len(paths), "")
        return res

    def example_questions(self, n: int = 6) -> list[str]:
        return ["淮安市2024年因属于行政查询事项不予公开的申请有几件？", "淮安市人民政府2024年依申请公开情况如何？",
                "火星市2024年收到多少申请？"][:n]


def _explain(question: str, agency: str | None, year: int | None, context: dict | None, ans: Answer) -> dict:
    """A Query-like explain dict: the question's own 淮安市 / 20xx年 win over the filters; a follow-up (那…呢)
    carries the previous turn's agency over."""
    import re

    scope: dict = {"agencies": [], "years": [], "overridden": [], "from_context": [], "filters": {}}
    named_agency = "淮安市人民政府" if "淮安市" in question else None
    m = re.search(r"(20\d\d)年", question)
    named_year = int(m.group(1)) if m else None
    prev = (context or {}).get("scope") or {}
    if named_agency:
        scope["agencies"] = [named_agency]
        if agency and agency != named_agency:
            scope["overridden"].append(f"机关：{agency}")
    elif agency:
        scope["agencies"] = [agency]
    elif prev.get("agencies"):
        scope["agencies"] = list(prev["agencies"])
        scope["from_context"].append("机关")
    if named_year:
        scope["years"] = [named_year]
        if year and year != named_year:
            scope["overridden"].append(f"年度：{year}")
    elif year:
        scope["years"] = [year]
    elif prev.get("years"):
        scope["years"] = list(prev["years"])
        scope["from_context"].append("年度")
    text = "理解为：" + " · ".join(["、".join(scope["agencies"]) or "全部机关",
                                  "、".join(map(str, scope["years"])) or "全部年度",
                                  {"cell": "取值", "refusal": "拒答"}.get(ans.intent or "", "取值")])
    if scope["overridden"]:
        text += f"（问题中的范围优先，忽略了筛选条件：{'、'.join(scope['overridden'])}）"
    if scope["from_context"]:
        text += f"（沿用上一问：{'、'.join(scope['from_context'])}）"
    return {"question": question, "scope": scope, "text": text}
