"""BENCHMARKS.md from the results of :mod:`eval.bench_scale` (``bench-*.json`` and ``partial-*.json``)."""

from __future__ import annotations

from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _fmt(x: float | None, spec: str, suffix: str = "") -> str:
    return "–" if x is None else f"{x:{spec}}{suffix}"


def _label(r: dict) -> str:
    """Model and backend of a run, as shown in the tables."""
    if r["embedding_model"] == "fake":
        return "`fake`"
    return f"`{r['embedding_model']}` {r.get('backend', 'torch')}"


def _encoded(i: dict) -> str:
    """Distinct texts encoded, and the duplicate share that reused a vector ('–' for runs before it was counted)."""
    if i.get("encoded") is None:
        return "–"
    of = f" of {i['vectors']:,} vectors" if i.get("vectors") is not None else ""
    return f"{i['encoded']:,}{of} ({100 * (i.get('duplicate_share') or 0):.1f}%)"


def render_partial(partials: list[dict]) -> str:
    """Runs stopped before their end (``partial-*.json`` without a finished ``bench-*.json``): how far they got."""
    if not partials:
        return ""
    out = ["\n## Runs not finished (figures reached, written every `--log-every` files)\n\n",
           "| reports in corpus | model, backend | started | files done | elapsed s | files/s | CPU-s | files per CPU-s "
           "| RSS MB | peak RSS MB | index MB | load |\n", "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"]
    for r in partials:
        for m in r["partial"]:
            out.append(f"| {r['n']:,} | {_label(r)} | {r['time'][11:16]} UTC | {m['files_done']:,} | {m['seconds']:.0f} | "
                       f"{m['files_done'] / max(m['seconds'], 1e-9):.2f} | {m['cpu_seconds']:.0f} | "
                       f"{m['files_done'] / max(m['cpu_seconds'], 1e-9):.3f} | {m['rss_mb']:.0f} | "
                       f"{m['rss_peak_mb']:.0f} | {m['index_mb']:.0f} | {m['load_avg']:.1f} |\n")
    asked = [r for r in partials if r.get("ask")]
    if asked:
        out += ["\nWarm asks on the index such a run left (`--asks-only`: the reports it committed, the gold questions "
                "of those reports; every report is committed whole or absent):\n\n",
                "| reports in corpus | model, backend | reports held | kind | questions | p50 ms | p95 ms | answer accuracy "
                "| peak RSS MB | load |\n", "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|\n"]
        for r in asked:
            k = r["ask"]
            for typ in ("table", "narrative"):
                if typ in k:
                    q = k[typ]
                    acc = f"{q['answer_accuracy']:.0%}" if q.get("answer_accuracy") is not None else "–"
                    out.append(f"| {r['n']:,} | {_label(r)} | {k.get('reports_held', 0):,} | {typ} | {q['questions']} | "
                               f"{_fmt(q['p50_ms'], '.1f')} | {_fmt(q['p95_ms'], '.1f')} | {acc} | "
                               f"{k['rss_peak_mb']:.0f} | {k['load_avg']:.1f} |\n")
    return "".join(out)


