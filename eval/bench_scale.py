"""Scale benchmark: ingest and ask over N synthetic reports, both embedding backends side by side in one run.

    python -m eval.bench_scale                                   # 100 and 1,000, torch and onnx, writes BENCHMARKS.md
    python -m eval.bench_scale --sizes 100 --backends torch,onnx,onnx-int8
    python -m eval.bench_scale --sizes 10000 --backends onnx     # ~1 h+ on 2 cores; see "10,000 reports" below
    python -m eval.bench_scale --sizes 1000 --embedding-model fake --formats txt,docx,html

For each size, the corpus is generated once, in its own subprocess (so that the
generator's memory never counts in an ingest's peak RSS), with
:func:`eval.synth.generate` (seed 0, formats rotating) into
``<work>/synth-<N>-<formats>``; its ``gold.jsonl`` gives the questions. Then,
for each backend in ``--backends``, one after the other, in a fresh subprocess
(so peak RSS is that run's own):

1. ingest the corpus into a fresh index (``ingest_paths``): seconds, reports/s, chunks/s;
2. time the raw encoder on the same machine in the same run: ``embed_passages``
   over a sample of the index's own chunk texts, batch size as in settings —
   chunks/s of the encoder alone, the ceiling of ingest throughput — before
   and after the ingest; wall clock and CPU seconds (this process, all
   threads) for both, since on a shared machine the wall clock measures the
   neighbours as much as the code;
3. open the Assistant, ask one untimed warm-up question, then time
   ``ask`` on up to ``--questions`` table and narrative questions of the
   synthetic gold set (p50/p95 per kind, and their answer accuracy);
4. peak RSS (``ru_maxrss``) after ingest and at the end; index size on disk;
   the 1-minute load average at each step (the machine may be shared).

Backends: ``torch`` (sentence-transformers), ``onnx`` (ONNX Runtime fp32) and
``onnx-int8`` (``REPORTQA_ONNX_INT8``); the model loads (and exports, on a
cold cache) before the timed ingest.

10,000 reports: nothing here holds the corpus in memory — files are streamed
from disk by the indexer, the encoder sample is 40 files, the gold set is read
as a file — but ``eval.synth.generate`` keeps every report's truth until it
writes ``gold.jsonl`` (in the generator's subprocess, not in the measured one);
``--skip-existing`` reuses finished ``bench-*.json`` so an interrupted long run
resumes with the next backend. Progress is logged every ``--log-every`` files, and at each
mark the figures reached so far (files done, elapsed and CPU seconds, current and peak RSS, index
size, load) are rewritten to ``<work>/partial-<N>-...json``: a run stopped before its end (a
10,000-report run on a busy machine) still tells how far it got; BENCHMARKS.md lists those under
"Runs not finished" unless the finished ``bench-*.json`` of the same run exists. Identical chunk
texts are encoded once (the indexer reuses the vector): the ``encoded (duplicates)`` column says
how many, so that a high duplicate share is not mistaken for encoder speed, and ``ingest /
encoder`` is computed on the encoded texts.

Results go to ``<work>/bench-<N>-<formats>-<model>-<backend>.json``; then every
``bench-*.json`` in ``<work>`` is rendered into ``--out`` (BENCHMARKS.md);
``--render-only`` just renders.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from eval.bench_scale_report import render

log = logging.getLogger("eval.bench_scale")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WORK = Path(os.environ.get("REPORTQA_BENCH_DIR", "/tmp/reportqa-bench"))
ENCODER_SAMPLE = 256


def _rss_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _rss_now_mb() -> float:
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return _rss_peak_mb()


def _cpu_s() -> float:
    """CPU seconds of this process so far, all threads (user + system)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _pct(xs: list[float], q: float) -> float | None:
    from eval.metrics import percentile

    return percentile(xs, q)


BACKENDS = {"torch": {"embedding_backend": "torch"}, "onnx": {"embedding_backend": "onnx"},
            "onnx-int8": {"embedding_backend": "onnx", "onnx_int8": True}}


