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


# ------------------------------------------------------------------ enumerated passages

_CN_ORD = "一二三四五六七八九十"


def _marker(n: int) -> str:
    """The ways item n of an enumeration is introduced: 一是, 第一，, （一）, 1. / 1、"""
    cn = _CN_ORD[n - 1]
    bare = rf"|^{cn}(?![〇零一二三四五六七八九十两是])" if n > 1 else ""  # …落到实处。二通过政府网站…
    return rf"(?:{cn}是|第{cn}[，、,：:]|[（(]{cn}[）)]|(?<![\d.]){n}[.．、](?!\d){bare})"


def _has_item(text: str, n: int) -> bool:
    return re.search(_marker(n), text) is not None


def _sentences(sec) -> list[tuple[str, str]]:
    """A section's sentences with their sub-part's path, without sub-part titles standing alone."""
    return [(p.path, x) for p in sec.walk() for x in split_sentences(p.text) if not re.fullmatch(_RE_SUBTITLE, x)]


def _items_from(parts: list[tuple[str, str]], at: int) -> list[tuple[str, str]] | None:
    """The enumeration opened at sentence ``at`` (its item 一 in it or in the next sentence), lead-in first."""
    first = next((i for i in (at, at + 1) if i < len(parts) and _has_item(parts[i][1], 1)), None)
    if first is None:
        return None
    out = [parts[at]] if first > at else []
    n, i = 1, first
    while i < len(parts) and n <= len(_CN_ORD):
        path, x = parts[i]
        if not _has_item(x, n):
            break
        out.append((path, x))
        n += 1
        while _has_item(x, n):  # several items in one sentence (一是…，二是…)
            n += 1
        # the item's own further sentences are skipped: the next item's marker may come a few sentences on
        i = next((j for j in range(i + 1, min(i + 6, len(parts))) if _has_item(parts[j][1], n)), len(parts))
    return out if n > 2 else None  # a passage of one item is no list


def enumeration(index: ReportIndex, info: ReportInfo, section: str | None, sentence: str) -> list[tuple[str, str]] | None:
    """The whole enumerated passage a quoted sentence opens (…将切实抓好以下工作：一是…；二是…；三是…):
    [(section path, item sentence)], the lead-in sentence first when it is a separate one; None when the sentence
    opens no enumeration."""
    report = index.get_report(info.report_id)
    sec = next((s for s in report.all_sections() if s.path == section), None) if section else None
    if sec is None:
        return None
    parts = _sentences(sec)
    want = re.sub(r"\s+", "", sentence)
    # the chunk's sentence may join lines the section keeps apart (…以下几个方面工作：\n一是…): the first section
    # sentence it contains, or that contains it
    at = next((i for i, (_, x) in enumerate(parts)
               if (k := re.sub(r"\s+", "", x)) and len(k) >= 6 and (k in want or want in k)), None)
    return None if at is None else _items_from(parts, at)


def enumerations(index: ReportIndex, info: ReportInfo, number: str) -> list[list[tuple[str, str]]]:
    """Every enumerated passage of a top section (五: the problems, then the improvements)."""
    sec = index.get_report(info.report_id).top_section(number)
    if sec is None:
        return []
    parts = _sentences(sec)
    out, i = [], 0
    while i < len(parts):
        items = _items_from(parts, i) if _has_item(parts[i][1], 1) or (
            i + 1 < len(parts) and _has_item(parts[i + 1][1], 1) and parts[i][1].rstrip().endswith(("：", ":"))) else None
        if items:
            out.append(items)
            i = parts.index(items[-1]) + 1
        else:
            i += 1
    return out
