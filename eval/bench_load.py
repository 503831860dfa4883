"""Load test of the web app's /ask endpoint: N concurrent gradio_client clients x M questions.

    python -m eval.bench_load                       # builds an index of the shared corpus, starts the server
    python -m eval.bench_load --embedding fake      # same, with the fast test embedder
    python -m eval.bench_load --url http://127.0.0.1:7860/ [--auth user:pass]

Without ``--url`` the script ingests ``--corpus`` (default: ../shared/corpus) into
``--index`` (default: a temporary folder), starts ``reportqa serve`` on a free port,
runs the load, and stops the server. Questions are the gold-set questions
(eval/gold/seeds.jsonl, pdfs.jsonl), each client in its own random order. Each
client connects and makes one untimed call first (opening gradio_client's event
stream costs seconds under load; its maximum is reported apart); then all
clients start together (a barrier) and every timed call is counted.

With ``--upload`` (the default when the script starts its own server: a report of the
corpus, grown to 1 MiB and left out of the index) one client uploads it through the
``/ingest`` endpoint ``--upload-after`` seconds into the run; latencies are then also
given for the requests that ran while the upload was being ingested, beside those that
did not, for all questions and for table questions (gold type ``table``); and the same
load is first run without the upload, so both are measured side by side in one run.

Prints requests, errors, wall time, throughput and latency p50/p95/max (end to end,
as the client sees it, queueing included) and the assistant's own latency_ms p50/p95.
Exit code 1 when any request failed (the upload included).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float | None:
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = int(pos), min(int(pos) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def gold_questions(paths: list[Path]) -> list[str]:
    return [q for q, _ in gold_items(paths)]


def gold_items(paths: list[Path]) -> list[tuple[str, str]]:
    """(question, gold type) of each distinct question."""
    seen: dict[str, str] = {}
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                d = json.loads(line)
                q = d.get("question")
                if q and q not in seen:
                    seen[q] = str(d.get("type") or "")
    return list(seen.items())


UPLOAD_SEED = "004_"  # the report uploaded mid-run when the script builds its own index (left out of it)


def grow_report(src: Path, out: Path, size: int = 1024 * 1024) -> Path:
    """``src``'s text followed by numbered, report-like work items, up to ``size`` bytes (UTF-8)."""
    text = src.read_text(encoding="utf-8").rstrip() + "\n"
    lines, n, i = [], len(text.encode()), 0
    while n < size:
        i += 1
        line = (f"{i}. 第{i}项工作：本单位召开第{i}次政务公开专题会议，研究部署公开目录第{i % 97}类事项的更新与维护，"
                f"形成会议纪要{i % 13 + 1}份。")
        lines.append(line)
        n += len(line.encode()) + 1
    out.write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return out


def corpus_files(corpus: list[Path], leave_out: str | None) -> tuple[list[Path], Path | None]:
    """The files to index (folders expanded) without the seed named ``leave_out``; and that seed."""
    files: list[Path] = []
    left: Path | None = None
    for c in corpus:
        for f in sorted(c.rglob("*")) if c.is_dir() else [c]:
            if not f.is_file() or f.suffix.lower() not in (".pdf", ".docx", ".html", ".htm", ".txt"):
                continue
            if leave_out and f.name.startswith(leave_out) and f.parent.name == "seeds":
                left = f
            else:
                files.append(f)
    return files, left


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index: Path, corpus: list[Path], embedding: str | None, log_path: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    if embedding:
        env["REPORTQA_EMBEDDING_MODEL"] = embedding
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ui.cli", "ingest", *map(str, corpus), "--index", str(index), "--json"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"index ready in {time.perf_counter() - t0:.1f}s: {index}", file=sys.stderr)
    port = _free_port()
    log = log_path.open("w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--index", str(index), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - local server
                print(f"server up at {url} after {time.perf_counter() - t0:.1f}s", file=sys.stderr)
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"server did not start within 180s; see {log_path}")


