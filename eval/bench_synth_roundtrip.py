"""Round-trip benchmark: generate N synthetic reports, parse them, print the share of
ground-truth cells recovered per format (and per txt layout).

    python -m eval.bench_synth_roundtrip 250 [--seed 0] [--formats txt,docx,html,pdf,md]
                                             [--violations 0.1] [--blank 0.05] [--keep DIR] [--json]

Also prints the generation speed per format (reports/s). Exit 0 when every cell,
agency and year was recovered, 1 otherwise, 2 when the parser is not implemented.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from eval.synth import FORMATS, generate
from eval.synth.roundtrip import format_summary, run, summarize


def gen_speed(reports) -> dict[str, dict]:
    by: dict[str, list] = defaultdict(list)
    for r in reports:
        by[r.format].append(r)
    out = {}
    for f, rs in sorted(by.items()):
        wall, cpu = sum(r.seconds for r in rs), sum(r.cpu_seconds for r in rs)
        out[f] = {"reports": len(rs), "seconds": wall, "reports_per_s": len(rs) / wall if wall else 0.0,
                  "cpu_seconds": cpu, "reports_per_cpu_s": len(rs) / cpu if cpu else 0.0}
    return out


def print_speed(speed: dict[str, dict]) -> None:
    for f, s in speed.items():
        print(f"generate {f:<5} {s['reports']:>5} reports  {s['reports_per_s']:8.1f} reports/s wall"
              f"  {s['reports_per_cpu_s']:8.1f} reports/s CPU")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.bench_synth_roundtrip", description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=100, help="number of reports (default 100)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--violations", type=float, default=0.0)
    ap.add_argument("--blank", type=float, default=0.0)
    ap.add_argument("--keep", type=Path, default=None, help="generate into DIR and keep it")
    ap.add_argument("--misses", type=int, default=5, help="print up to this many missed cells per format")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)

    tmp = None
    if a.keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="synth-rt-")
        out_dir = Path(tmp.name)
    else:
        out_dir = a.keep
    try:
        reports = generate(a.n, out_dir, seed=a.seed, formats=a.formats.split(","), violations=a.violations,
                           blank=a.blank, gold=False)
        speed = gen_speed(reports)
        try:
            results = run(reports)
        except NotImplementedError:
            msg = "ingest.parse.parse_file is not implemented yet"
            if a.json:
                print(json.dumps({"generation": speed, "error": msg}, ensure_ascii=False))
            else:
                print_speed(speed)
                print(msg, file=sys.stderr)
            return 2
        summary = summarize(results)
        if a.json:
            print(json.dumps({"generation": speed, "roundtrip": summary}, ensure_ascii=False, indent=1))
        else:
            print_speed(speed)
            print()
            print(format_summary(summary))
            shown: dict[str, int] = defaultdict(int)
            for r in results:
                if r.error and shown[r.format] < a.misses:
                    shown[r.format] += 1
                    print(f"  {r.name}.{r.format} ({r.layout}): parser error {r.error}")
                if not r.agency_ok or not r.year_ok:
                    if shown[r.format] < a.misses:
                        shown[r.format] += 1
                        print(f"  {r.name}.{r.format} ({r.layout}): agency/year {r.got_agency!r}/{r.got_year}")
                for m in r.misses:
                    if shown[r.format] >= a.misses:
                        break
                    shown[r.format] += 1
                    print(f"  {r.name}.{r.format} ({r.layout}): {m}")
        return 0 if all(r.ok for r in results) else 1
    finally:
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
