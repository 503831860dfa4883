"""Round trip: generate → ``ingest.parse.parse_file`` → compare with the ground truth.

Used by tests/eval/test_synth.py and ``python -m eval.bench_synth_roundtrip``.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .model import SynthReport, SynthTruth, TruthCell

log = logging.getLogger(__name__)


@dataclass
class CellMiss:
    table: str
    row: str
    column: str
    expected: Any
    got: Any  # value, "blank", or "missing"

    def __str__(self) -> str:
        return f"{self.table}[{self.row},{self.column}] expected {self.expected!r} got {self.got!r}"


@dataclass
class ReportResult:
    name: str
    format: str
    layout: str
    cells: int = 0
    recovered: int = 0
    agency_ok: bool = False
    year_ok: bool = False
    got_agency: str = ""
    got_year: int | None = None
    error: str = ""
    seconds: float = 0.0
    misses: list[CellMiss] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and self.recovered == self.cells and self.agency_ok and self.year_ok


def _find(report, c: TruthCell):
    cell = report.cell(c.table, c.row, c.column)
    if cell is None and c.table == "表四":  # tolerate 'review.total'-style column keys
        cell = next((x for x in report.cells if x.table == "表四" and x.column == f"{c.row}.{c.column}"), None)
    return cell


def _same(expected: float | int, got: float | int) -> bool:
    return math.isclose(float(expected), float(got), rel_tol=1e-9, abs_tol=1e-6)


def compare(truth: SynthTruth, report) -> ReportResult:
    """How much of ``truth`` the parsed ``report`` (an ingest.models.Report) recovered."""
    res = ReportResult(truth.name, truth.format, truth.layout, cells=len(truth.cells))
    res.got_agency, res.got_year = report.agency, report.year
    res.agency_ok = report.agency == truth.agency
    res.year_ok = report.year == truth.year
    for c in truth.cells:
        cell = _find(report, c)
        if cell is None:
            res.misses.append(CellMiss(c.table, c.row, c.column, c.value, "missing"))
            continue
        state = getattr(cell.state, "value", cell.state)
        if c.value is None:
            if state == "blank" or cell.value is None:
                res.recovered += 1
            else:
                res.misses.append(CellMiss(c.table, c.row, c.column, None, cell.value))
        elif cell.value is not None and state == "number" and _same(c.value, cell.value):
            res.recovered += 1
        else:
            res.misses.append(CellMiss(c.table, c.row, c.column, c.value, cell.value if state == "number" else state))
    return res


def run(reports: list[SynthReport], parse=None) -> list[ReportResult]:
    """Parse every generated report and compare; a parser exception counts as nothing recovered."""
    if parse is None:
        from ingest.parse import parse_file as parse
    out: list[ReportResult] = []
    for rep in reports:
        t0 = time.perf_counter()
        try:
            parsed = parse(rep.path)
        except NotImplementedError:
            raise
        except Exception as e:  # noqa: BLE001 - report, don't stop
            r = ReportResult(rep.name, rep.format, rep.truth.layout, cells=len(rep.truth.cells))
            r.error = f"{type(e).__name__}: {e}"[:300]
            r.misses = []
            out.append(r)
            log.warning("%s: parser failed: %s", rep.path.name, r.error)
            continue
        r = compare(rep.truth, parsed)
        r.seconds = time.perf_counter() - t0
        out.append(r)
    return out


def summarize(results: list[ReportResult]) -> dict[str, dict]:
    """Per format (and per txt layout, as txt/<layout>): reports, share of cells recovered,
    agency/year accuracy, parser errors, misses by table."""
    groups: dict[str, list[ReportResult]] = defaultdict(list)
    for r in results:
        groups[r.format].append(r)
        if r.format == "txt":
            groups[f"txt/{r.layout}"].append(r)
        elif r.layout.startswith(f"{r.format}-"):  # html skins, Markdown table habits
            groups[f"{r.format}/{r.layout.split('-', 1)[1]}"].append(r)
    groups["all"] = list(results)
    out: dict[str, dict] = {}
    for k in sorted(groups, key=lambda k: (k == "all", k)):
        rs = groups[k]
        cells = sum(r.cells for r in rs)
        rec = sum(r.recovered for r in rs)
        by_table: dict[str, int] = defaultdict(int)
        for r in rs:
            for m in r.misses:
                by_table[m.table] += 1
        out[k] = {
            "reports": len(rs),
            "cells": cells,
            "recovered": rec,
            "share": rec / cells if cells else 1.0,
            "reports_perfect": sum(r.ok for r in rs),
            "agency_ok": sum(r.agency_ok for r in rs) / len(rs) if rs else 1.0,
            "year_ok": sum(r.year_ok for r in rs) / len(rs) if rs else 1.0,
            "errors": sum(bool(r.error) for r in rs),
            "misses_by_table": dict(sorted(by_table.items())),
            "parse_seconds_mean": sum(r.seconds for r in rs) / len(rs) if rs else 0.0,
        }
    return out


def format_summary(summary: dict[str, dict]) -> str:
    lines = [f"{'format':<14}{'reports':>8}{'cells':>9}{'recovered':>11}{'share':>9}{'perfect':>9}"
             f"{'agency':>8}{'year':>7}{'errors':>8}  misses by table"]
    for k, s in summary.items():
        lines.append(f"{k:<14}{s['reports']:>8}{s['cells']:>9}{s['recovered']:>11}{s['share']:>9.2%}"
                     f"{s['reports_perfect']:>9}{s['agency_ok']:>8.0%}{s['year_ok']:>7.0%}{s['errors']:>8}  "
                     + (", ".join(f"{t}:{n}" for t, n in s["misses_by_table"].items()) or "-"))
    return "\n".join(lines)
