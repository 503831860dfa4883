"""Cell accuracy on the real reports against hand-read truth: python -m eval.bench_real_cells [--json]

Every report that has a hand-read fixture (tests/fixtures/real/*.json for ../shared/corpus/real/*.html,
tests/fixtures/pdfs/*.json for ../shared/corpus/raw/*.pdf) is parsed with the public API
``ingest.parse.parse_file`` and compared cell by cell with its fixture:

- exact    : the parser read the printed number, or left blank a cell that is printed blank (null in the fixture)
- wrong    : the parser read a number, but not the printed one
- missing  : a printed cell the parser did not read (absent, blank where a number is printed, unread, n/a),
             or the whole report was refused
- invented : the parser gives a number where the fixture has a blank, or for a cell this report does not
             print at all (a row or column of the other template version, a row the report leaves out)

Accuracy = exact / expected. The fixtures are never produced from the parser (see their notes).

It also checks agency and year of every file listed in tests/fixtures/corpus_truth.json (seeds, raw, real):
refused, agency exact (the full name as in the title), agency accepted (full name or a listed short form), year.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.parse import parse_file
from ingest.template import T3_COLUMNS, T4_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# fixture folder -> corpus sub-folder holding the documents
SETS = (("real", "real"), ("pdfs", "raw"))

Key = tuple[str, str, str]  # (table, row, column) as in TableCell


def default_corpus() -> Path:
    env = os.environ.get("REPORTQA_SHARED")
    return (Path(env) if env else ROOT.parent / "shared") / "corpus"


def expected_cells(fx: dict) -> dict[Key, int | float | None]:
    """Every cell the report prints, keyed like TableCell; None = printed blank."""
    out: dict[Key, int | float | None] = {}
    for row, cols in fx["table2"].items():
        for col, v in cols.items():
            out[("表二", row, col)] = v
    for row, vals in fx["table3"].items():
        for c, v in zip(T3_COLUMNS, vals, strict=True):
            out[("表三", row, c.key)] = v
    for grp, vals in fx["table4"].items():
        for c, v in zip(T4_COLUMNS, vals, strict=True):
            out[("表四", grp, c.key)] = v
    return out


def same_number(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


@dataclass
class Score:
    report: str
    template: str
    expected: int = 0
    exact: int = 0
    wrong: int = 0
    missing: int = 0
    invented: int = 0
    refused: str = ""  # the parser's reason, when it refused the report
    identity_ok: bool | None = None  # agency and year equal the fixture's
    seconds: float = 0.0
    wrong_cells: list[dict] = field(default_factory=list)
    missing_cells: list[dict] = field(default_factory=list)
    invented_cells: list[dict] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.exact / self.expected if self.expected else 0.0


def _cell(key: Key, want, got) -> dict:
    return {"table": key[0], "row": key[1], "column": key[2], "expected": want, "got": got}


def parse_cached(path: Path, cache: dict | None = None):
    """(Report, None) or (None, reason); a refusal (ReportError) and a crash both mean nothing was read."""
    if cache is not None and path in cache:
        return cache[path]
    try:
        out = (parse_file(path), None)
    except Exception as exc:  # noqa: BLE001 - every failure is a scored outcome, never a traceback
        out = (None, f"{type(exc).__name__}: {exc}")
    if cache is not None:
        cache[path] = out
    return out


def score_report(path: Path, fx: dict, cache: dict | None = None) -> Score:
    want = expected_cells(fx)
    s = Score(report=path.name, template=fx.get("template", ""), expected=len(want))
    t = time.perf_counter()
    report, reason = parse_cached(path, cache)
    if report is None:
        s.seconds = time.perf_counter() - t
        s.refused = reason
        s.missing = len(want)
        s.missing_cells = [_cell(k, v, None) for k, v in want.items()]
        return s
    s.seconds = time.perf_counter() - t
    s.identity_ok = (report.agency, report.year) == (fx["agency"], fx["year"])
    got = {(c.table, c.row, c.column): c for c in report.cells}
    for key, v in want.items():
        c = got.get(key)
        state = getattr(getattr(c, "state", None), "value", None)
        if c is not None and state == "number" and c.value is not None:
            if v is None:
                s.invented += 1
                s.invented_cells.append(_cell(key, v, c.value))
            elif same_number(c.value, v):
                s.exact += 1
            else:
                s.wrong += 1
                s.wrong_cells.append(_cell(key, v, c.value))
        elif c is not None and state == "blank" and v is None:
            s.exact += 1
        else:
            s.missing += 1
            s.missing_cells.append(_cell(key, v, state or "absent"))
    for key, c in got.items():
        if key not in want and c.state.value == "number" and c.value is not None:
            s.invented += 1
            s.invented_cells.append(_cell(key, "not printed", c.value))
    return s


def score_identity(corpus: Path, cache: dict | None = None) -> list[dict]:
    """Agency and year of every file of corpus_truth.json."""
    truth = json.loads((FIXTURES / "corpus_truth.json").read_text("utf-8"))["files"]
    out = []
    for t in truth:
        path = corpus / t["path"]
        row = {"path": t["path"], "agency": t["agency"], "year": t["year"], "refused": "", "got_agency": None,
               "got_year": None, "agency_exact": False, "agency_accepted": False, "year_ok": False}
        if not path.exists():
            row["refused"] = "file not found"
        else:
            report, reason = parse_cached(path, cache)
            if report is None:
                row["refused"] = reason
            else:
                row.update(got_agency=report.agency, got_year=report.year, agency_exact=report.agency == t["agency"],
                           agency_accepted=report.agency in (t["agency"], *t["agency_short"]),
                           year_ok=report.year == t["year"])
        out.append(row)
    return out


def identity_summary(rows: list[dict]) -> dict:
    return {"files": len(rows), "refused": sum(1 for r in rows if r["refused"]),
            "agency_exact": sum(r["agency_exact"] for r in rows), "agency_accepted": sum(r["agency_accepted"] for r in rows),
            "year_ok": sum(r["year_ok"] for r in rows)}


def print_identity(rows: list[dict], summ: dict) -> None:
    print()
    print(f"agency/year of every corpus file ({summ['files']}): {summ['refused']} refused, agency exact "
          f"{summ['agency_exact']}, accepted {summ['agency_accepted']}, year right {summ['year_ok']}")
    for r in rows:
        if r["refused"]:
            print(f"    {r['path']}: refused")
        elif not (r["agency_accepted"] and r["year_ok"]):
            print(f"    {r['path']}: got {r['got_agency']} {r['got_year']}, expected {r['agency']} {r['year']}")


def collect(corpus: Path) -> list[tuple[Path, dict]]:
    out = []
    for fixture_dir, sub in SETS:
        for fp in sorted((FIXTURES / fixture_dir).glob("*.json")):
            fx = json.loads(fp.read_text("utf-8"))
            out.append((corpus / sub / fx["file"], fx))
    return out


def git_commit() -> str:
    try:
        r = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, timeout=5, check=False)
        return r.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def summary(scores: list[Score]) -> dict:
    tot = {k: sum(getattr(s, k) for s in scores) for k in ("expected", "exact", "wrong", "missing", "invented")}
    tot["accuracy"] = tot["exact"] / tot["expected"] if tot["expected"] else 0.0
    tot["reports"] = len(scores)
    tot["refused"] = sum(1 for s in scores if s.refused)
    return tot


def print_table(scores: list[Score], tot: dict, details: int) -> None:
    head = f"{'report':28} {'tpl':4} {'expected':>8} {'exact':>6} {'wrong':>6} {'missing':>7} {'invented':>8} {'acc':>7}  id"
    print(head)
    print("-" * len(head))
    for s in scores:
        ident = "-" if s.identity_ok is None else ("ok" if s.identity_ok else "WRONG")
        print(f"{s.report:28} {s.template:4} {s.expected:8d} {s.exact:6d} {s.wrong:6d} {s.missing:7d} "
              f"{s.invented:8d} {100 * s.accuracy:6.1f}%  {ident}")
        if s.refused:
            print(f"    refused: {s.refused}")
        for label, cells in (("wrong", s.wrong_cells), ("invented", s.invented_cells),
                             ("missing", [] if s.refused else s.missing_cells)):
            for c in cells[:details]:
                print(f"    {label}: {c['table']} {c['row']}/{c['column']} expected {c['expected']!r} got {c['got']!r}")
            if len(cells) > details:
                print(f"    … {len(cells) - details} more {label}")
    print("-" * len(head))
    print(f"{'overall':28} {'':4} {tot['expected']:8d} {tot['exact']:6d} {tot['wrong']:6d} {tot['missing']:7d} "
          f"{tot['invented']:8d} {100 * tot['accuracy']:6.1f}%")
    print(f"cell accuracy {100 * tot['accuracy']:.2f}% ({tot['exact']}/{tot['expected']} exact), "
          f"{tot['invented']} invented, {tot['refused']}/{tot['reports']} reports refused")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    ap.add_argument("--corpus", type=Path, default=None,
                    help="the shared corpus folder (default: $REPORTQA_SHARED/corpus or ../shared/corpus)")
    ap.add_argument("--details", type=int, default=5, help="wrong/invented/missing cells listed per report")
    a = ap.parse_args(argv)
    corpus = a.corpus or default_corpus()
    if not corpus.is_dir():
        print(f"找不到共享语料目录 {corpus}（请用 --corpus 指定，或设置 REPORTQA_SHARED）", file=sys.stderr)
        return 2
    items = collect(corpus)
    absent = [str(p) for p, _ in items if not p.exists()]
    if absent:
        print(f"语料中缺少 {len(absent)} 个有真值的文件：{'、'.join(absent)}", file=sys.stderr)
        return 2
    cache: dict = {}
    scores = [score_report(p, fx, cache) for p, fx in items]
    tot = summary(scores)
    ident = score_identity(corpus, cache)
    ident_tot = identity_summary(ident)
    if a.json:
        reports = []
        for s in scores:
            d = asdict(s)
            d["accuracy"] = s.accuracy
            reports.append(d)
        print(json.dumps({"commit": git_commit(), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                          "corpus": str(corpus), "overall": tot, "reports": reports,
                          "identity": {"overall": ident_tot, "files": ident}}, ensure_ascii=False, indent=1))
    else:
        print_table(scores, tot, a.details)
        print_identity(ident, ident_tot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
