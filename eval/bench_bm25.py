"""BM25 build over an existing index: time and peak memory, the earlier way and today's, side by side.

    python -m eval.bench_bm25 --index DIR [--rounds 2] [--json]

Each variant runs in a fresh subprocess (peak RSS is the process's ``ru_maxrss``), alternating, ``--rounds``
times:

- ``lists``: every committed chunk read into memory, its stored tokens as a Python list of strings, then
  ``bm25s.BM25().index`` over the lists (the build before the streamed one);
- ``streamed``: ``ingest.stores.common.build_bm25``, today's: chunks streamed from the catalog into token ids,
  the score matrix built in two passes (``ingest.stores.bm25_matrix``).

Both print the number of documents and matrix entries, so the runs are seen to index the same thing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ("lists", "streamed")


def _child(variant: str, index: Path) -> dict:
    from ingest.stores.catalog import Catalog

    catalog = Catalog(index, readonly=True)
    t0 = time.perf_counter()
    if variant == "lists":
        from ingest.stores.bm25 import _import_bm25s

        with catalog.read_snapshot():
            rows = list(catalog.iter_chunk_docs())
        retriever = _import_bm25s().BM25()
        retriever.index([toks or ["∅"] for _, _, _, toks, _ in rows], show_progress=False)
        docs = len(rows)
    else:
        from ingest.stores.common import build_bm25

        built = build_bm25(catalog)
        retriever, docs = built.retriever, len(built)
    seconds = time.perf_counter() - t0
    return {"variant": variant, "docs": docs, "entries": int(len(retriever.scores["data"])),
            "seconds": round(seconds, 1), "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="an index folder (its catalog.sqlite is read only)")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds of both variants")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        sys.stdout.write(json.dumps(_child(a.child, a.index)) + "\n")
        return 0
    if not (a.index / "catalog.sqlite").exists():
        sys.stderr.write(f"没有找到索引：{a.index}/catalog.sqlite\n")
        return 2
    runs = []
    for r in range(a.rounds):
        for v in VARIANTS:
            out = subprocess.run([sys.executable, "-m", "eval.bench_bm25", "--index", str(a.index), "--child", v],
                                 cwd=ROOT, capture_output=True, text=True, check=True)
            runs.append({"round": r + 1, **json.loads(out.stdout.strip().splitlines()[-1])})
            if not a.json:
                x = runs[-1]
                sys.stdout.write(f"round {x['round']}  {x['variant']:<9} {x['docs']:>9,} docs  {x['entries']:>12,} "
                                 f"entries  {x['seconds']:>7.1f} s  peak RSS {x['peak_rss_mb']:>6,} MB\n")
                sys.stdout.flush()
    if a.json:
        sys.stdout.write(json.dumps({"index": str(a.index), "runs": runs}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
