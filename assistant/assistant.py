"""The Assistant: question -> analysis -> table lookup / hybrid retrieval -> Answer with citations."""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from assistant.holdings import Holdings, views_of
from assistant.models import Answer, Citation, Evidence
from assistant import consistency_claims, executor, narrative_dates, turns
from assistant.narrative import Narrative
from assistant.query import Measure, Operation, Query, row_label
from assistant import refusals
from assistant.reader import read
from assistant.retrieval import asked_unit, tokens
from assistant.table_answers import Cited, ReportValue, answer_table, cell_evidence, fmt, lookup, name
from assistant.units import UnitConflict
from assistant.table_facts import column_extreme_answer, ratio_answer, table_rows_answer, table_state_answer, unit_answer
from ingest.index import ReportIndex, ReportInfo
from ingest.models import CellState, Finding, Report
from ingest.settings import Settings, get_settings
from ingest.template import T3, T3_APPLICANT_KEYS, T4, T4_COLUMNS, T4_GROUPS
from ingest.text import key, numbers_in
from assistant.lexicon import default_lexicon

log = logging.getLogger(__name__)

_MEASURE_WORDS = set("篇条件个次项份家场期名位")  # a count's measure word that jieba glues to the noun after it
SEVERAL_SHOWN = 6  # reports answered measure by measure; more is a table, not an answer


def _rule_warning(info: ReportInfo, table: str | None, f: Finding) -> list[str]:
    """The warning for a 勾稽 rule the report fails on the table an answer reads from (none otherwise)."""
    if f.severity != "error" or f.table != table:
        return []
    return [f"{name(info)}报告的{f.table}未通过勾稽校验：{f.detail}"]


def _total_against_parts(index: ReportIndex, a: Query, values: list[ReportValue]) -> str | None:
    """The detail of a 勾稽 finding saying that the one 表四 总计 cell asked is not the sum of its group's parts."""
    t = a.target
    if t is None or t.table != T4 or t.columns != ["total"] or len(t.rows) != 1 or len(values) != 1:
        return None
    label = f"「{row_label(T4, t.rows[0])}」"
    for _, f in index.findings([values[0].info.report_id]):
        if f.table == T4 and f.severity == "error" and label in f.detail and "总计" in f.detail:
            return f.detail
    return None


