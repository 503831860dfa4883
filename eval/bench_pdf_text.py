"""PDF text layer: pdfplumber against pypdfium2, side by side in one run.

For each PDF — the real ones in ``$REPORTQA_SHARED/corpus/raw`` and ``--synth N``
synthetic PDFs (``eval.synth.generate(N, seed=0, formats=("pdf",))``, their
truth beside them) — both extractors read the page text:

- **pdfplumber**: ``page.extract_text(x_tolerance=1.5, y_tolerance=3)``, as
  ``ingest.readers._read_pdf`` reads it today;
- **pypdfium2**: ``ingest.pdf_text.pdfium_pages`` (PDFium's text page).

and the script prints, per file and in total: seconds of each, the speed-up,
lines (whitespace-normalised) of pdfplumber's text found in the same order in
pypdfium2's (``difflib``), and the table cells ``ingest.parse.parse_document``
reads from each text: how many, how many equal (table, row, column, state,
value, page), whether agency, year, title and the number of sections are equal, how alike the sections'
text is (``difflib`` ratio, whitespace removed), and for synthetic files how many cells equal the generator's
truth.
The table parser depends on line layout, so equal cells — not equal speed — decide whether pypdfium2 may
replace pdfplumber for the text. pdfplumber's cells on the three real PDFs are the 572 hand-checked cells of
tests/ingest/test_parser.py, so pypdfium2 is as good on them only if every cell is equal.

A second table times read + parse as ingest does it, with either text: the ruled tables
(``ingest.readers._pdf_grids``, pdfplumber) are searched on demand, only where the text layer left a table
incomplete, and the cells parsed from text + tables are compared.

Usage::

    python -m eval.bench_pdf_text [--synth 8] [--json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("REPORTQA_SHARED", ROOT.parent / "shared"))


def plumber_pages(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_text(x_tolerance=1.5, y_tolerance=3) or "" for page in pdf.pages]


def plumber_reader(path: Path) -> tuple[list[str], list]:
    """Text as the reader took it before pypdfium2 (pdfplumber), ruled tables as ingest.readers finds them."""
    return _with_grids(path, plumber_pages(path))


def layered_reader(path: Path) -> tuple[list[str], list]:
    """Text from PDFium (ingest.pdf_text.pdfium_pages), ruled tables as ingest.readers finds them."""
    from ingest.pdf_text import pdfium_pages

    return _with_grids(path, pdfium_pages(path))


def _with_grids(path: Path, pages: list[str]):
    from ingest.readers import _pdf_grids

    return pages, (lambda: _pdf_grids(path, pages))


def _report_cells(path: Path, pages: list[str], grids: list) -> dict | str:
    from ingest.errors import ReportError
    from ingest.parse import parse_document
    from ingest.readers import Document

    try:
        report = parse_document(Document(path, "pdf", pages, paged=True, load_tables=grids))
    except ReportError as e:
        return f"not parsed: {e.reason}"
    return {(c.table, c.row, c.column): (c.state.value, c.value, c.page) for c in report.cells}


def _lines(pages: list[str]) -> list[str]:
    return [" ".join(ln.split()) for page in pages for ln in page.splitlines() if ln.strip()]


def _cells(path: Path, pages: list[str]) -> dict[tuple, tuple] | str:
    from ingest.errors import ReportError
    from ingest.parse import parse_document
    from ingest.readers import Document

    try:
        report = parse_document(Document(path, "pdf", pages, paged=True))
    except ReportError as e:
        return f"not parsed: {e.reason}"
    cells = {(c.table, c.row, c.column): (c.state.value, c.value, c.page) for c in report.cells}
    cells[("meta",)] = (report.agency, report.year, report.title, len(report.sections))
    return cells


def _section_text(path: Path, pages: list[str]) -> str:
    from ingest.parse import parse_document
    from ingest.readers import Document

    try:
        report = parse_document(Document(path, "pdf", pages, paged=True))
    except Exception:  # noqa: BLE001 - counted as not parsed above
        return ""
    return "".join("".join(s.text.split()) for s in report.sections)


def _truth(path: Path) -> dict[tuple, Any] | None:
    t = path.with_name(path.stem + ".truth.json")
    if not t.exists():
        return None
    data = json.loads(t.read_text(encoding="utf-8"))
    return {(c["table"], c["row"], c["column"]): c.get("value") for c in data.get("cells", [])}


def _timed_pages(fn, path: Path) -> tuple[list[str], float]:
    t = time.perf_counter()
    pages = fn(path)
    return pages, time.perf_counter() - t


def compare(path: Path) -> dict[str, Any]:
    from ingest.pdf_text import pdfium_pages

    a, ta = _timed_pages(plumber_pages, path)
    b, tb = _timed_pages(pdfium_pages, path)
    la, lb = _lines(a), _lines(b)
    matched = sum(m.size for m in difflib.SequenceMatcher(None, la, lb, autojunk=False).get_matching_blocks())
    ca, cb = _cells(path, a), _cells(path, b)
    row: dict[str, Any] = {"file": path.name, "pages": len(a), "plumber_s": round(ta, 3), "pdfium_s": round(tb, 3),
                           "speedup": round(ta / max(tb, 1e-9), 1), "lines_plumber": len(la), "lines_pdfium": len(lb),
                           "lines_same": matched}
    t0 = time.perf_counter()
    pa, ga = plumber_reader(path)
    fa = _report_cells(path, pa, ga)
    tra = time.perf_counter() - t0
    t0 = time.perf_counter()
    pb, gb = layered_reader(path)
    fb = _report_cells(path, pb, gb)
    trb = time.perf_counter() - t0
    row.update(reader_plumber_s=round(tra, 3), reader_layered_s=round(trb, 3),
               reader_speedup=round(tra / max(trb, 1e-9), 1), grids_plumber="lazy", grids_layered="lazy",
               reader_cells=len(fa) if isinstance(fa, dict) else fa,
               reader_cells_equal=sum(fb.get(k) == v for k, v in fa.items()) if isinstance(fa, dict) and isinstance(fb, dict) else 0)
    if isinstance(ca, str) or isinstance(cb, str):
        row.update(cells_plumber=ca if isinstance(ca, str) else len(ca), cells_pdfium=cb if isinstance(cb, str) else len(cb),
                   cells_equal=0)
    else:
        row["meta_equal"] = ca.pop(("meta",)) == cb.pop(("meta",))
        row.update(cells_plumber=len(ca), cells_pdfium=len(cb), cells_equal=sum(cb.get(k) == v for k, v in ca.items()))
        sa, sb = _section_text(path, a), _section_text(path, b)
        row["section_text_ratio"] = round(difflib.SequenceMatcher(None, sa, sb, autojunk=False).ratio(), 4)
        diff = [f"{k}: {ca[k]} vs {cb.get(k)}" for k in ca if cb.get(k) != ca[k]]
        row["cell_diffs"] = diff[:5]
        truth = _truth(path)
        if truth is not None:
            for name, cells in (("plumber", ca), ("pdfium", cb)):
                row[f"truth_{name}"] = sum(cells.get(k, (None, None))[1] == v for k, v in truth.items())
            row["truth_cells"] = len(truth)
    return row


def run(synth: int) -> dict[str, Any]:
    files = sorted((SHARED / "corpus" / "raw").glob("*.pdf"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="reportqa-pdftext-") as tmp:
        if synth:
            from eval.synth import generate

            generate(synth, Path(tmp), seed=0, formats=("pdf",), gold=False)
            files += sorted(Path(tmp).glob("*.pdf"))
        for f in files:
            rows.append(compare(f))
    total = {k: round(sum(r[k] for r in rows if isinstance(r.get(k), (int, float))), 3)
             for k in ("plumber_s", "pdfium_s", "lines_plumber", "lines_same", "cells_plumber", "cells_equal",
                       "reader_plumber_s", "reader_layered_s", "reader_cells", "reader_cells_equal")}
    total["speedup"] = round(total["plumber_s"] / max(total["pdfium_s"], 1e-9), 1)
    total["reader_speedup"] = round(total["reader_plumber_s"] / max(total["reader_layered_s"], 1e-9), 1)
    return {"files": rows, "total": total, "load_average": round(os.getloadavg()[0], 2)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_pdf_text", description=__doc__.split("\n\n")[0])
    ap.add_argument("--synth", type=int, default=8, help="synthetic PDFs to generate and compare (0: none)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    res = run(a.synth)
    if a.json:
        print(json.dumps(res, ensure_ascii=False))
        return 0
    print(f"{'file':<34} {'pages':>5} {'pdfplumber s':>12} {'pypdfium2 s':>11} {'×':>5} {'lines same':>12} "
          f"{'cells plumber/pdfium/equal':>27} {'truth plumber/pdfium':>21} {'meta':>5} {'text':>6}")
    for r in res["files"]:
        truth = (f"{r['truth_plumber']}/{r['truth_pdfium']} of {r['truth_cells']}" if "truth_cells" in r else "–")
        print(f"{r['file'][:34]:<34} {r['pages']:>5} {r['plumber_s']:>12.3f} {r['pdfium_s']:>11.3f} {r['speedup']:>5} "
              f"{r['lines_same']:>5}/{r['lines_plumber']:<6} {str(r['cells_plumber']) + '/' + str(r['cells_pdfium']) + '/' + str(r['cells_equal']):>27} "
              f"{truth:>21} {'same' if r.get('meta_equal') else 'DIFF':>5} {r.get('section_text_ratio', 0):>6.3f}")
        for d in r.get("cell_diffs", [])[:3]:
            print(f"    differs: {d}")
    print("\nread + parse as ingest does (ruled tables searched by pdfplumber only where the text left a table incomplete):")
    print(f"{'file':<34} {'pdfplumber text s':>17} {'PDFium text s':>13} {'×':>5} {'grids':>7} {'cells equal':>13}")
    for r in res["files"]:
        print(f"{r['file'][:34]:<34} {r['reader_plumber_s']:>17.3f} {r['reader_layered_s']:>13.3f} {r['reader_speedup']:>5} "
              f"{str(r['grids_plumber']) + '/' + str(r['grids_layered']):>7} {str(r['reader_cells_equal']) + '/' + str(r['reader_cells']):>13}")
    t = res["total"]
    print(f"{'total':<34} {t['reader_plumber_s']:>17.2f} {t['reader_layered_s']:>13.2f} {t['reader_speedup']:>5} "
          f"{'':>7} {t['reader_cells_equal']:.0f}/{t['reader_cells']:.0f}\n")
    print(f"{'total':<34} {'':>5} {t['plumber_s']:>12.2f} {t['pdfium_s']:>11.2f} {t['speedup']:>5} "
          f"{t['lines_same']:.0f}/{t['lines_plumber']:.0f} lines; {t['cells_equal']:.0f} of {t['cells_plumber']:.0f} cells equal "
          f"(load average {res['load_average']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
