"""Numbers the text states, compared with the cells that hold them: 提示, never an error (scopes differ).

The words are data (narrative.json), not literals here."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.audit.common import fetch, fmt
from ingest.audit.model import Outcome, Verdict, readable, text_evidence
from ingest.models import Report
from ingest.text import key

DATA = Path(__file__).with_name("narrative.json")
_CLAUSE_SPLIT = re.compile(r"[，,。；;：:（）()\n]")
_SENT_SPLIT = re.compile(r"(?<=[。；！？\n])")
EXCERPT = 60  # a longer sentence is shown by the clause that states the number


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    table: str
    triggers: tuple[str, ...]
    context: tuple[str, ...]
    exclude: tuple[str, ...]
    cells: tuple[tuple[str, str, str], ...]
    pattern: re.Pattern


@lru_cache(maxsize=1)
def _list_split() -> re.Pattern:
    """、 after a counted item (1起、) separates items; 、 inside a phrase (公民、法人) does not."""
    units = json.loads(DATA.read_text(encoding="utf-8"))["units"]
    one_char = "".join(re.escape(u) for u in units if len(u) == 1)  # a look-behind has a fixed width
    return re.compile(rf"(?<=\d[{one_char}])、")


def clauses_of(text_key: str) -> list[str]:
    return [c for part in _CLAUSE_SPLIT.split(text_key) for c in _list_split().split(part)]


@lru_cache(maxsize=1)
def measures() -> tuple[Measure, ...]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    units = "|".join(map(re.escape, raw["units"]))
    gap, rgap = int(raw["max_gap"]), int(raw["reverse_gap"])
    out = []
    for m in raw["measures"]:
        trig = "|".join(map(re.escape, sorted(m["triggers"], key=len, reverse=True)))
        pat = re.compile(rf"(?:{trig})[^\d]{{0,{gap}}}?(\d+)(?:{units})|(?<!\d)(\d+)(?:{units})[^\d]{{0,{rgap}}}?(?:{trig})")
        out.append(Measure(m["id"], m["label"], m["table"], tuple(m["triggers"]), tuple(m["context"]),
                           tuple(m["exclude"]), tuple(tuple(c) for c in m["cells"]), pat))
    return tuple(out)


def measure(rule_id: str) -> Measure:
    return next(m for m in measures() if m.id == rule_id)


_SENTENCES: dict[int, tuple[list, list]] = {}


def sentences(report: Report) -> list[tuple[object, str, str, list[str]]]:
    """(section, sentence, its key, its clauses) of every sentence of the text, computed once per report."""
    got = _SENTENCES.get(id(report))
    if got is None or got[0] is not report.sections:
        if len(_SENTENCES) > 512:
            _SENTENCES.clear()
        rows = []
        for sec in report.all_sections():
            for sent in _SENT_SPLIT.split(sec.text):
                if sent.strip():
                    ks = key(sent)
                    rows.append((sec, sent, ks, clauses_of(ks)))
        got = (report.sections, rows)
        _SENTENCES[id(report)] = got
    return got[1]


def claims(report: Report, m: Measure) -> list[tuple[int, str, object, str]]:
    """(number, sentence, section, clause) for each distinct number the text states for the measure."""
    seen: set[int] = set()
    out = []
    for sec, sent, ks, clauses in sentences(report):
        if m.context and not any(w in ks for w in m.context):
            continue
        for clause in clauses:
            if any(w in clause for w in m.exclude):
                continue
            hit = m.pattern.search(clause)
            if hit:
                n = int(hit.group(1) or hit.group(2))
                if n not in seen:
                    seen.add(n)
                    out.append((n, sent.strip(), sec, clause))
    return out


def narrative_rule(rule_id: str):
    def run(report: Report) -> list[Outcome]:
        m = measure(rule_id)
        found = claims(report, m)
        if not found:
            return []
        got = [fetch(report, ref) for ref in m.cells]
        cell_evs = tuple(e for _, e in got)
        out = []
        for n, sent, sec, clause in found:
            quote = text_evidence(report, sec, sent)  # type: ignore[arg-type]
            evs = (quote, *cell_evs)
            subject = f"正文「{m.label}」{n}"
            said = sent if len(sent) <= EXCERPT else f"…{clause}…"
            where = f"正文（{sec.path}）称「{said}」（{n}）"  # type: ignore[attr-defined]
            cells_txt = "＋".join(f"{e.table}「{e.row_label}」「{e.column_label}」" for e in cell_evs)
            if not all(readable(c) for c, _ in got):
                out.append(Outcome(Verdict.unknown, subject, f"{where}，而{cells_txt}未填报或未读出，无法核对。", evs))
                continue
            v = sum(c.value for c, _ in got)  # type: ignore[misc]
            if abs(v - n) < 1e-6:
                out.append(Outcome(Verdict.passed, subject, f"{where}，与{cells_txt}（{fmt(v)}）相符。", evs))
            else:
                out.append(Outcome(Verdict.notice, subject, (
                    f"{where}，而{cells_txt}为 {fmt(v)}；口径可能不同，请核对。"), evs))
        return out

    run.__doc__ = f"narrative vs table: {rule_id}"
    return run
