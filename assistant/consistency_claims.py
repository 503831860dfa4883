"""The claim a consistency question asks about, checked first and said first.

「正文说收到7件申请，和表三对得上吗」 asks about one number the text states: the answer quotes that sentence, reads the
cells of the measure the question names (表三 本年新收 · 总计; 表四 行政诉讼 结果维持 = both lawsuits' 结果维持), and
says whether they agree — before any other rule of the table. 「各项办理结果相加等于办理结果总计吗」 asks about one sum:
（一）…（六） of the column against （七）总计, each part shown and cited. Other rules follow the claim's verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.lexicon import default_lexicon
from assistant.models import Evidence
from assistant.query import Measure, Query
from assistant.retrieval import split_sentences
from assistant.table_answers import Cited, cell_evidence, fmt, name
from ingest.index import ReportInfo
from ingest.models import CellState, Report, TableCell
from ingest.template import RESULT_GROUPS, T3, T3_ROWS_2021
from ingest.text import key


@lru_cache(maxsize=1)
def _re_claim() -> re.Pattern:
    """A count the text states (8件), in one of the lexicon's ``unit_sets.claims``."""
    return re.compile(rf"(?<![\d.第])(\d+)\s*({default_lexicon().units_pattern('claims')})")


@dataclass
class Claim:
    number: int
    unit: str
    clause: str  # the question's clause around the number (收到7件申请)


def quoted_claims(question: str) -> list[Claim]:
    """Numbers the question quotes from the text (收到7件申请, 答复3050件), not years or ordinals."""
    qk = key(question)
    out = []
    for m in _re_claim().finditer(qk):
        if qk[m.end(1): m.end(1) + 1] == "年" or re.fullmatch(r"(?:19|20)\d{2}", m.group(1)) and m.group(2) != "件":
            continue
        start = max(qk.rfind(p, 0, m.start()) for p in "，,。？?；;") + 1
        ends = [i for i in (qk.find(p, m.end()) for p in "，,。？?；;") if i >= 0]
        out.append(Claim(int(m.group(1)), m.group(2), qk[start: min(ends) if ends else len(qk)]))
    return out


def _cells(report: Report, m: Measure) -> list[TableCell | None]:
    return [report.cell(m.table, r, c) for r in m.rows for c in m.columns]


def _label(m: Measure) -> str:
    col = m.column_label or "总计"
    return f"{m.table}「{m.row_label}」「{col}」"


def _sentence(report: Report, info: ReportInfo, claim: Claim, names: set[str]) -> Evidence | None:
    """The sentence of the text that states the claimed number in its unit, sharing most words with the claim."""
    clause = claim.clause
    for n in sorted(names, key=len, reverse=True):
        clause = clause.replace(key(n), "")
    grams = {clause[i:i + 2] for i in range(len(clause) - 1) if not re.search(r"\d", clause[i:i + 2])}
    pat = re.compile(rf"(?<![\d.]){claim.number}\s*{claim.unit}")
    best: tuple[int, Evidence] | None = None
    for sec in report.all_sections():
        for s in split_sentences(sec.text):
            sk = key(s).replace(",", "")
            if not pat.search(sk):
                continue
            score = sum(1 for g in grams if g in sk)
            if best is None or score > best[0]:
                best = (score, Evidence(kind="text", report_id=info.report_id, agency=info.agency, year=info.year,
                                        source=info.source, page=sec.page_start, section=sec.path, quote=s))
    return best[1] if best else None


def claim_check(a: Query, report: Report, info: ReportInfo, cited: Cited, names: set[str]) -> tuple[str, str] | None:
    """(verdict headline, detail line) for the number the question quotes, against the measure it names."""
    claims = quoted_claims(a.question)
    if not claims:
        return None
    claim = claims[0]
    m = a.measures[0] if a.measures else _text_measure(claim)
    if m is None:
        return None
    cells = _cells(report, m)
    said = _sentence(report, info, claim, names)
    quoted = f"正文称「{_excerpt(said.quote, claim)}」{cited.add([said])}" if said else \
        f"（正文中没有找到「{claim.number}{claim.unit}」这一表述，以下按问题所说的 {claim.number} 核对）"
    if not cells or any(c is None or c.state is not CellState.number for c in cells):
        c0 = next((c for c in cells if c is not None), None)
        mark = cited.add([cell_evidence(info, c0)]) if c0 is not None else ""
        return (f"{name(info)}：无法核对——{_label(m)}未填报或未读出{mark}，不能判为一致。", quoted)
    value = sum(c.value for c in cells)  # type: ignore[misc]
    shown = [c for c in cells if c.value] or cells  # type: ignore[union-attr]
    marks = cited.add([cell_evidence(info, c) for c in shown])  # type: ignore[arg-type]
    parts = ""
    if len(cells) > 1:
        parts = "（" + " + ".join(f"{c.row_label.split(' ')[-1]}{'' if len(m.columns) == 1 else c.column_label} "
                                  f"{fmt(c.value)}" for c in cells) + f" = {fmt(value)}）"  # type: ignore
    agree = abs(value - claim.number) < 1e-6
    verdict = "一致，对得上" if agree else f"不一致，对不上（差 {fmt(abs(value - claim.number))}）"
    label = _label(m) if len(cells) > 1 else f"{m.table}「{cells[0].row_label}」「{cells[0].column_label}」"  # type: ignore
    head = (f"{name(info)}：{verdict}。正文所说的 {claim.number} {claim.unit}，{label}为 {fmt(value)} 件"
            f"{parts}{marks}。")
    return head, quoted


