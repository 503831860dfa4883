"""A report identified by its signature date (落款日期为2024年1月5日的那份…年报): the date is no report year. The
report whose last line is signed with that date is resolved, and the question is read without the date clause."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.retrieval import RE_DATE, split_sentences
from ingest.agency import forms as agency_forms
from ingest.index import ReportIndex, ReportInfo
from ingest.text import key

_RE_DESCRIBED = re.compile(r"(?:落款|签发|成文|印发|发布|报告)?(?:日期|时间)?(?:为|是|在)?\s*"
                           r"((?:19|20)\d{2}年\d{1,2}月\d{1,2}日)\s*(?:落款|签发|印发|发布)?的?(?:那一?份|这一?份|那篇)?")
_RE_CUE = re.compile(r"落款|签发|成文日期|印发日期|发布日期|日期为|署期")
MAX_CHECKED = 60  # reports whose signature is read for one question (those of the agency named, else the first)


@dataclass
class Described:
    question: str  # the question without the date clause
    info: ReportInfo  # the report signed on that date
    date: str


def signature_date(index: ReportIndex, info: ReportInfo) -> str | None:
    """The date a report is signed with: the last line of its last top section, when it ends in a date."""
    report = index.get_report(info.report_id)
    tops = [x for x in report.sections if x.number]
    if not tops:
        return None
    secs = [x for x in report.all_sections() if x.path.startswith(tops[-1].path)][::-1]
    for sec in secs:
        sents = split_sentences(sec.text)
        if sents:
            m = re.search(RE_DATE.pattern + r"\s*。?$", sents[-1])
            return m.group(0).rstrip("。").strip() if m else None
    return None


def _same_date(a: str, b: str) -> bool:
    return [int(x) for x in re.findall(r"\d+", a)] == [int(x) for x in re.findall(r"\d+", b)]


def resolve(question: str, infos: list[ReportInfo], index: ReportIndex) -> Described | None:
    """The report a question describes by its signature date, or None (no such description, or no report signed
    that day among those of the agency named)."""
    if not _RE_CUE.search(question):
        return None
    m = _RE_DESCRIBED.search(question)
    if m is None:
        return None
    asked_rest = question[: m.start()] + question[m.end():]
    if not re.search(r"多少|几|哪|什么|是否|有没有", asked_rest):
        return None  # the date itself is asked (落款日期是哪天): not this
    qk = key(question)
    named = [i for i in infos if any(f in qk for f in agency_forms(i.agency) if len(f) >= 3)]
    signed = [i for i in (named or infos)[:MAX_CHECKED]
              if (d := signature_date(index, i)) is not None and _same_date(d, m.group(1))]
    if len(signed) != 1:
        return None
    info = signed[0]
    rest = asked_rest.strip("，, ")
    for f in sorted((f for f in agency_forms(info.agency) if len(f) >= 3), key=len, reverse=True):
        if f in rest:
            rest = rest.replace(f, "", 1)
            break
    # read as a question about that report, named as staff would name it (机关 + 年份)
    return Described(question=f"{info.agency}{info.year}年{rest.lstrip('的，, ')}", info=info, date=m.group(1))
