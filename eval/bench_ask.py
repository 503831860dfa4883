"""Warm ``ask`` latency, table vs narrative questions: python -m eval.bench_ask --index DIR [--gold FILE]...

Loads the assistant once, warms it up, then times every gold question (several
rounds) and prints p50/p95 per kind. Kinds come from the answer's intent:
table = cell/list/max/min/sum/compare/check, narrative = narrative/summary.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from assistant.assistant import Assistant
from ingest.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--gold", type=Path, action="append")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--embedding-model", default=None)
    a = ap.parse_args(argv)
    golds = a.gold or [ROOT / "eval" / "gold" / "seeds.jsonl", ROOT / "eval" / "gold" / "pdfs.jsonl"]
    questions = [json.loads(ln)["question"] for g in golds for ln in g.read_text("utf-8").splitlines() if ln.strip()]
    kw = {"index_dir": a.index}
    if a.embedding_model:
        kw["embedding_model"] = a.embedding_model
    t0 = time.perf_counter()
    qa = Assistant(Settings(**kw))
    qa.ask("淮安市2024年新收申请多少件？")
    qa.ask("依申请公开情况如何？")  # loads the embedder, jieba, BM25
    print(f"cold start (load + 2 warm-up questions): {time.perf_counter() - t0:.1f} s; "
          f"{len(qa.reports())} reports, {len(questions)} questions x {a.rounds} rounds")
    by: dict[str, list[float]] = {"table": [], "narrative": [], "refusal": []}
    for _ in range(a.rounds):
        for q in questions:
            t = time.perf_counter()
            ans = qa.ask(q)
            ms = (time.perf_counter() - t) * 1000
            kind = ("refusal" if not ans.answerable else
                    "narrative" if ans.intent in ("narrative", "summary") else "table")
            by[kind].append(ms)
    for kind, xs in by.items():
        if xs:
            print(f"  {kind:9} n={len(xs):4d}  p50 {pct(xs, 50):7.1f} ms  p95 {pct(xs, 95):7.1f} ms  "
                  f"mean {statistics.mean(xs):7.1f} ms")


if __name__ == "__main__":
    main()