def _text_measure(claim: Claim) -> Measure | None:
    """The cells a claim names when the question names no table item (正文说答复3050件，对得上吗): the audit's own
    words for numbers of the text (ingest/audit/narrative.json), matched in the claim's clause."""
    from ingest.audit.rules_narrative import measures as text_measures

    for tm in text_measures():
        if any(w in claim.clause for w in tm.triggers) and not any(w in claim.clause for w in tm.exclude):
            tables = {t for t, _, _ in tm.cells}
            cols = list(dict.fromkeys(c for _, _, c in tm.cells))
            if len(tables) == 1 and len(cols) == 1:
                return Measure(tables.pop(), list(dict.fromkeys(r for _, r, _ in tm.cells)), cols, tm.label, "")
    return None


def _excerpt(sentence: str, claim: Claim, width: int = 40) -> str:
    flat = sentence.strip()
    if len(flat) <= 2 * width:
        return flat
    m = re.search(rf"(?<![\d.]){claim.number}\s*{claim.unit}", flat.replace(",", ""))
    if not m:
        return flat[: 2 * width] + "…"
    s, e = max(0, m.start() - width), min(len(flat), m.end() + 10)
    return ("…" if s else "") + flat[s:e] + ("…" if e < len(flat) else "")


def results_sum_check(a: Query, report: Report, info: ReportInfo, cited: Cited) -> tuple[str, str] | None:
    """（一）…（六） of a column against （七）总计, when the question asks whether the results add up to it."""
    lx = default_lexicon()
    qk = lx.norm(a.question)
    m = next((x for x in a.measures if x.table == T3 and x.rows == ["total"]), None)
    if m is None or not any(w in qk for w in lx.op_words("sum") + lx.op_words("breakdown")):
        return None
    lines = []
    for col in m.columns:
        total = report.cell(T3, "total", col)
        parts: list[tuple[str, list[TableCell]]] = []
        for g, label in RESULT_GROUPS.items():
            keys = [r.key for r in T3_ROWS_2021 if r.group == g] + (["other"] if g == "other" else [])
            cells = [c for k in keys if (c := report.cell(T3, k, col)) is not None]
            if cells:
                parts.append((label, cells))
        flat = [c for _, cs in parts for c in cs]
        if total is None or total.state is not CellState.number or any(c.state is not CellState.number for c in flat):
            mark = cited.add([cell_evidence(info, total)]) if total is not None else ""
            return (f"{name(info)}：无法核对——办理结果有未填报或未读出的单元格{mark}，不能判为相等。", "")
        shown, zero = [], []
        for label, cs in parts:
            v = sum(c.value for c in cs)  # type: ignore[misc]
            if v:
                shown.append(f"{label} {fmt(v)}{cited.add([cell_evidence(info, c) for c in cs if c.value])}")
            else:
                zero.append(label)
        s = sum(c.value for c in flat)  # type: ignore[misc]
        ok = abs(s - total.value) < 1e-6  # type: ignore[operator]
        col_name = "" if col == "total" else f"（{total.column_label}）"
        lines.append(f"{name(info)}{col_name}：各项办理结果相加{'等于' if ok else '不等于'}（七）总计，"
                     f"{'一致' if ok else '不一致'}。" + " + ".join(shown) + f" = {fmt(s)}"
                     f"{' = ' if ok else ' ≠ '}（七）总计 {fmt(total.value)}{cited.add([cell_evidence(info, total)])}"
                     + (f"；{'、'.join(zero)}为 0" if zero else "") + "。")
    return lines[0], "\n".join(f"- {x}" for x in lines[1:])


def claim_of(a: Query, report: Report, info: ReportInfo, cited: Cited) -> tuple[str, str] | None:
    """The claim a consistency question asks about (a quoted number, or the results' sum), checked; None: the
    question asks about the table's rules as a whole (表三数据一致吗)."""
    names = {info.agency, *info.agency_variants}
    return claim_check(a, report, info, cited, names) or results_sum_check(a, report, info, cited)


def others_line(bad: int, notes: int, unknown: int) -> str:
    """One line on the report's other rules, which follow the claim's verdict."""
    if bad:
        return f"其他勾稽校验：{bad} 项不通过（见下）。"
    if notes:
        return f"其他勾稽校验：表格各项勾稽关系之外，有 {notes} 处正文与表格口径不同的提示（见下）。"
    if unknown:
        return f"其他勾稽校验：{unknown} 项无法核对（见下）。"
    return "其他勾稽校验：全部通过（见下）。"