def corpus_dir(work: Path, n: int, formats: tuple[str, ...]) -> Path:
    return work / f"synth-{n}-{'-'.join(formats)}"


def generate_corpus(n: int, work: Path, formats: tuple[str, ...], regenerate: bool = False) -> dict[str, Any]:
    """Write the corpus of size ``n`` unless it is there; returns {"generate_seconds": s or None}."""
    from eval.synth import generate

    corpus = corpus_dir(work, n, formats)
    if not regenerate and (corpus / "gold.jsonl").exists():
        return {"generate_seconds": None}
    t0 = time.perf_counter()
    generate(n, corpus, seed=0, formats=formats)
    info = {"generate_seconds": round(time.perf_counter() - t0, 1), "generate_rss_peak_mb": round(_rss_peak_mb(), 0)}
    (corpus / "generated.json").write_text(json.dumps(info) + "\n", encoding="utf-8")
    return info


def run_one(n: int, work: Path, formats: tuple[str, ...], embedding_model: str | None, questions: int,
            backend: str = "onnx", log_every: int = 500) -> dict[str, Any]:
    """Benchmark one corpus size with one backend in this process; returns the result dict."""
    from eval.runner import git_commit, machine_info
    from ingest.embeddings import get_embedder
    from ingest.indexer import ingest_paths
    from ingest.settings import Settings

    tag = f"{n}-{'-'.join(formats)}"
    corpus = corpus_dir(work, n, formats)
    index_dir = work / f"index-{tag}-{embedding_model or 'default'}-{backend}"
    res: dict[str, Any] = {"n": n, "formats": list(formats), "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           "git": git_commit(), "machine": machine_info(), "load_avg_start": os.getloadavg(),
                           "backend": backend}

    # 1. corpus (generated by the parent, in its own process)
    gen = corpus / "generated.json"
    res.update(json.loads(gen.read_text(encoding="utf-8")) if gen.exists() else {"generate_seconds": None})
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".md", ".docx", ".html", ".pdf"))
    res["files"] = len(files)
    res["formats_count"] = {f: sum(p.suffix == "." + f for p in files) for f in formats}

    # 2. ingest into a fresh index
    if index_dir.exists():
        import shutil

        shutil.rmtree(index_dir)
    kw = {"index_dir": index_dir, **BACKENDS[backend]}
    if embedding_model:
        kw["embedding_model"] = embedding_model
    settings = Settings(**kw)
    res["settings_hash"] = settings.index_hash()
    res["embedding_model"] = settings.embedding_model
    res["onnx_threads"] = settings.onnx_threads
    t_model = time.perf_counter()
    embedder = get_embedder(settings)
    embedder.embed_passages(["预热"])  # load the model outside the timed ingest
    res["model_load_seconds"] = round(time.perf_counter() - t_model, 1)

    # raw encoder over a sample of the chunks ingest will embed (the exact texts, ``Chunk.embed_text``,
    # from 40 of the files), timed before the ingest and again after it
    from ingest.chunking import DENSE_KINDS, chunk_report
    from ingest.parse import parse_file

    texts: list[str] = []
    for f in random.Random(0).sample(files, min(40, len(files))):
        try:
            texts += [c.embed_text for c in chunk_report(parse_file(f), settings) if c.kind in DENSE_KINDS]
        except Exception:  # noqa: BLE001 - a file that fails here fails ingest too; skip it
            continue
    sample = random.Random(0).sample(texts, min(ENCODER_SAMPLE, len(texts)))
    enc_before = _time_encoder(embedder, sample)
    res["load_avg_before_ingest"] = os.getloadavg()
    t0, cpu0 = time.perf_counter(), _cpu_s()

    partial_file = work / ("partial-" + _result_name(n, formats, embedding_model, backend)[len("bench-"):])
    marks: list[dict[str, Any]] = []

    def progress(done: int, total: int, _path: str) -> None:
        if done and (done % log_every == 0 or done == total):
            el = time.perf_counter() - t0
            log.info("%s: %d/%d files in %.0f s (%.2f files/s, load %.1f)", backend, done, total, el, done / el,
                     os.getloadavg()[0])
            # figures reached so far, on disk at once: a run stopped before its end still tells how far it got
            marks.append({"files_done": done, "files": total, "seconds": round(el, 1),
                          "cpu_seconds": round(_cpu_s() - cpu0, 1), "rss_mb": round(_rss_now_mb(), 0),
                          "rss_peak_mb": round(_rss_peak_mb(), 0), "index_mb": round(_dir_size_mb(index_dir), 1),
                          "load_avg": round(os.getloadavg()[0], 1)})
            partial_file.write_text(json.dumps({**res, "partial": marks}, ensure_ascii=False, indent=1) + "\n",
                                    encoding="utf-8")

    ing = ingest_paths(settings, [corpus], embedder=embedder, progress=progress)
    secs, cpu = time.perf_counter() - t0, _cpu_s() - cpu0
    res["ingest"] = {"seconds": round(secs, 1), "ingested": ing.ingested, "failed": ing.failed,
                     "chunks": ing.chunks, "vectors": ing.vectors, "encoded": ing.encoded,
                     "duplicate_share": round(1 - ing.encoded / ing.vectors, 4) if ing.vectors else None, "reports_per_s": round(ing.ingested / secs, 2),
                     "chunks_per_s": round(ing.chunks / secs, 1), "cpu_seconds": round(cpu, 1),
                     "reports_per_cpu_s": round(ing.ingested / max(cpu, 1e-9), 3),
                     "chunks_per_cpu_s": round(ing.chunks / max(cpu, 1e-9), 1),
                     "failures": [f"{f.path}: {f.reason}" for f in ing.files if f.status == "failed"][:10],
                     "mean_file_seconds": {ext: round(sum(ts) / len(ts), 3) for ext, ts in _by_ext(ing.files).items()}}
    res["load_avg_after_ingest"] = os.getloadavg()
    res["rss_peak_after_ingest_mb"] = round(_rss_peak_mb(), 0)
    res["index_mb"] = round(_dir_size_mb(index_dir), 1)
    log.info("ingested %d reports, %d chunks in %.1f s", ing.ingested, ing.chunks, secs)

    # 3. the raw encoder again, after ingest (the load of the machine may have changed meanwhile)
    enc_after = _time_encoder(embedder, sample)
    res["encoder"] = {"chunks": len(sample), "mean_chars": round(sum(map(len, sample)) / max(1, len(sample)), 1),
                      "chunks_per_s_before": enc_before[0], "chunks_per_s_after": enc_after[0],
                      "chunks_per_s": round((enc_before[0] + enc_after[0]) / 2, 1),
                      "chunks_per_cpu_s": round((enc_before[1] + enc_after[1]) / 2, 1)}
    # ingest / encoder compares like with like: the chunks the encoder actually ran on (duplicates reuse a vector)
    enc_rate = (ing.encoded or ing.chunks) / secs
    enc_cpu_rate = (ing.encoded or ing.chunks) / max(cpu, 1e-9)
    res["ingest"]["encoded_per_s"] = round(enc_rate, 1)
    res["ingest"]["share_of_encoder_speed"] = round(enc_rate / res["encoder"]["chunks_per_s"], 3)
    res["ingest"]["share_of_encoder_cpu"] = round(enc_cpu_rate / res["encoder"]["chunks_per_cpu_s"], 3)

    # 4. warm asks
    from eval.metrics import load_gold

    res["ask"] = time_asks(settings, load_gold(corpus / "gold.jsonl"), questions)
    res["rss_peak_mb"] = round(_rss_peak_mb(), 0)
    res["load_avg_end"] = os.getloadavg()
    return res


