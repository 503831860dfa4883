"""The real government-website reports (../shared/corpus/real): ≥ 99.5 % of the cells exact, 0 invented.

Truth is tests/fixtures/real/<stem>.json, read off the pages by hand (helper "truth"; see its notes). The table
layer is scored on its own (the document's grids through ``parse_tables``), so a table regression shows here even
while a report is refused for another reason; the end-to-end score of ``parse_file`` is eval/bench_real_cells.py.
"""

from __future__ import annotations

import json
import math

import pytest

from eval.bench_real_cells import expected_cells
from ingest.models import CellState
from ingest.readers import read_document
from ingest.tables_parse import parse_tables
from tests.conftest import FIXTURES, SHARED

REAL = SHARED / "corpus" / "real"
FIXTURE_FILES = sorted((FIXTURES / "real").glob("*.json"))
GOAL = 0.995



def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def score(fx: dict) -> dict:
    path = REAL / fx["file"]
    if not path.exists():
        pytest.skip(f"real corpus not found at {REAL} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    doc = read_document(path)
    res = parse_tables(doc, doc.lines(), {}, fx["template"])
    got: dict[tuple[str, str, str], object] = {}
    for c in res.cells:
        got[(c.table, c.row, c.column)] = c.value if c.state is CellState.number else (
            None if c.state is CellState.blank else c.state.value)
    want = expected_cells(fx)
    exact = [k for k, v in want.items() if k in got and _same(v, got[k]) if not isinstance(got[k], str)]
    wrong = {k: (v, got.get(k)) for k, v in want.items() if k not in exact}
    invented = {k: v for k, v in got.items() if isinstance(v, (int, float)) and (k not in want or want[k] is None)}
    return {"expected": len(want), "exact": len(exact), "wrong": wrong, "invented": invented, "coverage": res.coverage}


def test_there_is_a_fixture_for_every_real_report():
    if not REAL.exists():
        pytest.skip(f"real corpus not found at {REAL}")
    assert {p.stem for p in FIXTURE_FILES} == {p.stem for p in REAL.glob("*.html")}


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_real_report_cells(fixture):
    fx = json.loads(fixture.read_text("utf-8"))
    s = score(fx)
    assert not s["invented"], s["invented"]
    assert s["exact"] / s["expected"] >= GOAL, s["wrong"]
    # coverage tells the truth: every table read from the page's grid, and what was found is what is printed
    cov = {c.table: c for c in s["coverage"]}
    assert {t: cov[t].source for t in cov} == {"表二": "grid", "表三": "grid", "表四": "grid"}
    assert sum(c.found for c in cov.values()) >= s["exact"]


def test_real_reports_overall():
    scores = [score(json.loads(p.read_text("utf-8"))) for p in FIXTURE_FILES]
    expected = sum(s["expected"] for s in scores)
    exact = sum(s["exact"] for s in scores)
    assert expected >= 1900 and exact / expected >= GOAL
    assert sum(len(s["invented"]) for s in scores) == 0


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: p.stem)
def test_real_report_end_to_end(fixture):
    """parse_file on the page as saved: identified, and its cells ≥ 99.5 % exact, 0 invented, coverage on the Report."""
    from ingest.parse import parse_file

    fx = json.loads(fixture.read_text("utf-8"))
    path = REAL / fx["file"]
    if not path.exists():
        pytest.skip(f"real corpus not found at {REAL} (set REPORTQA_SHARED or put shared/ beside the checkout)")
    r = parse_file(path)
    assert (r.agency, r.year) == (fx["agency"], fx["year"])
    want = expected_cells(fx)
    got = {(c.table, c.row, c.column): (c.value if c.state is CellState.number else None) for c in r.cells}
    exact = sum(1 for k, v in want.items() if k in got and _same(v, got[k]))
    invented = {k: v for k, v in got.items() if v is not None and (k not in want or want[k] is None)}
    assert not invented and exact / len(want) >= GOAL
    cov = r.coverage
    assert cov is not None and len(cov.sections_found) >= 5
    assert {t.table: t.source for t in cov.tables} == {"表二": "grid", "表三": "grid", "表四": "grid"}
    assert cov.cells_found == sum(1 for c in r.cells if c.state in (CellState.number, CellState.blank))