class Assistant:
    """Answers questions over one index. Thread-safe; load once, ask many times."""

    def __init__(self, settings: Settings | None = None, *, index: ReportIndex | None = None, embedder=None):
        settings = settings or get_settings()
        if settings.torch_threads is None:
            # one intra-op thread per query: a short query gains nothing from two, and on a busy 2-core machine
            # OpenMP threads waiting for each other made a query 20x slower (measured: 74 ms vs 1,440 ms)
            settings = settings.model_copy(update={"torch_threads": 1})
        self.settings = settings
        self.index = index or ReportIndex(self.settings, embedder=embedder)
        self._lock = threading.RLock()
        self._infos: Holdings | None = None  # sorted by agency and year; its views shared by every copy handed out
        self._vocab: set[str] | None = None
        self._seen_version = self.index.version if hasattr(self.index, "version") else 0
        self._narr = Narrative(self.index, self.settings, self._absent_terms)

    # ---------------------------------------------------------------- corpus

    def reports(self) -> list[ReportInfo]:
        with self._lock:
            self._sync()
            if self._infos is None:
                self._infos = Holdings(sorted(self.index.reports(), key=lambda r: (r.agency, r.year)))
            return Holdings(self._infos, views=self._infos.views)

    def _sync(self) -> None:
        """Drop what is cached from the corpus when the index saw a commit (an upload, the CLI)."""
        version = self.index.refresh()
        if version != self._seen_version:
            self._seen_version = version
            self._infos = None
            self._vocab = None

    def refresh(self) -> None:
        """Look at the catalog now (not waiting for ``index_watch_ms``): after an ingest this process ran."""
        with self._lock:
            self.index.refresh(force=True)
            self._sync()

    def get_report(self, report_id: str) -> Report:
        return self.index.get_report(report_id)

    def ingest(self, paths: list[str | Path], progress: Callable | None = None, **kw):
        """Ingest in this thread. Questions go on meanwhile (no lock is held): they see the last committed
        state, and each report as soon as its commit lands."""
        from ingest.indexer import ingest_paths

        try:
            return ingest_paths(self.settings, [Path(p) for p in paths], progress=progress,
                                embedder=getattr(self.index, "_embedder", None), **kw)
        finally:
            self.refresh()

    def ingest_isolated(self, paths: list[str | Path], progress: Callable | None = None, *,
                        agency: str | None = None, year: int | None = None):
        """Ingest in a child process (the web app's uploads): a hostile file cannot take this process's
        memory, and its parsing does not compete for this process's GIL. Same result as ``ingest``."""
        from ingest.worker import run_in_subprocess

        try:
            return run_in_subprocess(self.settings, [Path(p) for p in paths], progress=progress, agency=agency, year=year)
        finally:
            self.refresh()

    def check(self) -> list[dict]:
        """Findings of every report, as in the ``check --json`` contract."""
        out = []
        infos = {r.report_id: r for r in self.reports()}
        for rid, f in self.index.findings():
            info = infos.get(rid)
            if info is None:
                continue
            out.append({"agency": info.agency, "year": info.year, "source": info.source, "table": f.table,
                        "rule": f.rule, "severity": f.severity, "detail": f.detail})
        return out

    def example_questions(self, n: int = 6) -> list[str]:
        infos = self.reports()
        qs: list[str] = []
        templates = ["{a}{y}年新收政府信息公开申请多少件？", "{a}{y}年因属于行政查询事项不予公开的申请有几件？",
                     "{a}{y}年行政复议总计多少件？", "{a}{y}年表三数据一致吗？", "{a}{y}年依申请公开情况如何？",
                     "{a}{y}年存在的主要问题是什么？"]
        for i, t in enumerate(templates):
            if not infos:
                break
            info = infos[i % len(infos)]
            qs.append(t.format(a=info.agency, y=info.year))
        if len({i.year for i in infos}) >= 1 and len(infos) > 1:
            qs.append(f"{max(i.year for i in infos)}年哪个机关新收政府信息公开申请最多？")
        return qs[:n]

    # ---------------------------------------------------------------- asking

    def ask(self, question: str, *, agency: str | None = None, year: int | None = None,
            context: Query | Answer | dict | None = None) -> Answer:
        """Answer one question. ``context``: the previous turn's Query (or its ``explain`` dict), so that a
        follow-up (那2023年呢？) replaces only what it names."""
        t0 = time.perf_counter()
        try:
            ans, _ = self._answer(question, agency=agency, year=year, context=context)
        except Exception:  # never a traceback for a question; log it for developers
            log.exception("failed to answer %r", question)
            ans = Answer(question=question, answer="抱歉，回答这个问题时出错了，请换个问法或联系管理员。", answerable=False,
                         warnings=["internal error while answering; see the log"])
        ans.latency_ms = round((time.perf_counter() - t0) * 1000, 1)
        return ans

    def ask_with_evidence(self, question: str, *, agency: str | None = None, year: int | None = None,
                          context: Query | Answer | dict | None = None) -> tuple[Answer, list[Evidence]]:
        t0 = time.perf_counter()
        ans, ev = self._answer(question, agency=agency, year=year, context=context)
        ans.latency_ms = round((time.perf_counter() - t0) * 1000, 1)
        return ans, ev

    def ask_stream(self, question: str, *, agency: str | None = None, year: int | None = None,
                   context: Query | Answer | dict | None = None) -> Iterator[str | Answer]:
        """Text deltas, then the final Answer. With a language model configured, the phrasing streams from it."""
        ans, evidence = self.ask_with_evidence(question, agency=agency, year=year, context=context)
        from assistant import llm

        if llm.llm_enabled(self.settings) and ans.answerable:
            yield from llm.stream_phrase(question, ans, evidence, self.settings)
            return
        for i in range(0, len(ans.answer), 12):
            yield ans.answer[i: i + 12]
        yield ans

    def _answer(self, question: str, *, agency: str | None, year: int | None,
                context: Query | Answer | dict | None = None) -> tuple[Answer, list[Evidence]]:
        q = (question or "").strip()
        infos = self.reports()
        if not q:
            return Answer(question=question, answer="请输入问题。", answerable=False), []
        if not infos:
            return Answer(question=q, answer="索引中还没有任何报告，请先导入报告（reportqa ingest）。", answerable=False), []
        try:
            if isinstance(context, Answer):  # the previous Answer itself: its explain field is its Query
                context = context.explain
            ctx = Query.from_explain(context) if isinstance(context, dict) else context
        except ValueError:
            log.warning("ignoring an unreadable conversation context")
            ctx = None
        described = narrative_dates.resolve(q, infos, self.index) if ctx is None else None
        if described is not None:  # 落款日期为2024年1月5日的那份…年报: that report, the question without the date
            info = described.info
            a = read(described.question, infos, agency=info.agency, year=info.year)
        else:
            a = read(q, infos, agency=agency, year=year, context=ctx)
        ans, evidence = self._answer_query(q, a, infos)
        a.result = turns.result_of(turns.label(a), ans, evidence)  # for a follow-up's 两项加起来呢
        if described is not None and ans.answerable:
            ans.answer = f"（所指报告：{name(described.info)}度报告，签署于{described.date}。）\n" + ans.answer
        ans.explain = a.explain_dict()
        for f in a.scope.overridden:
            ans.warnings.append(f"问题中已指明范围，已忽略筛选条件「{f}」。")
        return ans, evidence

    def _answer_query(self, q: str, a: Query, infos: list[ReportInfo]) -> tuple[Answer, list[Evidence]]:
        refusal = refusals.scope_refusal(a, infos)
        if refusal is not None:
            return refusal, []
        scope = views_of(infos).select(a.agencies, a.years)
        if a.operation.over == "turns":  # 两项加起来呢？: the earlier answers, added
            cited = Cited()
            text, value = turns.sum_of_turns(a, cited)
            return Answer(question=q, answer=text, answerable=value is not None, value=value, intent="sum",
                          citations=[Citation.from_evidence(i + 1, ev) for i, ev in enumerate(cited.evidence)],
                          agency=a.agencies[0] if len(a.agencies) == 1 else None,
                          year=a.years[0] if len(a.years) == 1 else None), cited.evidence
        mismatch = refusals.mismatch_refusal(a)
        if mismatch is not None and not a.measure_like:
            return mismatch, []  # 行政复议中自然人申请的: the text's 行政复议351件 is no answer either
        unplaced = refusals.unplaced_refusal(a) or mismatch
        counted = bool(a.measures) and _counted_in_text(a)
        if unplaced is not None or counted:
            # 通过网络提出的申请 / 不予公开信息数多少条: no cell holds it; the text may, next to the question's words
            textual = self._from_text(q, a, infos)
            if textual is not None:
                return textual
            if unplaced is not None:
                return unplaced, []
            return refusals.unit_refusal(a, asked_unit(a.question) or ""), []  # 条 of information are no 件
        cited = Cited()
        warnings: list[str] = []
        no_column = False
        if a.intent == "ratio" and len(a.measures) > 1 and len(scope) <= SEVERAL_SHOWN:
            special = executor.share_of(a, self.index, scope, cited)
        elif a.intent in ("max", "min") and a.operation.over == "parts" and a.operation.by == "row" \
                and len(scope) <= SEVERAL_SHOWN:
            special = executor.rank_groups(a, self.index, scope, cited)
        else:
            special = None
        special = special or (unit_answer(a, self.index, scope, cited) if a.intent == "unit"
                   else ratio_answer(a, self.index, scope, cited) if a.intent == "ratio" else None)
        if special is not None:
            text, value = special
        elif a.intent in ("column_max", "column_min") and (
                found := column_extreme_answer(a, self.index, scope, cited)) is not None:
            text, value = found
        elif a.intent == "table_rows":
            text, value = table_rows_answer(a, self.index, scope, cited)
            for info in scope:
                for _, f in self.index.findings([info.report_id]):
                    warnings += _rule_warning(info, a.table_state_table, f)
        elif a.intent == "table_state":
            text, value = table_state_answer(a, self.index, scope, cited)
        elif a.intent == "check" and a.operation.by == "column" and a.target is not None and len(scope) <= SEVERAL_SHOWN:
            text, value = executor.check_row(a, self.index, scope, cited)
        elif a.intent == "check":
            text, value = self._check_answer(a, scope, cited, warnings)
        elif len(a.measures) > 1 and a.operation.kind in ("sum", "diff", "values", "value") and len(scope) <= SEVERAL_SHOWN:
            text, value = executor.several(a, self.index, scope, cited)
            for m in a.measures:
                self._table_warnings(a, lookup(self.index, scope, m), warnings, m)
        elif a.operation.kind == "breakdown" and a.operation.by == "row" and a.target is not None \
                and a.target.table == T3 and len(scope) <= SEVERAL_SHOWN:
            text, value = executor.breakdown_rows(a, self.index, scope, cited)
            self._table_warnings(a, lookup(self.index, scope, a.target), warnings)
        elif a.target is not None and a.intent != "narrative" and a.intent != "summary":
            text, value, values = answer_table(a, self.index, scope, infos, cited)
            no_column = bool(values) and all(v.missing for v in values)  # every report has the other table head
            self._table_warnings(a, values, warnings)
            broken = _total_against_parts(self.index, a, values) if value is not None else None
            if broken:  # 复议总计印为0 while 结果维持 is 1: the value stays the printed cell, the answer says so
                text += f"\n注意：{broken}印出的总计与各项之和不一致，请以原表核对。"
            blank = [v for v in values if v.blank]
            if blank and len(values) == 1:
                text += self._narr.fallback([v.info for v in blank], cited)
        else:
            found = self._narr.answer(a.model_copy(update={"question": a.search_text}) if a.search_text else a, scope,
                                    cited)
            if found is None:
                return refusals.not_found(q, a, scope), []
            if isinstance(found, UnitConflict):  # 行政复议多少条 where the text says 351件
                return refusals.text_unit_refusal(q, found), []
            text, value = found
        if a.previous_missing is not None:
            who = "、".join(a.agencies) or "所问机关"
            text = f"语料中没有{who} {a.previous_missing} 年的报告，无法与上年比较。" + text
            warnings.append(f"语料中没有 {a.previous_missing} 年的报告可供比较")
            value = None  # the difference asked for cannot be computed; the text still gives this year's figure
        ans = Answer(question=q, answer=text, answerable=a.previous_missing is None and not no_column, value=value,
                     citations=[Citation.from_evidence(i + 1, ev) for i, ev in enumerate(cited.evidence)],
                     warnings=warnings, intent=a.intent,
                     agency=a.agencies[0] if len(a.agencies) == 1 else None,
                     year=a.years[0] if len(a.years) == 1 else None)
        if a.intent == "summary":
            from assistant import llm

            summary = llm.summarise(q, cited.evidence, self.settings) if llm.llm_enabled(self.settings) else None
            if summary is not None:
                return summary, cited.evidence
        return ans, cited.evidence

    def _from_text(self, q: str, a: Query, infos: list[ReportInfo]) -> tuple[Answer, list[Evidence]] | None:
        """The question read as a narrative one (its measure words as the words a number must sit next to):
        an answer only when the text states a number there."""
        # the question's own words: what it could not place, else its words for the measure (依申请公开信息数多少条:
        # 依申请, as the text may write it — 依申请公开信息数182条 — where the template's label is never written)
        said = [sp.text for sp in a.spans if sp.kind == "measure"]
        words = list(dict.fromkeys(a.measure_like)) or [w for w in a.unplaced] or said or [m.row_label for m in a.measures]
        if a.quantity_words and set(words) < set(a.quantity_words):
            words = list(a.quantity_words)  # 区政府办受理…申请: the office and what it counted
        text_q = a.model_copy(update={"measures": [], "measure_like": [], "quantity_words": words,
                                      "operation": Operation(kind="narrative")})
        ans, evidence = self._answer_query(q, text_q, infos)
        if isinstance(ans, refusals.UnitRefusal):
            return ans, evidence  # the text states it, in another unit than the one asked: say so
        return (ans, evidence) if ans.answerable and ans.value is not None else None

    # ---------------------------------------------------------------- corpus words

    def _absent_terms(self, question: str) -> list[str]:
        """Content words of the question (3+ characters) that occur nowhere in the corpus: 访问量, 经费支出 …"""
        with self._lock:
            self._sync()
            vocab = self._vocab
        if vocab is None:  # built outside the lock: a BM25 rebuild must not hold up other questions
            vocab = self.index.vocabulary()
            with self._lock:
                self._vocab = vocab
        if not vocab:
            return []
        names = self.reports().views.names
        # words are cut with the agency names taken out first (…审批局微信公众号 is not 局微信 + 公众号), and a word
        # of the question vocabulary (total, 多多少) is no content word
        bare = names.cover(key(question))
        known = default_lexicon().surfaces
        return [t for t in tokens(bare) if len(t) >= 3 and t.lower() not in vocab and t.lower() not in known
                and not (t[0] in _MEASURE_WORDS and t[1:].lower() in vocab)  # 多少篇文章: 篇 + 文章
                and not any(w in t for w in ("几", "哪", "怎", "什么", "多少")) and not names.in_a_form(t)]

    # ---------------------------------------------------------------- warnings

    def _table_warnings(self, a: Query, values: list[ReportValue], warnings: list[str],
                        measure: Measure | None = None) -> None:
        t = measure or a.target
        if t is None:
            return
        for rv in values:
            findings = [f for _, f in self.index.findings([rv.info.report_id])]
            if rv.blank:
                warnings.append(f"{name(rv.info)}报告的{t.table}未填报（空白），不等于 0。")
            for f in findings:
                warnings += _rule_warning(rv.info, t.table, f)
                if f.rule == "narrative.t3_new" and t.table == T3 and "new" in t.rows:
                    warnings.append(f"{name(rv.info)}：{f.detail}答案取自表三。")
        warnings[:] = list(dict.fromkeys(warnings))

    # ---------------------------------------------------------------- consistency

    def _check_answer(self, a: Query, scope: list[ReportInfo], cited: Cited,
                      warnings: list[str]) -> tuple[str, None]:
        tables = list(dict.fromkeys(m.table for m in a.measures if m.table in (T3, T4))) or [T3, T4]
        narrative = a.text_named  # 正文里的申请数和表三一致吗: the text's numbers too
        # 表四 groups the question itself names (复议后起诉的分项之和与总计一致吗): only the rules over them are
        # reported; a group the reader filled in by default (表四数据一致吗) narrows nothing
        named = {g.key for g in T4_GROUPS if g.label.split()[-1] in a.question}
        rows = {T4: set(m.rows) & named for m in a.measures if m.table == T4 and set(m.rows) & named}
        blocks = []
        for info in scope:
            report = self.index.get_report(info.report_id)
            blocks.append(self._check_report(report, info, tables, narrative, cited, warnings, rows, a))
        return "\n\n".join(blocks), None

    def _check_report(self, report: Report, info: ReportInfo, tables: list[str], narrative: bool, cited: Cited,
                      warnings: list[str], rows: dict[str, set[str]] | None = None,
                      query: Query | None = None) -> str:
        """Every applicable rule of the audit catalogue (ingest.audit, as `reportqa check`) with its verdict."""
        from ingest.audit import Verdict
        from ingest.audit.corpus import index_findings_for

        claim = consistency_claims.claim_of(query, report, info, cited) if query is not None else None
        found = index_findings_for(self.index, report, info=info, infos=self.reports())
        rules = [f for f in found if f.table in tables and not f.rule.startswith(("table.", "section.", "text."))]
        rules += [f for f in found if f.rule.startswith("narrative.") and (narrative or f.verdict is Verdict.notice)]
        rows = rows or {}
        rules = [f for f in rules if f.table not in rows
                 or any(e.kind == "cell" and e.table == f.table and e.row in rows[f.table] for e in f.evidence)]
        lines: list[str] = []
        for table in tables:
            if report.table_blank(table):
                lines.append(f"{table}未填报（整表空白），无数可校验；这不等于 0。"
                             f"{cited.add([cell_evidence(info, report.table_cells(table)[0])])}")
            elif table == T3:
                lines.append(self._t3_equations(report, info, cited))
            elif table == T4:
                lines.append(self._t4_equations(report, info, cited, rows.get(T4)))
        mark = {Verdict.passed: "✓ 通过", Verdict.failed: "✗ 不通过", Verdict.unknown: "？ 无法核对",
                Verdict.notice: "⚠ 提示"}
        for f in sorted(rules, key=lambda f: list(Verdict).index(f.verdict)):
            evs = [] if f.verdict is Verdict.passed else [_audit_evidence(e) for e in f.evidence[:8]]
            why = f.detail if f.verdict is not Verdict.unknown else f"{f.description}——{f.detail}"
            lines.append(f"{mark[f.verdict]}：{why}{cited.add(evs) if evs else ''}")
        bad = [f for f in rules if f.verdict is Verdict.failed]
        notes = [f for f in rules if f.verdict is Verdict.notice]
        unknown = [f for f in rules if f.verdict is Verdict.unknown]
        if bad:
            head = f"{name(info)}：不一致。"
        elif notes:
            head = f"{name(info)}：正文与表格不一致（提示：口径可能不同，请核对）。"
        elif unknown:
            head = f"{name(info)}：无法核对（有未填报或未读出的单元格），不能判为一致。"
        else:
            head = f"{name(info)}：一致，勾稽关系成立。"
        if bad or notes:
            warnings.append(f"{name(info)}报告有 {len(bad) + len(notes)} 项校验未通过。")
        if claim is not None:  # the claim asked is answered first; the table's other rules follow
            head, said = claim
            lines = [said, consistency_claims.others_line(len(bad), len(notes), len(unknown))] + lines
        return head + "\n" + "\n".join(f"- {ln}" for ln in lines if ln)

    def _t3_equations(self, report: Report, info: ReportInfo, cited: Cited) -> str:
        def c(row, col="total"):
            return report.cell(T3, row, col)

        cells = [c("new"), c("carried"), c("total"), c("forward")]
        if any(x is None or x.state is not CellState.number for x in cells):
            return "表三部分单元格未填报，无法完整校验。"
        new, car, tot, fwd = (x.value for x in cells)
        ok = "=" if new + car == tot + fwd else "≠"
        marks = cited.add([cell_evidence(info, x) for x in cells])
        return (f"表三（总计列）：本年新收 {fmt(new)} + 上年结转 {fmt(car)} = {fmt(new + car)} {ok} "
                f"办理结果总计 {fmt(tot)} + 结转下年度 {fmt(fwd)} = {fmt(tot + fwd)}{marks}")

    def _t4_equations(self, report: Report, info: ReportInfo, cited: Cited, groups: set[str] | None = None) -> str:
        parts = []
        for g in (g for g in T4_GROUPS if not groups or g.key in groups):
            cells = [report.cell(T4, g.key, col.key) for col in T4_COLUMNS]
            if any(x is None or x.state is not CellState.number for x in cells):
                continue
            vals = [x.value for x in cells]
            ok = "=" if sum(vals[:-1]) == vals[-1] else "≠"
            mark = cited.add([cell_evidence(info, cells[-1])])
            parts.append(f"{g.label}：{'+'.join(fmt(v) for v in vals[:-1])} = {fmt(sum(vals[:-1]))} {ok} 总计 {fmt(vals[-1])}{mark}")
        return "表四：" + "；".join(parts) if parts else "表四部分单元格未填报，无法完整校验。"