def time_asks(settings, gold: list, questions: int, *, held_only: bool = False) -> dict[str, Any]:
    """Warm ``Assistant.ask`` latency per kind (table, narrative) over up to ``questions`` gold questions of
    each, after one untimed warm-up. ``held_only``: only questions whose every citation names a report the
    index holds (an index cut short: a long ingest stopped before its end)."""
    from assistant.assistant import Assistant
    from eval.metrics import score_question

    # as `reportqa ask` / `serve` do: the Assistant gets its embedder from get_embedder (the same cached
    # model), so its query-time settings (one torch thread per query) apply
    asst = Assistant(settings)
    asks: dict[str, Any] = {}
    try:
        if held_only:
            held = {(i.agency, i.year) for i in asst.reports()}
            gold = [q for q in gold if q.citations and all((c.agency, c.year) in held for c in q.citations)]
            asks["reports_held"] = len(held)
        if gold:
            asst.ask(gold[0].question)
        for typ in ("table", "narrative"):
            qs = [q for q in gold if q.type == typ]
            qs = random.Random(1).sample(qs, min(questions, len(qs)))
            lat, correct = [], 0
            for q in qs:
                t = time.perf_counter()
                a = asst.ask(q.question).to_json_dict()
                ms = (time.perf_counter() - t) * 1000
                lat.append(ms)
                correct += score_question(q, a, ms).correct
            asks[typ] = {"questions": len(qs), "p50_ms": _round(_pct(lat, 50)), "p95_ms": _round(_pct(lat, 95)),
                         "answer_accuracy": round(correct / len(qs), 3) if qs else None}
    finally:
        asst.index.close()
    return asks