class RawClient:
    """The /ask endpoint over plain HTTP (POST /gradio_api/call/ask, then read the event stream)."""

    def __init__(self, url: str, auth: tuple[str, str] | None = None):
        import httpx

        self.base = url.rstrip("/")
        self.http = httpx.Client(timeout=120)
        if auth:
            r = self.http.post(f"{self.base}/login", data={"username": auth[0], "password": auth[1]})
            r.raise_for_status()

    def predict(self, *data, api_name: str = "/ask"):
        r = self.http.post(f"{self.base}/gradio_api/call{api_name}", json={"data": list(data)})
        r.raise_for_status()
        event_id = r.json()["event_id"]
        event = None
        with self.http.stream("GET", f"{self.base}/gradio_api/call{api_name}/{event_id}") as s:
            for line in s.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    payload = json.loads(line[5:].strip() or "null")
                    if event == "error":
                        raise RuntimeError(f"server error: {payload}")
                    return payload[0] if isinstance(payload, list) and payload else payload
        raise RuntimeError("stream ended without a result")

    def close(self) -> None:
        self.http.close()


def run_load(url: str, questions: list[str] | list[tuple[str, str]], clients: int, per_client: int,
             auth: tuple[str, str] | None, seed: int = 0, raw: bool = False, upload: Path | None = None,
             upload_after: float = 3.0) -> dict:
    from gradio_client import Client

    items = [(q, "") if isinstance(q, str) else q for q in questions]
    done: list[tuple[float, float, float, str]] = []  # (start, end, ms, gold type), perf_counter seconds
    slowest: list[tuple[float, int, int, str, float | None]] = []  # (ms, client, n-th request, question, server ms)
    server_ms: list[float] = []
    first_ms: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1 + (1 if upload else 0))
    up: dict = {}

    def worker(k: int) -> None:
        rng = random.Random(seed + k)
        order = [items[rng.randrange(len(items))] for _ in range(per_client)]
        try:
            client = RawClient(url, auth) if raw else Client(url, auth=auth, verbose=False)
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.extend([f"client {k}: connect: {type(e).__name__}: {e}"] * per_client)
            barrier.wait()
            return
        t0 = time.perf_counter()
        try:  # untimed first call: opens the client's event stream (session start), reported apart
            client.predict(items[0][0], None, None, api_name="/ask")
        except Exception as e:  # noqa: BLE001 - the timed pass will show it
            with lock:
                errors.append(f"client {k}: warm-up: {type(e).__name__}: {str(e)[:200]}")
        with lock:
            first_ms.append((time.perf_counter() - t0) * 1000)
        barrier.wait()
        for i, (q, kind) in enumerate(order):
            t0 = time.perf_counter()
            try:
                got = client.predict(q, None, None, api_name="/ask")
                ok = isinstance(got, dict) and isinstance(got.get("answer"), str) and "answerable" in got
                err = None if ok else f"client {k}: malformed answer for {q!r}: {str(got)[:120]}"
            except Exception as e:  # noqa: BLE001
                got, err = None, f"client {k}: {type(e).__name__}: {str(e)[:200]}"
            t1 = time.perf_counter()
            ms = (t1 - t0) * 1000
            with lock:
                done.append((t0, t1, ms, kind))
                slowest.append((ms, k, i, q, got.get("latency_ms") if isinstance(got, dict) else None))
                slowest.sort(reverse=True)
                del slowest[3:]
                if err:
                    errors.append(err)
                elif isinstance(got.get("latency_ms"), (int, float)):
                    server_ms.append(float(got["latency_ms"]))
        client.close() if hasattr(client, "close") else None

    def uploader() -> None:
        from gradio_client import handle_file

        try:
            client = Client(url, auth=auth, verbose=False)
        except Exception as e:  # noqa: BLE001
            up["error"] = f"upload: connect: {type(e).__name__}: {e}"
            barrier.wait()
            return
        barrier.wait()
        time.sleep(upload_after)
        up["start"] = time.perf_counter()
        try:
            up["summary"] = str(client.predict([handle_file(str(upload))], api_name="/ingest"))
            if "新入库 1 个" not in up["summary"]:
                up["error"] = f"upload: not ingested: {up['summary'][:200]}"
        except Exception as e:  # noqa: BLE001
            up["error"] = f"upload: {type(e).__name__}: {str(e)[:200]}"
        up["end"] = time.perf_counter()

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    if upload:
        threads.append(threading.Thread(target=uploader, daemon=True))
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if up.get("error"):
        errors.append(up["error"])
    latencies = [ms for _, _, ms, _ in done]
    n = len(latencies)
    res = {
        "url": url, "clients": clients, "questions_per_client": per_client, "requests": n, "errors": len(errors),
        "error_examples": errors[:5], "wall_s": round(wall, 2), "throughput_rps": round(n / wall, 2) if wall else None,
        "latency_ms": _stats(latencies),
        "table_latency_ms": _stats([ms for _, _, ms, kind in done if kind == "table"]),
        "assistant_latency_ms": {"p50": _r(percentile(server_ms, 50)), "p95": _r(percentile(server_ms, 95))},
        "first_call_ms_max": _r(max(first_ms) if first_ms else None),
        "slowest": [{"ms": _r(ms), "client": k, "request": i, "question": q, "assistant_ms": a}
                    for ms, k, i, q, a in slowest],
    }
    if upload and "start" in up:
        a, b = up["start"], up["end"]
        during = [(ms, kind) for s0, s1, ms, kind in done if s1 > a and s0 < b]  # overlapping the upload
        apart = [(ms, kind) for s0, s1, ms, kind in done if not (s1 > a and s0 < b)]
        res["upload"] = {
            "file": upload.name, "bytes": upload.stat().st_size, "seconds": round(b - a, 2),
            "ingested": "新入库 1 个" in up.get("summary", ""),
            "during": {"all": _stats([m for m, _ in during]), "table": _stats([m for m, k in during if k == "table"])},
            "apart": {"all": _stats([m for m, _ in apart]), "table": _stats([m for m, k in apart if k == "table"])},
        }
    return res


