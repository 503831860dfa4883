"""Ingest throughput against the raw encoder, on the same machine, in the same run.

    .venv/bin/python -m eval.bench_ingest [--corpus DIR ...] [--copies N] [--rounds R] [--model NAME] [--json]

1. Loads the embedder once (``--model``, default: the settings' model) and warms it up.
2. Copies the corpus ``--copies`` times into a temp folder (each copy made
   unique by one appended line, so nothing is deduplicated), and chunks it
   once to get the exact texts ingest will embed.
3. ``--rounds`` times, in the order raw, ingest, ingest, raw, … (so a drifting
   background load hits both alike); CPU seconds are counted beside wall time:
   - raw encoder: ``embed_passages`` over all chunk texts in one call (the
     encoder sorts by length and batches by ``embedding_batch_size``);
   - ingest: ``ingest_paths`` into a fresh index folder (parse, chunk, embed,
     Chroma, SQLite, BM25), with the same embedder object.
4. Prints chunks/s of both (median over rounds, and best), their ratio
   (goal >= 0.9), the index size on disk and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class TimedEmbedder:
    """Wraps an embedder; counts the seconds (wall and CPU) spent in embed_passages."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.wall = 0.0
        self.cpu = 0.0
        self.calls: list[int] = []

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_passages(self, texts):
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            return self.inner.embed_passages(texts)
        finally:
            self.wall += time.perf_counter() - t0
            self.cpu += time.process_time() - c0
            self.calls.append(len(texts))

    def embed_query(self, text):
        return self.inner.embed_query(text)