def render(results: list[dict], partials: list[dict] | None = None) -> str:
    order = {"torch": 0, "onnx": 1, "onnx-int8": 2}
    results = sorted(results, key=lambda r: (r["n"], r["embedding_model"] == "fake", order.get(r.get("backend", "torch"), 9)))
    first = results[0]
    m = first["machine"]
    commits = sorted({(r["git"].get("commit") or "?")[:12] + ("+" if r["git"].get("dirty") else "") for r in results})
    out = ["# Benchmarks\n\n",
           f"- date: {max(r['time'] for r in results)[:10]} (runs: {', '.join(sorted(r['time'] for r in results))})\n",
           f"- machine: {m['cores']} cores ({_cpu_model()}), {m['ram_gb']} GB RAM, {m['platform']}, Python {m['python']}\n",
           f"- commit: {', '.join(commits)} (`+` = with uncommitted changes)\n",
           "- corpus: `eval.synth.generate(N, seed=0, formats=…)`, formats rotating; questions from its `gold.jsonl`\n",
           "- produced by `python -m eval.bench_scale` (see its docstring for what is measured and how); by default the "
           "backends of one size run one after the other in one invocation, on the same corpus (the notes say how "
           "this page's runs were scheduled)\n\n",
           "## Ingest\n\n",
           "| reports | formats | model, backend | ingest s | reports/s | chunks | encoded (duplicates) | chunks/s | raw encoder chunks/s | ingest / encoder | ingest CPU-s | reports per CPU-s | encoder chunks per CPU-s | ingest / encoder (CPU) | peak RSS after ingest MB | index MB | mean load |\n",
           "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"]
    for r in results:
        i, e = r["ingest"], r["encoder"]
        load = (r.get("load_avg_before_ingest", [0])[0] + r.get("load_avg_after_ingest", [0])[0]) / 2
        out.append(f"| {r['n']:,} | {'/'.join(r['formats'])} | {_label(r)} | {i['seconds']:.0f} | "
                   f"{i['reports_per_s']:.2f} | {i['chunks']:,} | {_encoded(i)} | {i['chunks_per_s']:.1f} | {e['chunks_per_s']:.1f} | "
                   f"{100 * i['share_of_encoder_speed']:.0f}% | {_fmt(i.get('cpu_seconds'), '.0f')} | "
                   f"{_fmt(i.get('reports_per_cpu_s'), '.3f')} | {_fmt(e.get('chunks_per_cpu_s'), '.1f')} | "
                   f"{_fmt(100 * i['share_of_encoder_cpu'] if 'share_of_encoder_cpu' in i else None, '.0f', '%')} | "
                   f"{r['rss_peak_after_ingest_mb']:.0f} | {r['index_mb']:.1f} | "
                   f"{load:.1f} |\n")
    ratios = []
    for n in sorted({r["n"] for r in results}):
        by = {r.get("backend", "torch"): r for r in results if r["n"] == n and r["embedding_model"] != "fake"}
        if "torch" in by:
            for b in ("onnx", "onnx-int8"):
                if b in by:
                    bi, ti = by[b]["ingest"], by["torch"]["ingest"]
                    cpu = (f"; per CPU-second {bi['reports_per_cpu_s'] / ti['reports_per_cpu_s']:.2f}×"
                           if "reports_per_cpu_s" in bi and "reports_per_cpu_s" in ti else "")
                    ratios.append(f"- {n:,} reports: {b} ingests at "
                                  f"**{(bi['ingested'] / bi['seconds']) / (ti['ingested'] / ti['seconds']):.2f}×** torch's reports/s (wall clock)"
                                  f"{cpu}; raw encoder "
                                  f"{by[b]['encoder']['chunks_per_s'] / by['torch']['encoder']['chunks_per_s']:.2f}×\n")
    if ratios:
        out += ["\n", *ratios]
    out.append("\n## Warm ask latency\n\n"
               "| reports | model, backend | kind | questions | p50 ms | p95 ms | answer accuracy | peak RSS MB |\n"
               "|---:|---|---|---:|---:|---:|---:|---:|\n")
    for r in results:
        for typ, a in r["ask"].items():
            acc = "–" if a["answer_accuracy"] is None else f"{100 * a['answer_accuracy']:.0f}%"
            out.append(f"| {r['n']:,} | {_label(r)} | {typ} | {a['questions']} | {a['p50_ms']} | "
                       f"{a['p95_ms']} | {acc} | {r['rss_peak_mb']:.0f} |\n")
    out.append(render_partial(partials or []))
    out.append("\n## Notes on each run\n\n")
    for r in results:
        gen = f"generated in {r['generate_seconds']} s" if r.get("generate_seconds") is not None else "corpus reused"
        fails = f"; {r['ingest']['failed']} files failed to ingest" if r["ingest"]["failed"] else ""
        e = r["encoder"]
        enc = (f"raw encoder {e.get('chunks_per_s_before', '?')} chunks/s before the ingest and "
               f"{e.get('chunks_per_s_after', '?')} after it (the table shows their mean), on {e['chunks']} of the "
               f"corpus's chunks (mean {e['mean_chars']} chars)")
        loads = "; ".join(f"{k.replace('load_avg_', '').replace('_', ' ')} {r[k][0]:.1f}"
                          for k in ("load_avg_start", "load_avg_before_ingest", "load_avg_after_ingest", "load_avg_end")
                          if k in r)
        out.append(f"- {r['n']:,} reports, {_label(r)} ({', '.join(f'{k} {v}' for k, v in r['formats_count'].items())}; "
                   f"{gen}{fails}): model load {r['model_load_seconds']} s (not in ingest time); {enc}; "
                   f"1-minute load average: {loads}.\n")
    return "".join(out)


# ---------------------------------------------------------------------------- main
