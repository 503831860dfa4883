"""The Assistant: question -> analysis -> table lookup / hybrid retrieval -> Answer with citations."""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from assistant.models import Answer, Citation, Evidence
from assistant import text_arithmetic
from assistant import executor
from assistant.query import Measure, Operation, Query
from assistant import refusals
from assistant.reader import read
from assistant.scope import is_subsequence
from assistant.retrieval import (
    MONEY_UNITS,
    RE_DATE,
    STRICT_UNITS,
    asked_unit,
    best_sentences,
    contact_pattern,
    hybrid_search,
    number_near,
    pick_number,
    section_for,
    sentence_evidence,
    split_sentences,
    tokens,
)
from ingest.agency import forms as agency_forms
from assistant.table_answers import Cited, ReportValue, answer_table, cell_evidence, fmt, lookup, name
from assistant.table_facts import column_extreme_answer, ratio_answer, table_rows_answer, table_state_answer, unit_answer
from ingest.index import ReportIndex, ReportInfo
from ingest.models import CellState, Finding, Report
from ingest.settings import Settings, get_settings
from ingest.template import T3, T3_APPLICANT_KEYS, T4, T4_COLUMNS, T4_GROUPS
from ingest.text import key, numbers_in

log = logging.getLogger(__name__)

SEVERAL_SHOWN = 6  # reports answered measure by measure; more is a table, not an answer
HOLDINGS_SHOWN = 40  # agencies listed by name in a refusal; beyond that, a count


def _rule_warning(info: ReportInfo, table: str | None, f: Finding) -> list[str]:
    """The warning for a 勾稽 rule the report fails on the table an answer reads from (none otherwise)."""
    if f.severity != "error" or f.table != table:
        return []
    return [f"{name(info)}报告的{f.table}未通过勾稽校验：{f.detail}"]


