"""Narrative answers quoted from the report's structure, not from retrieval: a template section as such (存在的主要
问题 -> 五), the report's parts, a detail quoted as it stands (phone, e-mail, the signature date), a named sub-part
(依申请公开情况怎么样), and what the text says about applications when 表三 is blank."""

from __future__ import annotations

import re

from assistant.models import Evidence
from assistant.quote_lines import quote_lines
from assistant.query import Query
from assistant.retrieval import RE_DATE, split_sentences
from assistant.table_answers import Cited, name
from ingest.index import ReportIndex, ReportInfo
from ingest.text import key

_RE_SUBTITLE = r"（[一二三四五六七八九十]+）[^。]{0,24}。?"  # a sub-part's title standing alone

TOPICS = ("依申请公开", "主动公开", "政府信息管理", "平台建设", "监督保障", "信息处理费", "人大代表建议", "政协提案",
          "工作创新", "创新情况", "工作要点", "数据统计")


def _text_evidence(info: ReportInfo, sec, quote: str) -> Evidence:
    return Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                    source=info.source, page=sec.page_start, section=sec.path, quote=quote)


def section_answer(index: ReportIndex, a: Query, scope: list[ReportInfo], routed: tuple[str, bool], cited: Cited,
                   top_k: int) -> tuple[str, None] | None:
    """Questions about a template section (存在哪些问题 -> 五, 第四部分 -> 四): quote the section itself,
    in document order, for each report in scope."""
    number, title_only = routed
    if a.wants_number and not title_only:
        return None  # a number inside the section: leave it to retrieval
    lines = []
    for info in scope:
        report = index.get_report(info.report_id)
        sec = report.top_section(number)
        if sec is None:
            continue
        if title_only:
            lines.append(f"- {name(info)}报告第{number}部分是「{sec.path}」{cited.add([_text_evidence(info, sec, sec.title)])}")
            continue
        sents = []
        for part in [sec, *sec.children]:
            for x in split_sentences(part.text):
                if not re.fullmatch(_RE_SUBTITLE, x):
                    sents.append((part, x))
        if not sents and sec.text.strip():
            sents = [(sec, sec.text.strip())]  # a section that says just 无
        for part, x in sents[: top_k + 1]:
            lines.append((name(info), part.path, f"{x}{cited.add([_text_evidence(info, part, x)])}"))
    if not lines:
        return None
    return "报告原文相关表述：\n" + "\n".join(lines if title_only else quote_lines(lines)), None


def parts_answer(index: ReportIndex, scope: list[ReportInfo], cited: Cited) -> tuple[str, int | None]:
    """The report's top-level parts as printed (their titles are the quotes)."""
    lines, counts = [], set()
    for info in scope:
        tops = [x for x in index.get_report(info.report_id).sections if x.number]
        counts.add(len(tops))
        marks = [cited.add([_text_evidence(info, x, x.title)]) for x in tops]
        lines.append(f"{name(info)}报告共 {len(tops)} 个部分：" + "；".join(f"{x.title}{m}" for x, m in zip(tops, marks)))
    return "\n".join(lines), (counts.pop() if len(counts) == 1 else None)


def pattern_answer(index: ReportIndex, scope: list[ReportInfo], pattern, cited: Cited) -> tuple[str, None] | None:
    """Contact details (phone, e-mail): the sentence that holds one, usually in the preamble."""
    last = pattern is RE_DATE  # a report's date: the last line of its last section, ending in a date
    lines = []
    for info in scope:
        report = index.get_report(info.report_id)
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
                lines.append(f"- {name(info)}：{found}（「{sec.path}」：{hit}）{cited.add([_text_evidence(info, sec, hit)])}")
                break
    return ("报告原文：\n" + "\n".join(lines), None) if lines else None


def subpart_answer(index: ReportIndex, a: Query, scope: list[ReportInfo], cited: Cited) -> tuple[str, None] | None:
    """A question naming a template sub-part (依申请公开情况怎么样): quote that sub-part."""
    qk = key(a.question)
    topics = [t for t in TOPICS if t in qk]
    if not topics:
        return None
    lines = []
    for info in scope:
        report = index.get_report(info.report_id)
        for sec in report.all_sections():
            title = key(sec.title).replace("依法申请", "依申请")
            if not sec.children and sec.number.startswith("（") and any(t in title for t in topics):
                sents = [x for x in split_sentences(sec.text) if not re.fullmatch(_RE_SUBTITLE, x)] or [sec.text.strip()]
                for x in sents[:2]:
                    lines.append((name(info), sec.path, f"{x}{cited.add([_text_evidence(info, sec, x)])}"))
                break
    return ("报告原文相关表述：\n" + "\n".join(quote_lines(lines)), None) if lines else None


def applications_fallback(index: ReportIndex, infos: list[ReportInfo], cited: Cited) -> str:
    """A blank table: quote what the text says about applications instead (依申请公开 sub-part first)."""
    out = []
    for info in infos:
        report = index.get_report(info.report_id)
        secs = [s for s in report.all_sections() if "依申请" in s.title or "申请" in s.title]
        secs += [s for s in report.all_sections() if s.number == "三"]
        for sec in secs:
            sents = [x for x in re.split(r"(?<=[。；])", sec.text)
                     if "申请" in x and not re.fullmatch(r"\s*（[一二三四五六七八九十]+）[^。]{0,20}。?\s*", x)]
            if sents:
                quote = sents[0].strip()
                out.append(f"\n正文相关表述（{sec.path}）：「{quote}」{cited.add([_text_evidence(info, sec, quote)])}")
                break
    return "".join(out)
