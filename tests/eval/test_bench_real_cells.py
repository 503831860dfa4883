"""eval/bench_real_cells.py scores cells the way the issue defines them (blank is not 0, template versions).

The scoring is tested with hand-made Reports (no parser); one smoke run goes over the real corpus.
"""

from __future__ import annotations

import json

import pytest

from eval import bench_real_cells as bench
from ingest.errors import ReportError
from ingest.models import CellState, Report, TableCell
from tests.conftest import SHARED

FX = {
    "file": "x.html", "agency": "某局", "year": 2020, "template": "2019",
    "table2": {"licensing": {"prev_items": 0, "change": -5, "decisions": 3}, "procurement": {"amount": 6586650.1}},
    "table3": {"forward": [0, None, 0, 0, 0, 0, 0]},
    "table4": {"review": [1, 0, 0, 0, 1]},
}


def cell(table, row, column, value, state=CellState.number):
    return TableCell(table=table, row=row, row_label=row, column=column, column_label=column, value=value, state=state)


def run(monkeypatch, cells=None, exc=None):
    def fake_parse(path):
        if exc:
            raise exc
        return Report(agency="某局", year=2020, source="x.html", cells=cells)

    monkeypatch.setattr(bench, "parse_file", fake_parse)
    return bench.score_report(bench.Path("x.html"), FX)


def all_right():
    out = [cell("表二", "licensing", "prev_items", 0), cell("表二", "licensing", "change", -5),
           cell("表二", "licensing", "decisions", 3), cell("表二", "procurement", "amount", 6586650.10)]
    out += [cell("表三", "forward", c, 0) for c in ("natural", "research", "social", "legal", "other", "total")]
    out.append(cell("表三", "forward", "commercial", None, CellState.blank))
    out += [cell("表四", "review", c, v) for c, v in zip(("upheld", "corrected", "other", "pending", "total"),
                                                        (1, 0, 0, 0, 1), strict=True)]
    return out


def test_expected_cells_count_and_keys():
    want = bench.expected_cells(FX)
    assert len(want) == 4 + 7 + 5
    assert want[("表三", "forward", "commercial")] is None and want[("表四", "review", "total")] == 1


def test_all_exact(monkeypatch):
    s = run(monkeypatch, all_right())
    assert (s.expected, s.exact, s.wrong, s.missing, s.invented) == (16, 16, 0, 0, 0)
    assert s.identity_ok and s.accuracy == 1.0


def test_zero_for_blank_is_invented_and_blank_for_number_is_missing(monkeypatch):
    cells = [c for c in all_right() if (c.row, c.column) not in {("forward", "commercial"), ("review", "upheld")}]
    cells += [cell("表三", "forward", "commercial", 0), cell("表四", "review", "upheld", None, CellState.blank)]
    s = run(monkeypatch, cells)
    assert (s.exact, s.wrong, s.missing, s.invented) == (14, 0, 1, 1)
    assert s.invented_cells[0]["column"] == "commercial" and s.missing_cells[0]["column"] == "upheld"


def test_wrong_number_and_sign(monkeypatch):
    cells = [c for c in all_right() if c.column != "change"] + [cell("表二", "licensing", "change", 5)]
    s = run(monkeypatch, cells)
    assert (s.exact, s.wrong) == (15, 1) and s.wrong_cells[0]["expected"] == -5


def test_other_template_columns_are_invented_not_exact(monkeypatch):
    """A 2019 report read with the 2021 column (decisions only is shared): prev_items/change missing, issued invented."""
    cells = [c for c in all_right() if c.row != "licensing"] + [cell("表二", "licensing", "decisions", 3),
                                                                cell("表二", "rules", "issued", 0)]
    s = run(monkeypatch, cells)
    assert (s.exact, s.missing, s.invented) == (14, 2, 1)
    assert s.invented_cells[0]["expected"] == "not printed"


def test_unread_and_absent_cells_are_missing_and_extra_blanks_ignored(monkeypatch):
    cells = [c for c in all_right() if c.table != "表四"]
    cells.append(cell("表四", "review", "upheld", None, CellState.unread))
    cells.append(cell("表二", "rules", "made", None, CellState.blank))  # a blank for a row not printed: not a number
    s = run(monkeypatch, cells)
    assert (s.exact, s.missing, s.invented) == (11, 5, 0)


def test_refused_report_counts_every_cell_missing(monkeypatch):
    s = run(monkeypatch, exc=ReportError("x.html", "not a disclosure annual report"))
    assert (s.expected, s.exact, s.missing) == (16, 0, 16)
    assert "not a disclosure annual report" in s.refused and s.accuracy == 0.0


def test_runs_on_the_real_corpus(capsys):
    corpus = SHARED / "corpus"
    if not corpus.exists():
        pytest.skip(f"shared corpus not found at {corpus}")
    assert bench.main(["--json", "--corpus", str(corpus)]) == 0
    out = json.loads(capsys.readouterr().out)
    names = {r["report"] for r in out["reports"]}
    assert len(names) == 13 and "czj_2020_article.html" in names and "szfgs2024.pdf" in names
    # 1979 hand-read cells of the 10 HTML reports + the 572 hand-checked PDF cells
    assert out["overall"]["expected"] == 1979 + 572
    for r in out["reports"]:
        assert r["exact"] + r["wrong"] + r["missing"] == r["expected"]
    ident = out["identity"]
    assert ident["overall"]["files"] == len(ident["files"]) == 18
    for f in ident["files"]:
        assert bool(f["refused"]) or f["got_agency"], f
        assert not f["agency_exact"] or f["agency_accepted"]