def _holdings(infos: list[ReportInfo]) -> str:
    """What the corpus holds, for a refusal: 机关（年份、年份年）；… (built only when refusing)."""
    years: dict[str, set[int]] = {}
    for i in infos:
        years.setdefault(i.agency, set()).add(i.year)
    parts = [f"{a}（{'、'.join(str(y) for y in sorted(ys))}年）" for a, ys in sorted(years.items())]
    if len(parts) > HOLDINGS_SHOWN:
        parts = parts[:HOLDINGS_SHOWN] + [f"等共 {len(parts)} 个机关（reportqa reports 列出全部）"]
    return "；".join(parts)

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
        self._infos: list[ReportInfo] | None = None
        self._vocab: set[str] | None = None
        self._seen_version = self.index.version if hasattr(self.index, "version") else 0

    # ---------------------------------------------------------------- corpus

    def reports(self) -> list[ReportInfo]:
        with self._lock:
            self._sync()
            if self._infos is None:
                self._infos = sorted(self.index.reports(), key=lambda r: (r.agency, r.year))
            return list(self._infos)

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
        a = read(q, infos, agency=agency, year=year, context=ctx)
        ans, evidence = self._answer_query(q, a, infos)
        ans.explain = a.explain_dict()
        for f in a.scope.overridden:
            ans.warnings.append(f"问题中已指明范围，已忽略筛选条件「{f}」。")
        return ans, evidence

    def _answer_query(self, q: str, a: Query, infos: list[ReportInfo]) -> tuple[Answer, list[Evidence]]:
        refusal = self._scope_refusal(a, infos)
        if refusal is not None:
            return refusal, []
        scope = [i for i in infos if (not a.agencies or i.agency in a.agencies) and (not a.years or i.year in a.years)]
        unplaced = refusals.unplaced_refusal(a)
        if unplaced is not None or (a.measures and _counted_in_text(a)):
            # 通过网络提出的申请 / 不予公开信息数多少条: no cell holds it; the text may, next to the question's words
            textual = self._from_text(q, a, infos)
            if textual is not None:
                return textual
            if unplaced is not None:
                return unplaced, []
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
        elif len(a.measures) > 1 and a.operation.kind in ("sum", "values", "value") and len(scope) <= SEVERAL_SHOWN:
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
            blank = [v for v in values if v.blank]
            if blank and len(values) == 1:
                text += self._narrative_fallback(a, [v.info for v in blank], cited)
        else:
            found = self._narrative(a.model_copy(update={"question": a.search_text}) if a.search_text else a, scope,
                                    cited)
            if found is None:
                return self._not_found(q, a, scope), []
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
        words = list(dict.fromkeys(a.measure_like)) or [w for w in a.unplaced] or [m.row_label for m in a.measures]
        text_q = a.model_copy(update={"measures": [], "measure_like": [], "quantity_words": words,
                                      "operation": Operation(kind="narrative")})
        ans, evidence = self._answer_query(q, text_q, infos)
        return (ans, evidence) if ans.answerable and ans.value is not None else None

    # ---------------------------------------------------------------- refusals

    def _scope_refusal(self, a: Query, infos: list[ReportInfo]) -> Answer | None:
        if a.scope.ambiguous and not a.scope.agencies:
            which = "；".join(f"「{w}」可能指：{'、'.join(c)}" for w, c in a.scope.ambiguous.items())
            return Answer(question=a.question, answerable=False, intent="refusal",
                          answer=f"问题中的机关不明确。{which}。请写明是哪一个机关再问。")
        if a.scope.invalid_years:
            return Answer(question=a.question, answerable=False, intent="refusal",
                          answer=f"「{'、'.join(a.scope.invalid_years)}」不是有效的报告年份，无法回答。现有报告：{_holdings(infos)}。")
        if a.unknown_agencies and not a.agencies:
            who = "、".join(a.unknown_agencies)
            return Answer(question=a.question, answerable=False, intent="refusal",
                          answer=f"语料中没有「{who}」的报告，无法回答。现有报告：{_holdings(infos)}。")
        if a.years:
            pool = [i for i in infos if not a.agencies or i.agency in a.agencies]
            missing = [y for y in a.years if not any(i.year == y for i in pool)]
            if missing and (a.intent != "compare" or len(missing) == len(a.years)) or not any(i.year in a.years for i in pool):
                who = "、".join(a.agencies) or "任何机关"
                years = "、".join(str(y) for y in sorted({i.year for i in pool})) or "无"
                return Answer(question=a.question, answerable=False, intent="refusal",
                              answer=f"语料中没有{who}{'、'.join(str(y) for y in missing or a.years)}年的报告，无法回答。"
                                     f"{'该机关' if a.agencies else '语料'}现有年份：{years}。现有报告：{_holdings(infos)}。")
        return None

    def _not_found(self, q: str, a: Query, scope: list[ReportInfo]) -> Answer:
        where = "、".join(sorted({name(i) for i in scope})) if len(scope) <= 4 else f"{len(scope)} 份报告"
        words = list(dict.fromkeys(a.quantity_words or a.measure_like))
        what = (f"报告的表格中没有{'、'.join(f'「{w}」' for w in words)}这一项，正文中也没有找到与之相邻的数字。"
                if words else "")
        return Answer(question=q, answerable=False, intent="refusal",
                      answer=f"{what}在{where}中没有找到能回答这个问题的内容，语料中没有这方面的信息。")

    # ---------------------------------------------------------------- narrative

    def _narrative(self, a: Query, scope: list[ReportInfo], cited: Cited) -> tuple[str, int | float | None] | None:
        ids = {i.report_id for i in scope}
        if re.search(r"几个部分|几部分|哪几个部分|哪些部分|分为几|由哪些部分", key(a.question)) and len(scope) <= 3:
            return self._parts_answer(scope, cited)
        routed = section_for(a.question)
        if routed is not None and len(scope) <= 3:
            found = self._section_answer(a, scope, routed, cited)
            if found is not None:
                return found
        pattern = contact_pattern(a.question)
        if pattern is not None and len(scope) <= 3:
            found = self._pattern_answer(scope, pattern, cited)
            if found is not None or pattern is RE_DATE:  # no signature date: say so, never a date from the text
                return found
        if not a.wants_number and len(scope) <= 3:
            found = self._subpart_answer(a, scope, cited)
            if found is not None:
                return found
        hits = hybrid_search(self.index, self.settings, a.question, ids)
        if not hits:
            return None
        best = hits[0]
        dense = max((h.dense for h in hits[:3] if h.dense is not None), default=None)
        if self.settings.embedding_model == "fake":  # the test embedder's similarities mean nothing
            dense = None
        infos = {i.report_id: i for i in scope}
        names = {n for i in scope for n in (i.agency, *i.agency_variants)}
        sents = best_sentences(a.question, hits, self.settings.answer_top_k, want_number=a.wants_number, ignore=names)
        if not sents:
            return None
        top_overlap = max(s.overlap for s in sents)
        # calibrated refusal (eval/gold): off-topic questions score below min_relevance with e5,
        # every answerable narrative question above it; with no dense score, lexical overlap decides
        if (dense is not None and dense < self.settings.min_relevance) or (dense is None and top_overlap < 0.34):
            log.info("narrative refusal: dense=%s overlap=%.2f best=%s", dense, top_overlap, best.chunk.section)
            return None
        absent = [t for t in self._absent_terms(a.question)
                  if not any(is_subsequence(t, n) for n in names)]  # 市政府办 abbreviates 青山市人民政府办公室
        if absent and a.wants_number:
            log.info("narrative refusal: %s not in the corpus", absent)
            return None
        if a.wants_number:
            done = self._arithmetic(a, scope, hits, names, infos, cited)
            if done is not None:
                return done
        if len(a.agencies) >= 2:  # one best sentence per named agency, so none is left out
            per = []
            for info in scope:
                own = [h for h in hits if h.chunk.report_id == info.report_id]
                per += best_sentences(a.question, own, 1, want_number=a.wants_number, ignore=names)
            sents = per or sents
        value, no_unit = None, None
        if a.wants_number:
            pool = sents + [x for x in best_sentences(a.question, hits, 12, want_number=True, ignore=names)
                            if x not in sents]
            unit = asked_unit(a.question)
            picked = pick_number(a.question, [x.text for x in pool], names)
            if picked is None and unit in STRICT_UNITS:  # look further before giving up
                pool += [x for x in best_sentences(a.question, hits, 60, want_number=True, ignore=names)
                         if x not in pool]
                picked = pick_number(a.question, [x.text for x in pool], names)
            if picked is None and unit in STRICT_UNITS and unit not in MONEY_UNITS:
                # (a sum of money must follow the question's own words: 工作经费 is not 信息处理费)
                # the words before the number differ (政府信息 … 政务信息15条): the clause sharing most of the
                # question's words (or bigrams), if its number carries the asked unit
                op = text_arithmetic.best_operand(a.question, pool, names, unit, require_unit=True)
                if op is not None:
                    picked = (op.value, pool.index(op.sentence))
            if picked is None and unit in MONEY_UNITS:
                log.info("narrative refusal: a sum of money asked, none stated near the question's words")
                return None
            if picked is not None and not _next_to_words(pool[picked[1]].text, a.quantity_words):
                log.info("narrative refusal: the number found does not sit next to %s", a.quantity_words)
                return None  # 工作经费是多少: a number of a sentence without 经费 is no answer
            if picked is not None:
                value, at = picked
                sents = [pool[at]] + [x for x in sents if x is not pool[at]][: len(sents) - 1]
            elif unit in STRICT_UNITS:  # 发布信息多少条: 12场 is no answer
                no_unit = unit
            else:
                value = number_near(sents[0].text, a.question)
                if value is not None and not _next_to_words(sents[0].text, a.quantity_words):
                    log.info("narrative refusal: the number found does not sit next to %s", a.quantity_words)
                    return None
        # quote only what bears on the question: drop sentences far weaker than the best one
        top = max(x.overlap for x in sents)
        sents = [sents[0]] + [x for x in sents[1:] if x.overlap >= 0.6 * top and x.overlap > 0]
        lines = []
        for s in sents:
            mark = cited.add([sentence_evidence(s, infos)])
            info = infos.get(s.chunk.report_id)
            who = name(info) if info else f"{s.chunk.agency} {s.chunk.year} 年"
            lines.append(f"- {who}「{s.chunk.section}」：{s.text}{mark}")
        if a.wants_number and a.quantity_words and value is None:
            log.info("narrative refusal: no number next to %s", a.quantity_words)
            return None
        head = ("报告原文相关表述：" if not a.wants_number or value is None else f"据报告原文，相关数字为 {fmt(value)}：")
        if no_unit:
            head = f"报告原文中没有找到以「{no_unit}」计的相关数字。最接近的表述："
        return head + "\n" + "\n".join(lines), value

    def _arithmetic(self, a: Query, scope: list[ReportInfo], hits: list, names: set[str],
                    infos: dict[str, ReportInfo], cited: Cited) -> tuple[str, int | float] | None:
        """A sum or difference of two numbers the text states (two terms of one report, or one term in two)."""
        if len(scope) == 1:
            calc = text_arithmetic.within_report(a.question, hits, names)
        elif len(scope) == 2:
            order = sorted(scope, key=lambda i: (a.years.index(i.year) if i.year in a.years else 9,
                                                 a.agencies.index(i.agency) if i.agency in a.agencies else 9))
            calc = text_arithmetic.across_reports(
                a.question, [[h for h in hits if h.chunk.report_id == i.report_id] for i in order],
                {f for n in names for f in agency_forms(n)})
        else:
            return None
        if calc is None:
            return None
        parts = []
        for o in calc.operands:
            info = infos.get(o.sentence.chunk.report_id)
            who = f"{name(info)}：" if info and len(scope) > 1 else ""
            mark = cited.add([sentence_evidence(o.sentence, infos)])
            parts.append((who, o, mark))
        (wa, oa, ma), (wb, ob, mb) = parts
        a_side = f"{wa}{oa.term + ' ' if oa.term else ''}{fmt(oa.value)} {oa.unit}".rstrip() + ma
        b_side = f"{wb}{ob.term + ' ' if ob.term else ''}{fmt(ob.value)} {ob.unit}".rstrip() + mb
        u = f" {oa.unit}" if oa.unit and oa.unit == ob.unit else ""
        if calc.op == "sum":
            value = calc.value
            text = f"{a_side}，{b_side}，合计 {fmt(oa.value)} + {fmt(ob.value)} = {fmt(value)}{u}。"
        else:  # …比…多多少 -> first - second; …比…少多少 -> second - first
            less = text_arithmetic.asks_less(a.question)
            value = -calc.value if less else calc.value
            if isinstance(value, float):
                value = round(value, 6)
            diff = calc.value
            text = f"{a_side}，{b_side}，前者比后者{'多' if diff >= 0 else '少'} {fmt(abs(diff))}{u}。"
        lines = [f"- {name(infos[o.sentence.chunk.report_id])}「{o.sentence.chunk.section}」：{o.sentence.text}{m}"
                 for _, o, m in parts if o.sentence.chunk.report_id in infos]
        return "据报告原文计算：" + text + "\n" + "\n".join(dict.fromkeys(lines)), value

    def _section_answer(self, a: Query, scope: list[ReportInfo], routed: tuple[str, bool],
                        cited: Cited) -> tuple[str, None] | None:
        """Questions about a template section (存在哪些问题 -> 五, 第四部分 -> 四): quote the section itself,
        in document order, for each report in scope."""
        number, title_only = routed
        if a.wants_number and not title_only:
            return None  # a number inside the section: leave it to retrieval
        lines = []
        for info in scope:
            report = self.index.get_report(info.report_id)
            sec = report.top_section(number)
            if sec is None:
                continue
            if title_only:
                ev = Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                              source=info.source, page=sec.page_start, section=sec.path, quote=sec.title)
                lines.append(f"- {name(info)}报告第{number}部分是「{sec.path}」{cited.add([ev])}")
                continue
            sents = []
            for part in [sec, *sec.children]:
                for x in split_sentences(part.text):
                    if not re.fullmatch(r"（[一二三四五六七八九十]+）[^。]{0,24}。?", x):
                        sents.append((part, x))
            if not sents and sec.text.strip():
                sents = [(sec, sec.text.strip())]  # a section that says just 无
            for part, x in sents[: self.settings.answer_top_k + 1]:
                ev = Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                              source=info.source, page=part.page_start, section=part.path, quote=x)
                lines.append(f"- {name(info)}「{part.path}」：{x}{cited.add([ev])}")
        if not lines:
            return None
        return "报告原文相关表述：\n" + "\n".join(lines), None

    def _parts_answer(self, scope: list[ReportInfo], cited: Cited) -> tuple[str, int | None]:
        """The report's top-level parts as printed (their titles are the quotes)."""
        lines, counts = [], set()
        for info in scope:
            tops = [x for x in self.index.get_report(info.report_id).sections if x.number]
            counts.add(len(tops))
            marks = [cited.add([Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                                         source=info.source, page=x.page_start, section=x.path, quote=x.title)])
                     for x in tops]
            lines.append(f"{name(info)}报告共 {len(tops)} 个部分：" + "；".join(f"{x.title}{m}" for x, m in zip(tops, marks)))
        return "\n".join(lines), (counts.pop() if len(counts) == 1 else None)

    def _pattern_answer(self, scope: list[ReportInfo], pattern, cited: Cited) -> tuple[str, None] | None:
        """Contact details (phone, e-mail): the sentence that holds one, usually in the preamble."""
        last = pattern is RE_DATE  # a report's date: the last line of its last section, ending in a date
        lines = []
        for info in scope:
            report = self.index.get_report(info.report_id)
            sections = report.all_sections()
            if last:
                tops = [x for x in report.sections if x.number]
                sections = [x for x in sections if tops and x.path.startswith(tops[-1].path)][::-1]
            for sec in sections:
                sents = split_sentences(sec.text)
                if last:
                    sents = [x for x in sents[::-1][:1] if re.search(RE_DATE.pattern + r"\s*。?$", x)]
                hit = next((x for x in sents if pattern.search(x)), None)
                if hit:
                    found = pattern.findall(hit)[-1 if last else 0]
                    ev = Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                                  source=info.source, page=sec.page_start, section=sec.path, quote=hit)
                    lines.append(f"- {name(info)}：{found}（「{sec.path}」：{hit}）{cited.add([ev])}")
                    break
        return ("报告原文：\n" + "\n".join(lines), None) if lines else None

    _TOPICS = ("依申请公开", "主动公开", "政府信息管理", "平台建设", "监督保障", "信息处理费", "人大代表建议", "政协提案",
               "工作创新", "创新情况", "工作要点", "数据统计")

    def _subpart_answer(self, a: Query, scope: list[ReportInfo], cited: Cited) -> tuple[str, None] | None:
        """A question naming a template sub-part (依申请公开情况怎么样): quote that sub-part."""
        qk = key(a.question)
        topics = [t for t in self._TOPICS if t in qk]
        if not topics:
            return None
        lines = []
        for info in scope:
            report = self.index.get_report(info.report_id)
            for sec in report.all_sections():
                title = key(sec.title).replace("依法申请", "依申请")
                if not sec.children and sec.number.startswith("（") and any(t in title for t in topics):
                    sents = [x for x in split_sentences(sec.text)
                             if not re.fullmatch(r"（[一二三四五六七八九十]+）[^。]{0,24}。?", x)] or [sec.text.strip()]
                    for x in sents[:2]:
                        ev = Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                                      source=info.source, page=sec.page_start, section=sec.path, quote=x)
                        lines.append(f"- {name(info)}「{sec.path}」：{x}{cited.add([ev])}")
                    break
        return ("报告原文相关表述：\n" + "\n".join(lines), None) if lines else None

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
        names = {f for i in self.reports() for n in (i.agency, *i.agency_variants) for f in agency_forms(n)}
        return [t for t in tokens(question) if len(t) >= 3 and t.lower() not in vocab
                and not any(w in t for w in ("几", "哪", "怎", "什么", "多少")) and not any(t in n for n in names)]

    def _narrative_fallback(self, a: Query, infos: list[ReportInfo], cited: Cited) -> str:
        """A blank table: quote what the text says about applications instead (依申请公开 sub-part first)."""
        out = []
        for info in infos:
            report = self.index.get_report(info.report_id)
            secs = [s for s in report.all_sections() if "依申请" in s.title or "申请" in s.title]
            secs += [s for s in report.all_sections() if s.number == "三"]
            for sec in secs:
                sents = [x for x in re.split(r"(?<=[。；])", sec.text)
                         if "申请" in x and not re.fullmatch(r"\s*（[一二三四五六七八九十]+）[^。]{0,20}。?\s*", x)]
                if sents:
                    quote = sents[0].strip()
                    ev = Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                                  source=info.source, page=sec.page_start, section=sec.path, quote=quote)
                    out.append(f"\n正文相关表述（{sec.path}）：「{quote}」{cited.add([ev])}")
                    break
        return "".join(out)

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
            blocks.append(self._check_report(report, info, tables, narrative, cited, warnings, rows))
        return "\n\n".join(blocks), None

    def _check_report(self, report: Report, info: ReportInfo, tables: list[str], narrative: bool, cited: Cited,
                      warnings: list[str], rows: dict[str, set[str]] | None = None) -> str:
        """Every applicable rule of the audit catalogue (ingest.audit, as `reportqa check`) with its verdict."""
        from ingest.audit import Verdict
        from ingest.audit.corpus import index_findings_for

        found = index_findings_for(self.index, report)
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


def _next_to_words(sentence: str, words: list[str]) -> bool:
    """Each of the question's own quantity words (those the template has no cell for) shares two characters in a
    row with the sentence a narrative number is taken from."""
    text = key(sentence)
    for w in words:
        w = re.sub(r"[\d.%a-z一二三四五六七八九十两几]+", "", key(w))
        if len(w) >= 2 and not any(w[i:i + 2] in text for i in range(len(w) - 1)):
            return False
    return True


def numbers_supported(answer: Answer) -> bool:
    """Every number of the answer text appears in a citation's quote or value (or the question/years)."""
    allowed = set(numbers_in(answer.question))
    for c in answer.citations:
        allowed |= set(numbers_in(c.quote)) | set(numbers_in(c.value or "")) | {str(c.year)}
        allowed |= set(numbers_in(c.row or "")) | set(numbers_in(c.section or ""))
    if answer.value is not None and len(answer.citations) > 1:  # an aggregate computed from the cited cells
        allowed.add(fmt(answer.value))
    text = re.sub(r"\[\d+\]", "", answer.answer)
    return all(n in allowed for n in numbers_in(text))


__all__ = ["Assistant", "numbers_supported", "T3_APPLICANT_KEYS"]
