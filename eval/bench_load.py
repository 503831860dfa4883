"""Load test of the web app: N staff members, each its own process, x M questions, with one upload mid-run.

    python -m eval.bench_load                       # builds an index of the shared corpus, starts the server
    python -m eval.bench_load --embedding fake      # same, with the fast test embedder
    python -m eval.bench_load --url http://127.0.0.1:7860/ [--auth user:pass]
    python -m eval.bench_load --embedding fake --compare-gradio-client   # also the pre-2026-12-02 client

Without ``--url`` the script ingests ``--corpus`` (default: ../shared/corpus) into
``--index`` (default: a temporary folder), starts ``reportqa serve`` on a free port,
runs the load, and stops the server. Questions are the gold-set questions
(eval/gold/seeds.jsonl, pdfs.jsonl), each client in its own random order.

Each client models one independent staff member: its own process (``multiprocessing``,
spawn) with its own session and keep-alive connection, speaking the browser's queue
protocol (eval/load_client.py), asking one question after another without pause. Paths
(``--paths``, default ``chat,api``): ``chat`` is the 问答 box's submit event, the
streaming handler staff use, with the event's inputs sent as the page sends them, and the
server events the page runs with it: at once beside it (the box reset) and after the
answer (the copy/export views; a question's latency ends with its answer, the CPU counts
all of them); ``api`` is the named endpoint ``/ask`` through the same queue. Each client makes
one untimed call first (connecting; its maximum is reported apart); then all start
together (a barrier) and every timed call is counted.

Until 2026-12-02 the eight clients were ``gradio_client`` threads of this one process:
gradio_client spends about 60 ms of CPU per call (a new HTTP client and TLS context for
every request) and one process runs one thread at a time, so the benchmark's own
process, not the server, set the latency (table p95 about 520 ms on an idle machine
while the assistant's own p95 was 96 ms). ``--compare-gradio-client`` runs that client
too, side by side. The client processes share the machine's cores with the server, as
they did then: the CPU they and the server use per request is printed with the figures
(server CPU from /proc when the script started the server), so no server time is hidden.

With an upload (the default when the script starts its own server: reports of the
corpus, grown to 1 MiB and left out of the index, one per run) one client uploads it
through the ``/ingest`` endpoint ``--upload-after`` seconds into each run; latencies are
then also given for the requests that ran while the upload was being ingested, beside
those that did not, for all questions and for table questions (gold type ``table``); the
same load without the upload runs first, and one client alone before it (the floor).
A client that has asked its ``--questions`` while the upload is still being ingested keeps
asking (its order again, from the start) until the upload ends, at most ``--keep-asking``
seconds: with the real encoder a 1 MiB upload takes minutes, longer than the set questions,
and the figures "during the upload" need questions that ran during it. ``requests`` counts
them all; ``requests_past_the_set`` says how many were asked past the set.

Prints per run: requests, errors, throughput, latency p50/p95 (end to end, as the client
sees it, queueing included), the assistant's own latency_ms p95, CPU per request.
Exit code 1 when any request failed (the uploads included).
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
from typing import Any

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


UPLOAD_SEEDS = ("004_", "003_", "002_")  # uploaded mid-run, one per run, when the script builds its own index (left out of it)


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


def corpus_files(corpus: list[Path], leave_out: tuple[str, ...] = ()) -> tuple[list[Path], list[Path]]:
    """The files to index (folders expanded) without the seeds whose names start with ``leave_out``; and those
    seeds, in the order of ``leave_out``."""
    files: list[Path] = []
    left: dict[str, Path] = {}
    for c in corpus:
        for f in sorted(c.rglob("*")) if c.is_dir() else [c]:
            if not f.is_file() or f.suffix.lower() not in (".pdf", ".docx", ".html", ".htm", ".txt"):
                continue
            hit = next((p for p in leave_out if f.name.startswith(p) and f.parent.name == "seeds"), None)
            if hit:
                left[hit] = f
            else:
                files.append(f)
    return files, [left[p] for p in leave_out if p in left]


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


PATHS = {
    "chat": "the 问答 chat (the box's submit event, streamed), as staff use it",
    "api": "the named endpoint /ask through Gradio's queue, as scripts use it",
    "gradio_client": "/ask with gradio_client, all clients as threads of one process (the benchmark's client "
                     "before 2026-12-02)",
}


def _timed(call, q: str, kind: str, k: int, i: int, recs: list, errors: list, answered=None) -> None:
    """One question asked and timed: its record (start, end, ms, kind, client, index, question, assistant ms) and,
    for an exception or a malformed answer, an error line. ``answered()``: when the answer was complete, if the
    call went on after it (the events the page runs once an answer is shown)."""
    t0 = time.monotonic()
    got, err = None, None
    try:
        got = call(q)
        if not (isinstance(got, dict) and isinstance(got.get("answer"), str) and "answerable" in got):
            err = f"client {k}: malformed answer for {q!r}: {str(got)[:120]}"
    except Exception as e:  # noqa: BLE001
        err = f"client {k}: {type(e).__name__}: {str(e)[:200]}"
    t1 = (answered() if answered and not err else None) or time.monotonic()
    lat = got.get("latency_ms") if isinstance(got, dict) and not err else None
    recs.append((t0, t1, (t1 - t0) * 1000, kind, k, i, q, lat))
    if err:
        errors.append(err)


def questions_to_ask(order: list[tuple[str, str]], until: Any = None, limit_s: float = 900.0,
                     clock=time.monotonic):
    """(n-th, question, gold type): ``order``, then ``order`` again from its start for as long as ``until`` (an
    Event, set when the upload ends) is not set, at most ``limit_s`` seconds from the first question."""
    start = clock()
    for i, (q, kind) in enumerate(order):
        yield i, q, kind
    i = len(order)
    while order and until is not None and not until.is_set() and clock() - start < limit_s:
        q, kind = order[i % len(order)]
        yield i, q, kind
        i += 1


def _staff(k: int, url: str, auth: tuple[str, str] | None, path: str, order: list[tuple[str, str]], barrier: Any,
           out: Any, until: Any = None, limit_s: float = 900.0) -> None:
    """One staff member in its own process: connect, one untimed question, wait for all, ask ``order``."""
    from eval.load_client import StaffClient

    recs: list[tuple] = []
    errors: list[str] = []
    first_ms = None
    client = None
    try:
        client = StaffClient(url, auth)
        t0 = time.monotonic()
        try:  # untimed first call (connection, session start), reported apart
            (client.chat if path == "chat" else client.api)(order[0][0] if order else "你好")
        except Exception as e:  # noqa: BLE001 - the timed pass will show it
            errors.append(f"client {k}: warm-up: {type(e).__name__}: {str(e)[:200]}")
        first_ms = (time.monotonic() - t0) * 1000
    except Exception as e:  # noqa: BLE001
        errors.extend([f"client {k}: connect: {type(e).__name__}: {e}"] * len(order))
        order = []
    barrier.wait()
    cpu0 = _own_cpu()
    wire0 = (client.bytes_sent, client.bytes_received) if client else (0, 0)
    ask = (client.chat if path == "chat" else client.api) if client else None
    for i, q, kind in questions_to_ask(order, until, limit_s):
        if client is not None:
            client.answered_at = None
        _timed(ask, q, kind, k, i, recs, errors, answered=(lambda: client.answered_at) if client else None)
    cpu = _own_cpu() - cpu0  # this staff member's CPU over its timed questions (start-up excluded)
    wire = (client.bytes_sent - wire0[0], client.bytes_received - wire0[1]) if client else (0, 0)
    if client is not None:
        client.close()
    out.put((recs, errors, first_ms, cpu, wire))


def _gc_thread(k: int, url: str, auth: tuple[str, str] | None, order: list[tuple[str, str]], barrier: Any,
               out: Any, until: Any = None, limit_s: float = 900.0) -> None:
    """The benchmark's client before 2026-12-02: gradio_client in a thread of the benchmark's process."""
    from gradio_client import Client

    recs, errors, first_ms = [], [], None
    try:
        client = Client(url, auth=auth, verbose=False)
        t0 = time.monotonic()
        client.predict(order[0][0], None, None, api_name="/ask")
        first_ms = (time.monotonic() - t0) * 1000
    except Exception as e:  # noqa: BLE001
        errors.extend([f"client {k}: connect: {type(e).__name__}: {e}"] * len(order))
        client, order = None, []
    barrier.wait()
    for i, q, kind in questions_to_ask(order, until, limit_s):
        _timed(lambda x: client.predict(x, None, None, api_name="/ask"), q, kind, k, i, recs, errors)
    out.put((recs, errors, first_ms, None, None))


def _cpu_ticks(pid: int | None) -> float | None:
    """utime + stime of process ``pid`` in seconds (Linux /proc), None when unknown."""
    if not pid:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _own_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_load(url: str, questions: list[str] | list[tuple[str, str]], clients: int, per_client: int,
             auth: tuple[str, str] | None, seed: int = 0, path: str = "chat", upload: Path | None = None,
             upload_after: float = 3.0, server_pid: int | None = None, keep_asking_s: float = 900.0) -> dict:
    """``clients`` staff members, each its own process (``path`` chat or api) or, for ``path="gradio_client"``,
    threads of this process; each asks ``per_client`` questions in its own random order, all starting together."""
    import multiprocessing as mp
    import queue as queue_mod

    items = [(q, "") if isinstance(q, str) else q for q in questions]
    orders = []
    for k in range(clients):
        rng = random.Random(seed + k)
        orders.append([items[rng.randrange(len(items))] for _ in range(per_client)])
    procs = path != "gradio_client"
    ctx = mp.get_context("spawn")
    parties = clients + 1 + (1 if upload else 0)
    barrier = ctx.Barrier(parties) if procs else threading.Barrier(parties)
    out = ctx.Queue() if procs else queue_mod.Queue()
    until = (ctx.Event() if procs else threading.Event()) if upload else None  # set when the upload has ended
    if procs:
        workers = [ctx.Process(target=_staff, args=(k, url, auth, path, orders[k], barrier, out, until, keep_asking_s),
                               daemon=True) for k in range(clients)]
    else:
        workers = [threading.Thread(target=_gc_thread, args=(k, url, auth, orders[k], barrier, out, until,
                                                             keep_asking_s), daemon=True) for k in range(clients)]
    up: dict = {}

    def uploader() -> None:
        from gradio_client import Client, handle_file

        try:
            client = Client(url, auth=auth, verbose=False)
        except Exception as e:  # noqa: BLE001
            up["error"] = f"upload: connect: {type(e).__name__}: {e}"
            until.set()
            barrier.wait()
            return
        barrier.wait()
        time.sleep(upload_after)
        up["start"] = time.monotonic()
        try:
            up["summary"] = str(client.predict([handle_file(str(upload))], api_name="/ingest"))
            if "新入库 1 个" not in up["summary"]:
                up["error"] = f"upload: not ingested: {up['summary'][:200]}"
        except Exception as e:  # noqa: BLE001
            up["error"] = f"upload: {type(e).__name__}: {str(e)[:200]}"
        up["end"] = time.monotonic()
        until.set()

    up_thread = threading.Thread(target=uploader, daemon=True) if upload else None
    for w in workers:
        w.start()
    if up_thread:
        up_thread.start()
    barrier.wait()
    t0 = time.monotonic()
    cpu0 = (_own_cpu(), _cpu_ticks(server_pid))
    done, errors, first_ms, client_cpu, wire = [], [], [], 0.0, [0, 0] if procs else None
    for _ in workers:
        recs, errs, first, cpu, got_wire = out.get()
        wire = [a + b for a, b in zip(wire, got_wire)] if got_wire and wire else None
        done.extend(recs)
        errors.extend(errs)
        client_cpu += cpu or 0.0
        if first is not None:
            first_ms.append(first)
    for w in workers:
        w.join()
    if up_thread:
        up_thread.join()
    wall = time.monotonic() - t0
    cpu1 = (_own_cpu(), _cpu_ticks(server_pid))
    if procs:  # the staff processes' own CPU over their timed questions
        cpu0, cpu1 = (0.0, cpu0[1]), (client_cpu, cpu1[1])
    # else: this process's CPU (its gradio_client threads, the uploader's thread)
    if up.get("error"):
        errors.append(up["error"])
    res = _summary(url, path, clients, per_client, done, errors, first_ms, wall, cpu0, cpu1, upload, up)
    if wire and done:  # bytes on the wire per question: request bodies, and the messages that answered them
        res["wire_kb_per_request"] = {"sent": _r(wire[0] / 1024 / len(done)), "received": _r(wire[1] / 1024 / len(done))}
    return res


def _summary(url, path, clients, per_client, done, errors, first_ms, wall, cpu0, cpu1, upload, up) -> dict:
    n = len(done)
    server_ms = [r[7] for r in done if isinstance(r[7], (int, float))]
    slowest = sorted(done, key=lambda r: -r[2])[:3]
    res = {
        "url": url, "path": path, "path_description": PATHS[path], "clients": clients,
        "questions_per_client": per_client, "requests": n,
        "requests_past_the_set": max(0, n - clients * per_client), "errors": len(errors), "error_examples": errors[:5],
        "wall_s": round(wall, 2), "throughput_rps": round(n / wall, 2) if wall else None,
        "latency_ms": _stats([r[2] for r in done]),
        "table_latency_ms": _stats([r[2] for r in done if r[3] == "table"]),
        "assistant_latency_ms": {"p50": _r(percentile(server_ms, 50)), "p95": _r(percentile(server_ms, 95))},
        "client_cpu_ms_per_request": _r((cpu1[0] - cpu0[0]) * 1000 / n) if n else None,
        "server_cpu_ms_per_request": _r((cpu1[1] - cpu0[1]) * 1000 / n) if n and cpu0[1] is not None
        and cpu1[1] is not None else None,
        "first_call_ms_max": _r(max(first_ms) if first_ms else None),
        "slowest": [{"ms": _r(r[2]), "client": r[4], "request": r[5], "question": r[6], "assistant_ms": r[7]}
                    for r in slowest],
    }
    if upload and "start" in up:
        a, b = up["start"], up["end"]
        during = [(r[2], r[3]) for r in done if r[1] > a and r[0] < b]  # overlapping the upload
        apart = [(r[2], r[3]) for r in done if not (r[1] > a and r[0] < b)]
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
    ap.add_argument("--clients", type=int, default=8, help="staff members, each its own process")
    ap.add_argument("--questions", type=int, default=25, help="questions per client")
    ap.add_argument("--paths", default="chat,api",
                    help="comma-separated, run in this order, each with its own upload: " + "; ".join(
                        f"{k} = {v}" for k, v in PATHS.items()))
    ap.add_argument("--compare-gradio-client", action="store_true",
                    help="also run the load the way this benchmark did before 2026-12-02 (path gradio_client)")
    ap.add_argument("--no-solo", action="store_true", help="skip the one-client run (the floor without queueing)")
    ap.add_argument("--gold", nargs="*", type=Path,
                    help="gold files to draw questions from (default eval/gold/seeds.jsonl and pdfs.jsonl)")
    ap.add_argument("--index", type=Path, help="index folder to build/reuse (default: a temporary folder)")
    ap.add_argument("--corpus", nargs="*", type=Path, help="files/folders to ingest (default ../shared/corpus)")
    ap.add_argument("--embedding", help="embedding model for the started server (e.g. 'fake'); default: settings")
    ap.add_argument("--upload", type=Path, nargs="+", help="report files uploaded through /ingest, one per run in "
                    "the order of --paths (default when the script builds its own index: seed reports grown to 1 MiB, "
                    "one per run, left out of the index)")
    ap.add_argument("--server-pid", type=int, help="with --url: the server's process id, for its CPU per request")
    ap.add_argument("--no-upload", action="store_true", help="no upload during the runs")
    ap.add_argument("--upload-after", type=float, default=3.0, help="seconds into a run its upload starts")
    ap.add_argument("--keep-asking", type=float, default=900.0,
                    help="at most this many seconds of questions per client, asked past --questions while the "
                         "upload is still being ingested")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = ap.parse_args(argv)

    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    if args.compare_gradio_client and "gradio_client" not in paths:
        paths.append("gradio_client")
    bad = [p for p in paths if p not in PATHS]
    if bad or not paths:
        raise SystemExit(f"unknown --paths {', '.join(bad)}; choose from {', '.join(PATHS)}")
    gold_dir = ROOT / "eval" / "gold"
    corpus_gold = [p for p in (gold_dir / "seeds.jsonl", gold_dir / "pdfs.jsonl") if p.exists()]
    questions = gold_items(args.gold or corpus_gold or sorted(gold_dir.glob("*.jsonl")))
    if not questions:
        raise SystemExit("no questions found in the gold files")
    auth = None
    if args.auth:
        user, _, pw = args.auth.partition(":")
        auth = (user, pw)

    proc = None
    tmp = None
    uploads: list[Path] = []
    res: dict = {}
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
            index.parent.mkdir(parents=True, exist_ok=True)
            leave_out = () if (args.upload or args.no_upload) else UPLOAD_SEEDS[:len(paths)]
            files, left = corpus_files(corpus, leave_out)
            uploads = [grow_report(f, index.parent / f"年报（1MB 上传 {i + 1}）.txt") for i, f in enumerate(left)]
            proc, url = start_server(index, files, args.embedding, index.parent / "bench_load_server.log")
        if args.no_upload:
            uploads = []
        elif args.upload:
            uploads = list(args.upload)
        pid = proc.pid if proc is not None else args.server_pid
        res = _run_all(url, questions, args, paths, uploads, auth, pid)
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
        _print_text(res)
    return 1 if res.get("errors") else 0


def _run_all(url: str, questions: list, args: argparse.Namespace, paths: list[str], uploads: list[Path],
             auth: tuple[str, str] | None, pid: int | None) -> dict:
    def one(path: str, clients: int, upload: Path | None = None) -> dict:
        return run_load(url, questions, clients, args.questions, auth, args.seed, path=path, upload=upload,
                        upload_after=args.upload_after, server_pid=pid, keep_asking_s=args.keep_asking)

    res: dict = {"clients": args.clients, "questions_per_client": args.questions, "server_pid_known": bool(pid)}
    if not args.no_solo:
        res["solo"] = one(paths[0], 1)
    if uploads:  # the same load without the upload first: side by side in one run
        res["baseline_without_upload"] = one(paths[0], args.clients)
    res["runs"] = [one(p, args.clients, uploads[i] if i < len(uploads) else None) for i, p in enumerate(paths)]
    everything = [res.get("solo"), res.get("baseline_without_upload"), *res["runs"]]
    res["errors"] = sum(r["errors"] for r in everything if r)
    return res


def _line(name: str, r: dict) -> str:
    a, t = r["latency_ms"], r["table_latency_ms"]
    cpu = ""
    if r.get("server_cpu_ms_per_request") is not None:
        cpu = f" · CPU/request: server {r['server_cpu_ms_per_request']} ms, clients {r['client_cpu_ms_per_request']} ms"
    if r.get("wire_kb_per_request"):
        w = r["wire_kb_per_request"]
        cpu += f" · KB/request: sent {w['sent']}, received {w['received']}"
    return (f"{name:34} {r['requests']:4d} req {r['errors']} err {r['throughput_rps']:6.1f} req/s · all p50 {a['p50']}"
            f" / p95 {a['p95']} ms · table p50 {t['p50']} / p95 {t['p95']} ms · assistant p95 "
            f"{r['assistant_latency_ms']['p95']} ms{cpu}")


def _print_text(res: dict) -> None:
    print(f"{res['clients']} clients x {res['questions_per_client']} questions per run; latency end to end as the "
          f"client sees it (queueing included); embedding: {res['embedding']}")
    if "solo" in res:
        print(_line(f"1 client alone ({res['solo']['path']})", res["solo"]))
    if "baseline_without_upload" in res:
        b = res["baseline_without_upload"]
        print(_line(f"{b['path']}, no upload", b))
    for r in res["runs"]:
        print(_line(f"{r['path']}" + (", upload mid-run" if "upload" in r else ""), r))
        if "upload" in r:
            u = r["upload"]
            print(f"  upload {u['file']} ({u['bytes'] / 2**20:.2f} MiB): {u['seconds']} s, "
                  f"{'ingested' if u['ingested'] else 'NOT ingested'}")
            for name in ("during", "apart"):
                a, t = u[name]["all"], u[name]["table"]
                print(f"  {name + ' the upload:':18} all {a['n']} req p50 {a['p50']} / p95 {a['p95']} / max {a['max']} ms"
                      f" · table {t['n']} req p50 {t['p50']} / p95 {t['p95']} / max {t['max']} ms")
        for x in r["slowest"][:1]:
            print(f"  slowest: {x['ms']} ms (client {x['client']}, request {x['request']}, "
                  f"assistant {x['assistant_ms']} ms): {x['question']}")
        for e in r["error_examples"]:
            print("  error:", e)


if __name__ == "__main__":
    sys.exit(main())
