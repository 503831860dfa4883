"""Template compliance: the six sections in order, the three tables present and filled, the right year."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from ingest.audit.model import Outcome, Verdict, cell_evidence, text_evidence
from ingest.audit.rules_narrative import DATA
from ingest.models import CellState, Report
from ingest.template import SECTION_NUMBERS, SECTIONS, TABLES
from ingest.text import key

_SPEC = {s.number: s for s in SECTIONS}
_SENT_SPLIT = re.compile(r"(?<=[。；！？\n])")


def _o(verdict: Verdict, table: str, detail: str, evidence: tuple = ()) -> Outcome:
    """An outcome about one table (the finding's table is that table)."""
    return Outcome(verdict, table, detail, evidence, table=table)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def table_present(report: Report) -> list[Outcome]:
    """Each of 表二, 表三, 表四 is found."""
    out = []
    for t in TABLES:
        if report.table_cells(t):
            out.append(_o(Verdict.passed, t, f"{t}已找到。"))
        else:
            out.append(_o(Verdict.failed, t, f"{t}未找到：报告中没有可识别的{t}。"))
    return out


def table_filled(report: Report) -> list[Outcome]:
    """A found table is not left wholly blank."""
    out = []
    for t in TABLES:
        cells = report.table_cells(t)
        if not cells:
            continue
        if all(c.state is CellState.blank for c in cells):
            out.append(_o(Verdict.failed, t, f"{t}整表未填报（空白），不等于 0。",
                               tuple(cell_evidence(report, c) for c in cells[:3])))
        else:
            out.append(_o(Verdict.passed, t, f"{t}已填报。"))
    return out


def table_cells_filled(report: Report) -> list[Outcome]:
    """A filled table has no blank or unread cell (each such cell makes a sum rule 无法核对)."""
    unread = getattr(CellState, "unread", None)
    out = []
    for t in TABLES:
        cells = report.table_cells(t)
        if not cells or all(c.state is CellState.blank for c in cells):
            continue
        bad = [c for c in cells if c.state is CellState.blank or (unread is not None and c.state is unread)]
        if not bad:
            out.append(_o(Verdict.passed, t, f"{t}每格都有数字。"))
            continue
        rows = sorted({c.row_label for c in bad})
        words = "空白或未读出" if unread is not None and any(c.state is unread for c in bad) else "空白"
        out.append(_o(Verdict.failed, t, (
            f"{t}有 {len(bad)} 个{words}单元格（{'；'.join(rows[:3])}{'等' if len(rows) > 3 else ''}）。"),
            tuple(cell_evidence(report, c) for c in bad[:10])))
    return out


def sections_present(report: Report) -> list[Outcome]:
    """The six template sections 一 … 六 are all found."""
    found = {s.number for s in report.sections}
    missing = [n for n in SECTION_NUMBERS if n not in found]
    if missing:
        names = "、".join(f"{n}、{_SPEC[n].title}" for n in missing)
        return [Outcome(Verdict.failed, "六个部分", f"缺少模板规定的部分：{names}。")]
    return [Outcome(Verdict.passed, "六个部分", "六个部分齐全。")]


def sections_in_order(report: Report) -> list[Outcome]:
    """The sections are printed in the template's order."""
    nums = [s.number for s in report.sections if s.number in SECTION_NUMBERS]
    order = [SECTION_NUMBERS.index(n) for n in nums]
    if len(order) < 2:
        return [Outcome(Verdict.unknown, "部分顺序", "找到的部分不足两个，无法核对顺序。")]
    if order == sorted(order) and len(set(order)) == len(order):
        return [Outcome(Verdict.passed, "部分顺序", "各部分按模板顺序排列。")]
    return [Outcome(Verdict.failed, "部分顺序", f"各部分顺序与模板不符：{'、'.join(nums)}。")]


def part_five_filled(report: Report) -> list[Outcome]:
    """五、存在的主要问题及改进情况 says something."""
    sec = report.top_section("五")
    if sec is None:
        return [Outcome(Verdict.unknown, "第五部分", "未找到第五部分，无法核对。")]
    text = "".join(s.text for s in sec.walk())
    body = key(text).replace(key(sec.title), "")
    if len(body) < int(_data()["five_empty_chars"]):
        return [Outcome(Verdict.failed, "第五部分", f"第五部分「{sec.title}」没有内容。", (text_evidence(report, sec, text),))]
    return [Outcome(Verdict.passed, "第五部分", "第五部分有内容。")]


def year_named(report: Report) -> list[Outcome]:
    """The text names the report's year as 本年 (统计期限, 截至…12月31日, the opening of 一、总体情况)."""
    data = _data()["year_patterns"]
    pats = [re.compile(p) for p in data["patterns"]]
    opening = re.compile(data["opening"])
    out = []
    seen: set[tuple[int, str]] = set()
    for sec in report.all_sections():
        top = sec.number if sec.number in SECTION_NUMBERS else sec.path.split("、")[0]
        for sent in _SENT_SPLIT.split(sec.text):
            ks = key(sent)
            years = [int(m.group(1)) for p in pats for m in p.finditer(ks)]
            if top in data["opening_sections"] and (m := opening.match(ks)):
                years.append(int(m.group(1)))
            for y in years:
                if y in (report.year - 1, report.year + 1) and (y, ks) not in seen:
                    seen.add((y, ks))
                    out.append(Outcome(Verdict.failed, f"年份 {y}", (
                        f"这是 {report.year} 年的报告，正文（{sec.path}）却称「{sent.strip()[:60]}」（{y} 年）。"),
                        (text_evidence(report, sec, sent.strip()),)))
    if not out:
        out.append(Outcome(Verdict.passed, "年份", f"正文没有把 {report.year - 1} 或 {report.year + 1} 年当作本年。"))
    return out