def make_corpus(sources: list[Path], dest: Path, copies: int) -> list[Path]:
    from ingest.indexer import discover

    files, _ = discover(sources)
    out = []
    for i in range(copies):
        for shown, real in files:
            target = dest / f"copy{i}" / real.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(real, target)
            if i and target.suffix.lower() == ".txt":  # PDFs differ by folder only: sha256 decides, so append
                target.write_text(target.read_text("utf-8") + f"\n（副本{i}）\n", encoding="utf-8")
            elif i:
                with open(target, "ab") as f:
                    f.write(f"\n%copy {i}\n".encode())
            out.append(target)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="*", type=Path, default=None, help="files/folders (default: ../shared/corpus)")
    ap.add_argument("--copies", type=int, default=1, help="copies of the corpus to ingest (default 1)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating raw/ingest rounds (default 3)")
    ap.add_argument("--model", default=None, help="embedding model (default: settings; 'fake' for no model)")
    ap.add_argument("--batch-size", type=int, default=None, help="embedding batch size (default: settings)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    from ingest.chunking import DENSE_KINDS, chunk_report
    from ingest.embeddings import get_embedder
    from ingest.indexer import _prepare, ingest_paths, sha256_file
    from ingest.settings import Settings

    sources = args.corpus or [DEFAULT_CORPUS]
    for s in sources:
        if not s.exists():
            print(f"error: {s}: no such file or folder", file=sys.stderr)
            return 1
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        overrides = {}
        if args.model:
            overrides["embedding_model"] = args.model
        if args.batch_size:
            overrides["embedding_batch_size"] = args.batch_size
        base = Settings(index_dir=work / "index-warm", **overrides)

        t0 = time.perf_counter()
        embedder = get_embedder(base)
        load_s = time.perf_counter() - t0
        files = make_corpus(sources, work / "corpus", args.copies)

        # the exact texts ingest embeds (parse once, untimed)
        texts: list[str] = []
        for f in files:
            prep = _prepare(f, sha256_file(f), base)
            if prep.report is not None:
                texts += [c.embed_text for c in chunk_report(prep.report, base, prep.report.id) if c.kind in DENSE_KINDS]
        embedder.embed_passages(texts[:16])  # warm-up
        # warm-up ingest (imports chromadb, bm25s, jieba; opens the parser's libraries)
        t0 = time.perf_counter()
        ingest_paths(base, [files[0]], embedder=embedder)
        warm_s = time.perf_counter() - t0

        raw_rates, ingest_rates, ingest_secs = [], [], []
        raw_cpu, ingest_cpu, embed_share = [], [], []
        last_index = None
        def raw_round() -> None:
            t0, c0 = time.perf_counter(), time.process_time()
            embedder.embed_passages(texts)
            raw_rates.append(len(texts) / (time.perf_counter() - t0))
            raw_cpu.append(len(texts) / (time.process_time() - c0))

        for r in range(args.rounds):
            if r % 2 == 0:  # raw, ingest, ingest, raw, …: a drifting background load hits both alike
                raw_round()
            s = base.model_copy(update={"index_dir": work / f"index-{r}"})
            timed = TimedEmbedder(embedder)
            t0, c0 = time.perf_counter(), time.process_time()
            res = ingest_paths(s, [work / "corpus"], embedder=timed)
            dt = time.perf_counter() - t0
            ingest_cpu.append(res.chunks / (time.process_time() - c0))
            embed_share.append(timed.wall / dt)
            if res.failed or res.chunks != len(texts):
                print(f"warning: ingest embedded {res.chunks} chunks (expected {len(texts)}), "
                      f"{res.failed} file(s) failed", file=sys.stderr)
            ingest_rates.append(res.chunks / dt)
            ingest_secs.append(dt)
            if r % 2 == 1:
                raw_round()
            if last_index is not None:
                shutil.rmtree(last_index, ignore_errors=True)
            last_index = Path(s.index_dir)

        assert last_index is not None
        parts = {p.name: dir_size(p) if p.is_dir() else p.stat().st_size for p in last_index.iterdir()}
        raw_med, ing_med = statistics.median(raw_rates), statistics.median(ingest_rates)
        out = {
            "model": embedder.name,
            "embedding_batch_size": base.embedding_batch_size,
            "files": len(files),
            "chunks": len(texts),
            "rounds": args.rounds,
            "cpu_count": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "model_load_s": round(load_s, 2),
            "warmup_ingest_s": round(warm_s, 2),
            "raw_encoder_chunks_per_s": round(raw_med, 2),
            "raw_encoder_chunks_per_s_all": [round(x, 2) for x in raw_rates],
            "ingest_chunks_per_s": round(ing_med, 2),
            "ingest_chunks_per_s_all": [round(x, 2) for x in ingest_rates],
            "ingest_seconds_all": [round(x, 2) for x in ingest_secs],
            "ratio_median": round(ing_med / raw_med, 3),
            "raw_encoder_chunks_per_cpu_s": round(statistics.median(raw_cpu), 2),
            "ingest_chunks_per_cpu_s": round(statistics.median(ingest_cpu), 2),
            "ratio_cpu": round(statistics.median(ingest_cpu) / statistics.median(raw_cpu), 3),
            "ingest_share_in_encoder": [round(x, 3) for x in embed_share],
            "ratio_best": round(max(ingest_rates) / max(raw_rates), 3),
            "index_bytes": sum(parts.values()),
            "index_bytes_by_part": parts,
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(f"model {out['model']} (batch {out['embedding_batch_size']}), {out['files']} files, "
              f"{out['chunks']} chunks, {out['rounds']} rounds, {out['cpu_count']} CPUs, load {out['load_avg_1m']}")
        print(f"  raw encoder : {out['raw_encoder_chunks_per_s']:8.2f} chunks/s  (rounds: "
              f"{out['raw_encoder_chunks_per_s_all']})")
        print(f"  ingest      : {out['ingest_chunks_per_s']:8.2f} chunks/s  (rounds: "
              f"{out['ingest_chunks_per_s_all']}; seconds {out['ingest_seconds_all']})")
        print(f"  ratio       : {out['ratio_median']:.3f} median, {out['ratio_best']:.3f} best/best  (goal >= 0.9)")
        print(f"  per CPU-s   : raw {out['raw_encoder_chunks_per_cpu_s']}, ingest {out['ingest_chunks_per_cpu_s']}, "
              f"ratio {out['ratio_cpu']:.3f}; share of ingest wall time inside the encoder "
              f"{out['ingest_share_in_encoder']}")
        print(f"  index size  : {out['index_bytes'] / 1e6:.2f} MB  {out['index_bytes_by_part']}")
        print(f"  peak RSS    : {out['peak_rss_mb']:.0f} MB   model load {out['model_load_s']} s, "
              f"warm-up ingest {out['warmup_ingest_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