def _audit_evidence(e) -> Evidence:
    """An audit finding's evidence (ingest.audit.Evidence) as the assistant's citation evidence."""
    return Evidence(kind=e.kind, report_id=e.report_id, agency=e.agency, year=e.year, source=e.source, page=e.page,
                    section=e.section, table=e.table, row=e.row_label, row_key=e.row, column=e.column_label,
                    column_key=e.column, value=e.display if e.kind == "cell" else None,
                    number=e.value if e.state == "number" else None, quote=e.quote)


def _counted_in_text(a: Query) -> bool:
    """A count asked in 条/篇 of 表三/表四, whose cells count 件: the text's own count is asked (不予公开信息数多少条)."""
    unit = asked_unit(a.question)
    return unit in ("条", "篇") and all(m.table in (T3, T4) for m in a.measures)


def numbers_supported(answer: Answer) -> bool:
    """Every number of the answer text appears in a citation's quote or value (or the question/years)."""
    allowed = set(numbers_in(answer.question))
    for c in answer.citations:
        allowed |= set(numbers_in(c.quote)) | set(numbers_in(c.value or "")) | {str(c.year)}
        allowed |= set(numbers_in(c.row or "")) | set(numbers_in(c.section or ""))
    if answer.value is not None and (len(answer.citations) > 1 or f"= {fmt(answer.value)}" in answer.answer):
        # an aggregate computed from the cited cells (or from two numbers of one cited sentence)
        allowed.add(fmt(answer.value))
    text = re.sub(r"\[\d+\]", "", answer.answer)
    return all(n in allowed for n in numbers_in(text))


__all__ = ["Assistant", "numbers_supported", "T3_APPLICANT_KEYS"]
