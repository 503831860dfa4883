"""The hand-read fixtures themselves are well-formed (no parser involved).

tests/fixtures/real/*.json are the truth for the real HTML reports; tests/fixtures/corpus_truth.json lists
agency and year of every file of ../shared/corpus. A typo in a key or a short row would silently change what
the benchmark measures, so the shape is checked here against ingest/template.py and NEW_KEYS.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.template import (
    T2_ITEMS,
    T3_COLUMNS,
    T4_COLUMNS,
    T4_GROUP_BY_KEY,
    t3_rows,
)
from tests.conftest import FIXTURES, SHARED

REAL = FIXTURES / "real"
REAL_FIXTURES = sorted(REAL.glob("*.json"))
CORPUS = SHARED / "corpus"


def new_keys() -> set[tuple[str, str, str]]:
    """(table, row, column) triples listed in NEW_KEYS.md's table."""
    out = set()
    for line in (REAL / "NEW_KEYS.md").read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] in ("表二", "表三", "表四") and re.fullmatch(r"[a-z_.]+", cells[1]):
            out.add((cells[0], cells[1], cells[2]))
    return out


def known_t2(template: str) -> set[tuple[str, str]]:
    out = set()
    for it in T2_ITEMS:
        cols = it.columns_2019 if template == "2019" else it.columns_2021
        out |= {(r.key, c.key) for r in it.rows for c in cols}
    return out


def load(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def test_there_is_a_fixture_per_real_report():
    assert len(REAL_FIXTURES) >= 4, REAL_FIXTURES
    real = CORPUS / "real"
    if not real.exists():
        pytest.skip(f"shared corpus not found at {real}: cannot check every report has a fixture")
    htmls = {p.name for p in real.glob("*.html")}
    covered = {load(p)["file"] for p in REAL_FIXTURES}
    assert covered <= htmls, covered - htmls


def test_new_keys_table_is_read():
    keys = new_keys()
    assert ("表二", "procurement", "amount") in keys and ("表二", "other_services", "change") in keys


@pytest.mark.parametrize("path", REAL_FIXTURES, ids=lambda p: p.stem)
def test_fixture_header(path):
    fx = load(path)
    assert fx["file"] == f"{path.stem}.html"
    assert fx["agency"] and isinstance(fx["agency"], str)
    assert all(v and v != fx["agency"] for v in fx["agency_variants"]), fx["agency_variants"]
    assert isinstance(fx["year"], int) and 2007 <= fx["year"] <= 2030
    assert fx["template"] in ("2019", "2021")
    assert str(fx["year"]) in fx["title"] and fx["agency"] in fx["title"].replace(" ", "")
    assert fx["notes"].strip()


@pytest.mark.parametrize("path", REAL_FIXTURES, ids=lambda p: p.stem)
def test_fixture_table2_keys(path):
    fx = load(path)
    allowed = known_t2(fx["template"]) | {(r, c) for t, r, c in new_keys() if t == "表二"}
    got = {(row, col) for row, cols in fx["table2"].items() for col in cols}
    assert got and got <= allowed, got - allowed
    for row, cols in fx["table2"].items():
        for col, v in cols.items():
            assert v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)), (row, col, v)


@pytest.mark.parametrize("path", REAL_FIXTURES, ids=lambda p: p.stem)
def test_fixture_table3_rows(path):
    fx = load(path)
    t3 = fx["table3"]
    single = "other" in t3
    assert list(t3) == [r.key for r in t3_rows(single)], "表三 rows: all of them, in printed order, one 其他处理 form"
    for row, vals in t3.items():
        assert len(vals) == len(T3_COLUMNS) == 7, row
        assert all(v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0) for v in vals), row
    if fx["template"] == "2019":
        assert single, "the 2019 template prints （六）其他处理 as one row"


@pytest.mark.parametrize("path", REAL_FIXTURES, ids=lambda p: p.stem)
def test_fixture_table4(path):
    fx = load(path)
    assert list(fx["table4"]) == list(T4_GROUP_BY_KEY)
    for grp, vals in fx["table4"].items():
        assert len(vals) == len(T4_COLUMNS) == 5, grp
        assert all(v is None or (isinstance(v, int) and v >= 0) for v in vals), grp


def test_corpus_truth_lists_every_file():
    truth = load(FIXTURES / "corpus_truth.json")["files"]
    paths = [f["path"] for f in truth]
    assert len(paths) == len(set(paths)) == 18
    for f in truth:
        assert re.fullmatch(r"(seeds/[^/]+\.txt|raw/[^/]+\.pdf|real/[^/]+\.html)", f["path"]), f["path"]
        assert f["agency"] and isinstance(f["year"], int) and 2007 <= f["year"] <= 2030
        assert f["template"] in ("2019", "2021")
        assert all(s and s != f["agency"] for s in f["agency_short"]), f
    if not CORPUS.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}: cannot compare the list with the files")
    on_disk = {str(p.relative_to(CORPUS)) for d in ("seeds", "raw", "real") for p in (CORPUS / d).iterdir()
               if p.suffix in (".txt", ".pdf", ".html")}
    assert set(paths) == on_disk, set(paths) ^ on_disk


def test_corpus_truth_agrees_with_cell_fixtures():
    truth = {f["path"]: f for f in load(FIXTURES / "corpus_truth.json")["files"]}
    for p in REAL_FIXTURES:
        fx = load(p)
        t = truth[f"real/{fx['file']}"]
        assert (t["agency"], t["year"], t["template"]) == (fx["agency"], fx["year"], fx["template"]), p.stem
    for p in sorted((FIXTURES / "pdfs").glob("*.json")):
        fx = load(p)
        t = truth[f"raw/{fx['file']}"]
        assert (t["agency"], t["year"]) == (fx["agency"], fx["year"]), p.stem


def _squeeze(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000]+", "", text)


@pytest.mark.parametrize("path", REAL_FIXTURES, ids=lambda p: p.stem)
def test_narrative_quotes_are_in_the_document(path):
    """Every narrative quote is text of the page (tags and whitespace ignored), and holds its number."""
    from bs4 import BeautifulSoup

    fx = load(path)
    doc = CORPUS / "real" / fx["file"]
    if not doc.exists():
        pytest.skip(f"shared corpus not found at {doc}")
    soup = BeautifulSoup(doc.read_text("utf-8"), "lxml")
    text = _squeeze(soup.get_text(""))
    assert fx["narrative_facts"]
    for f in fx["narrative_facts"]:
        assert _squeeze(f["quote"]) in text, f["quote"]
        assert f["number"] is None or str(f["number"]) in _squeeze(f["quote"]), f
        assert f["section"].split(" / ")[0][:2] in {s + "、" for s in "一二三四五六"}, f["section"]