def _stats(ms: list[float]) -> dict:
    return {"n": len(ms), "p50": _r(percentile(ms, 50)), "p95": _r(percentile(ms, 95)),
            "max": _r(max(ms) if ms else None), "mean": _r(statistics.fmean(ms) if ms else None)}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running server; without it one is started over --index")
    ap.add_argument("--auth", help="user:password of the running server")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--questions", type=int, default=25, help="questions per client")
    ap.add_argument("--gold", nargs="*", type=Path,
                    help="gold files to draw questions from (default eval/gold/seeds.jsonl and pdfs.jsonl)")
    ap.add_argument("--raw", action="store_true",
                    help="also run the same load over plain HTTP (/gradio_api/call/ask) to separate client overhead")
    ap.add_argument("--index", type=Path, help="index folder to build/reuse (default: a temporary folder)")
    ap.add_argument("--corpus", nargs="*", type=Path, help="files/folders to ingest (default ../shared/corpus)")
    ap.add_argument("--embedding", help="embedding model for the started server (e.g. 'fake'); default: settings")
    ap.add_argument("--upload", type=Path, help="a report file uploaded through /ingest mid-run (default when the "
                    "script builds its own index: a seed report grown to 1 MiB, left out of the index)")
    ap.add_argument("--no-upload", action="store_true", help="no upload during the run")
    ap.add_argument("--upload-after", type=float, default=3.0, help="seconds into the run the upload starts")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = ap.parse_args(argv)

    gold_dir = ROOT / "eval" / "gold"
    corpus_gold = [p for p in (gold_dir / "seeds.jsonl", gold_dir / "pdfs.jsonl") if p.exists()]
    gold = args.gold or corpus_gold or sorted(gold_dir.glob("*.jsonl"))
    questions = gold_items(gold)
    if not questions:
        raise SystemExit("no questions found in the gold files")
    auth = None
    if args.auth:
        user, _, pw = args.auth.partition(":")
        auth = (user, pw)

    proc = None
    tmp = None
    upload: Path | None = None
    try:
        url = args.url
        if not url:
            corpus = args.corpus or [Path(os.environ.get("REPORTQA_SHARED", ROOT.parent / "shared")) / "corpus"]
            missing = [str(c) for c in corpus if not c.exists()]
            if missing:
                raise SystemExit(f"corpus not found: {', '.join(missing)} (pass --corpus or --url)")
            if args.index is None:
                tmp = tempfile.TemporaryDirectory(prefix="reportqa-load-")
            index = args.index or Path(tmp.name) / "index"
            leave_out = None if (args.upload or args.no_upload) else UPLOAD_SEED
            files, left = corpus_files(corpus, leave_out)
            if left is not None:
                upload = grow_report(left, index.parent / "年报（1MB 上传）.txt")
            proc, url = start_server(index, files, args.embedding, index.parent / "bench_load_server.log")
        upload = None if args.no_upload else (args.upload or upload)
        baseline = None
        if upload is not None:  # the same load without the upload first: side by side in one run
            baseline = run_load(url, questions, args.clients, args.questions, auth, args.seed)
        res = run_load(url, questions, args.clients, args.questions, auth, args.seed, upload=upload,
                       upload_after=args.upload_after)
        if baseline is not None:
            res["baseline_without_upload"] = {k: baseline[k] for k in (
                "requests", "errors", "error_examples", "wall_s", "throughput_rps", "latency_ms", "table_latency_ms",
                "assistant_latency_ms")}
            res["errors"] += baseline["errors"]
        if args.raw:
            res["raw_http"] = run_load(url, questions, args.clients, args.questions, auth, args.seed, raw=True)
        res["embedding"] = args.embedding or ("server's own" if args.url else "settings default")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if tmp is not None:
            tmp.cleanup()

    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        lat, srv = res["latency_ms"], res["assistant_latency_ms"]
        print(f"{res['clients']} clients x {res['questions_per_client']} questions = {res['requests']} requests, "
              f"{res['errors']} errors, {res['wall_s']} s, {res['throughput_rps']} req/s")
        print(f"latency (client, queueing included): p50 {lat['p50']} ms, p95 {lat['p95']} ms, max {lat['max']} ms")
        print(f"assistant latency_ms: p50 {srv['p50']} ms, p95 {srv['p95']} ms")
        if "baseline_without_upload" in res:
            b = res["baseline_without_upload"]
            print(f"same load without the upload, just before: {b['requests']} requests, {b['errors']} errors, "
                  f"{b['throughput_rps']} req/s; all p50 {b['latency_ms']['p50']} / p95 {b['latency_ms']['p95']} ms"
                  f" · table p50 {b['table_latency_ms']['p50']} / p95 {b['table_latency_ms']['p95']} ms"
                  f" · assistant p95 {b['assistant_latency_ms']['p95']} ms")
        tl = res["table_latency_ms"]
        print(f"table questions: {tl['n']} requests, p50 {tl['p50']} ms, p95 {tl['p95']} ms, max {tl['max']} ms")
        if "upload" in res:
            u = res["upload"]
            print(f"upload {u['file']} ({u['bytes'] / 2**20:.2f} MiB): {u['seconds']} s, "
                  f"{'ingested' if u['ingested'] else 'NOT ingested'}")
            for name in ("during", "apart"):
                a, t = u[name]["all"], u[name]["table"]
                print(f"  {name + ' the upload:':18} all {a['n']} req p50 {a['p50']} / p95 {a['p95']} / max {a['max']} ms"
                      f" · table {t['n']} req p50 {t['p50']} / p95 {t['p95']} / max {t['max']} ms")
        print(f"first call per client (untimed warm-up, clients connecting one after another): "
              f"max {res['first_call_ms_max']} ms")
        if "raw_http" in res:
            raw = res["raw_http"]
            print(f"plain HTTP, same load: {raw['errors']} errors, {raw['throughput_rps']} req/s, "
                  f"p50 {raw['latency_ms']['p50']} ms, p95 {raw['latency_ms']['p95']} ms")
        for x in res["slowest"]:
            print(f"  slowest: {x['ms']} ms (client {x['client']}, request {x['request']}, "
                  f"assistant {x['assistant_ms']} ms): {x['question']}")
        for e in res["error_examples"]:
            print("  error:", e)
    return 1 if res["errors"] or res.get("raw_http", {}).get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
