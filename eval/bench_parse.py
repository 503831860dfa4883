"""Parse throughput on the shared corpus: python -m eval.bench_parse [--repeat N] [PATH...]

Prints reports/s per format and overall (the figure quoted in the issue note).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from ingest.parse import parse_file

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    files = sorted({f for p in a.paths for f in ([p] if p.is_file() else p.rglob("*"))
                    if f.suffix.lower() in (".pdf", ".txt", ".docx", ".html", ".htm")})
    if not files:
        raise SystemExit(f"no report files under {a.paths}")
    per: dict[str, list[float]] = defaultdict(list)
    t_all = time.perf_counter()
    for _ in range(a.repeat):
        for f in files:
            t = time.perf_counter()
            parse_file(f)
            per[f.suffix.lower()].append(time.perf_counter() - t)
    total = time.perf_counter() - t_all
    n = len(files) * a.repeat
    print(f"parsed {len(files)} files x {a.repeat} = {n} reports in {total:.2f} s: {n / total:.1f} reports/s")
    for ext, ts in sorted(per.items()):
        print(f"  {ext:6} {len(ts):4d} parses  {len(ts) / sum(ts):8.1f} reports/s  mean {1000 * sum(ts) / len(ts):7.1f} ms")


if __name__ == "__main__":
    main()