def asks_on_partial(n: int, work: Path, formats: tuple[str, ...], embedding_model: str | None, questions: int,
                    backend: str) -> dict[str, Any]:
    """Warm asks on the index of a run stopped before its end (what it committed is a whole index: every
    report is committed or absent), over the gold questions of the reports it holds; the figures go into the
    run's ``partial-*.json`` under ``ask``."""
    from eval.metrics import load_gold
    from ingest.settings import Settings

    tag = f"{n}-{'-'.join(formats)}"
    index_dir = work / f"index-{tag}-{embedding_model or 'default'}-{backend}"
    partial_file = work / ("partial-" + _result_name(n, formats, embedding_model, backend)[len("bench-"):])
    if not index_dir.exists() or not partial_file.exists():
        raise SystemExit(f"no stopped run to ask: {index_dir} or {partial_file} is missing")
    kw = {"index_dir": index_dir, **BACKENDS[backend], **({"embedding_model": embedding_model} if embedding_model else {})}
    t0 = time.perf_counter()
    asks = time_asks(Settings(**kw), load_gold(corpus_dir(work, n, formats) / "gold.jsonl"), questions, held_only=True)
    asks.update(seconds=round(time.perf_counter() - t0, 1), rss_peak_mb=round(_rss_peak_mb(), 0),
                index_mb=round(_dir_size_mb(index_dir), 1), load_avg=round(os.getloadavg()[0], 1),
                time=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    data = json.loads(partial_file.read_text(encoding="utf-8"))
    data["ask"] = asks
    partial_file.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log.info("asks on %d held reports: %s", asks.get("reports_held", 0), asks)
    return asks


def _time_encoder(embedder, texts: list[str]) -> tuple[float, float]:
    """(chunks per wall second, chunks per CPU second) of ``embed_passages`` over ``texts``."""
    t0, c0 = time.perf_counter(), _cpu_s()
    embedder.embed_passages(texts)
    return round(len(texts) / (time.perf_counter() - t0), 1), round(len(texts) / max(_cpu_s() - c0, 1e-9), 1)


def _by_ext(outcomes) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for o in outcomes:
        if o.status == "ingested":
            out.setdefault(Path(o.path).suffix.lstrip("."), []).append(o.seconds)
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--formats", default="txt,docx,html,pdf", help="comma-separated, rotating")
    ap.add_argument("--backends", default="torch,onnx", help="comma-separated, run in this order: " + ",".join(BACKENDS))
    ap.add_argument("--embedding-model", default=None, help="override the embedding model (e.g. fake)")
    ap.add_argument("--questions", type=int, default=40, help="timed questions per kind")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK)
    ap.add_argument("--regenerate", action="store_true", help="regenerate the corpus even if present")
    ap.add_argument("--skip-existing", action="store_true", help="keep bench-*.json already in --work (resume)")
    ap.add_argument("--keep-index", action="store_true", help="keep each run's index (default: deleted after its run)")
    ap.add_argument("--log-every", type=int, default=500, help="log ingest progress every N files")
    ap.add_argument("--asks-only", action="store_true",
                    help="time warm asks on the index a stopped run left (one size, one backend), over the gold "
                         "questions of the reports it holds; added to that run's partial-*.json")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # internal: run one size/backend here
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)  # internal
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="Markdown file to write")
    ap.add_argument("--notes", type=Path, default=None, help="Markdown appended to the output (how to read the figures)")
    ap.add_argument("--render-only", action="store_true", help="only render the bench-*.json already in --work")
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("jieba", "chromadb", "httpx", "sentence_transformers", "transformers", "eval.synth.generate"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    a.work.mkdir(parents=True, exist_ok=True)
    formats = tuple(f.strip() for f in a.formats.split(",") if f.strip())
    backends = [b.strip() for b in a.backends.split(",") if b.strip()]
    if set(backends) - set(BACKENDS):
        raise SystemExit(f"unknown backends {sorted(set(backends) - set(BACKENDS))}; choose from {', '.join(BACKENDS)}")
    if a.embedding_model == "fake":
        backends = backends[:1]  # the fake embedder has no backend
    if a.generate_only:
        (n,) = a.sizes
        generate_corpus(n, a.work, formats, a.regenerate)
        return
    if a.asks_only:
        (n,), (backend,) = a.sizes, backends
        asks_on_partial(n, a.work, formats, a.embedding_model, a.questions, backend)
        return
    if a.one:
        (n,), (backend,) = a.sizes, backends
        res = run_one(n, a.work, formats, a.embedding_model, a.questions, backend, a.log_every)
        (a.work / _result_name(n, formats, a.embedding_model, backend)).write_text(
            json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if not a.keep_index:
            import shutil

            shutil.rmtree(a.work / f"index-{n}-{'-'.join(formats)}-{a.embedding_model or 'default'}-{backend}",
                          ignore_errors=True)
        sys.stdout.write(json.dumps(res, ensure_ascii=False) + "\n")
        return
    if not a.render_only:
        for n in a.sizes:
            base = [sys.executable, "-m", "eval.bench_scale", "--sizes", str(n), "--formats", a.formats, "--work", str(a.work)]
            subprocess.run([*base, "--generate-only", *(["--regenerate"] if a.regenerate else [])], check=True, cwd=ROOT)
            for backend in backends:
                if a.skip_existing and (a.work / _result_name(n, formats, a.embedding_model, backend)).exists():
                    log.info("keeping %s", _result_name(n, formats, a.embedding_model, backend))
                    continue
                cmd = [*base, "--one", "--backends", backend, "--questions", str(a.questions),
                       "--log-every", str(a.log_every)]
                if a.embedding_model:
                    cmd += ["--embedding-model", a.embedding_model]
                if a.keep_index:
                    cmd.append("--keep-index")
                log.info("running %s", " ".join(cmd))
                subprocess.run(cmd, check=True, cwd=ROOT)
    results = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(a.work.glob("bench-*.json"))]
    if not results:
        raise SystemExit(f"no bench-*.json in {a.work}")
    done = {p.name for p in a.work.glob("bench-*.json")}
    partials = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(a.work.glob("partial-*.json"))
                if "bench-" + p.name[len("partial-"):] not in done]
    text = render(results, partials)
    if a.notes is not None:
        text += "\n" + a.notes.read_text(encoding="utf-8")
    a.out.write_text(text, encoding="utf-8")
    log.info("wrote %s from %d runs", a.out, len(results))


def _result_name(n: int, formats: tuple[str, ...], model: str | None, backend: str) -> str:
    return f"bench-{n}-{'-'.join(formats)}-{(model or 'default').replace('/', '_')}-{backend}.json"


if __name__ == "__main__":
    main()
