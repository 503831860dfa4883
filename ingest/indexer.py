"""Ingest files into an index folder: parse -> chunk -> embed -> Chroma -> SQLite commit -> BM25.

Crash safety (a report is wholly in all stores or not at all, as seen by
queries and by the next ingest):

- The SQLite catalog is the source of truth: a report exists once its row is
  committed, together with its cells, findings, chunk texts, report JSON and
  the manifest entry of its file, in one transaction.
- A report's Chroma records (metadata ``report_id``) are written *before*
  that commit (files are embedded and written in groups of about 256 chunks,
  then committed one by one). Queries only ever ask Chroma for committed report ids, and each
  ingest starts by deleting Chroma records of uncommitted reports (orphans of
  a crash, or of a replaced report whose cleanup was cut short).
- BM25 is rebuilt from the catalog's committed chunks at the end of a run and
  swapped in atomically with the hash of the report ids it covers; readers
  rebuild it when that hash differs from the catalog's committed set.
- A lock file keeps a second ingest off the same index.

``REPORTQA_TEST_CRASH_AFTER=<stage>:<n>`` (tests only) makes the process kill
itself with SIGKILL the n-th time it passes ``stage`` — one of ``parsed``,
``chroma_add``, ``vectors``, ``commit``, ``cleanup``, ``prune``, ``bm25_tmp``, ``bm25``.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest import limits
from ingest.chunking import DENSE_KINDS, chunk_metadata, chunk_report
from ingest.errors import IndexError_, NotAReportError, ReportError, ReportQAError
from ingest.files import SUPPORTED_SUFFIXES, FileOutcome, IngestResult, discover, sha256_file  # noqa: F401 - re-exported
from ingest.models import Chunk, Report
from ingest.protocols import Embedder
from ingest.settings import Settings
from ingest.stores.bm25 import TOKENIZER_VERSION, BM25Index, tokenize
from ingest.stores.catalog import Catalog
from ingest.stores.common import bm25_in_sync, build_bm25, open_vectors, stamp_mismatch
from ingest.stores.lock import IndexLock
from ingest.stores.vector import ChromaVectorStore, collection_name, record_id

log = logging.getLogger(__name__)

CRASH_ENV = "REPORTQA_TEST_CRASH_AFTER"
EMBED_GROUP = 512  # most chunks per embed call and per vector-store write
REUSE_VECTORS = 4096  # distinct embed texts whose vectors a run keeps for reuse (~6 MB at 384 dims)
LOOKAHEAD = 12  # files parsed ahead of the one being written
SLOW_NOTE_S = 3.0  # a file still being parsed or embedded after this long gets a progress note, and every period after

ProgressFn = Callable[[int, int, str], None]
"""progress(done, total, current_path): before each file, and (total, total, "") at the end."""
NoteFn = Callable[[str], None]
"""note(message): one line (Chinese) about a file that takes long, or a path skipped while discovering."""


# ---------------------------------------------------------------------- helpers

_crash_counts: dict[str, int] = {}


def crash_point(stage: str) -> None:
    """Test hook: SIGKILL ourselves at the n-th pass of ``stage`` (see module doc)."""
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    for part in spec.split(","):
        name, _, n = part.strip().partition(":")
        if name == stage:
            _crash_counts[stage] = _crash_counts.get(stage, 0) + 1
            if _crash_counts[stage] >= int(n or 1):
                log.warning("%s: killing myself at %s #%d", CRASH_ENV, stage, _crash_counts[stage])
                os.kill(os.getpid(), signal.SIGKILL)


def _one_line(s: str, limit: int = 300) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _parse(path: Path, overrides: dict | None = None) -> Report:
    from ingest.parse import parse_file

    return parse_file(path, **(overrides or {}))


@dataclass
class _Prepared:
    report: Report | None = None
    chunks: list[Chunk] = field(default_factory=list)
    tokens: list[list[str]] = field(default_factory=list)
    error: str | None = None
    not_a_report: bool = False


@dataclass
class _Staged:
    """A parsed file waiting for its group to be embedded and written."""

    shown: str
    key: str
    sha: str
    prep: _Prepared
    t0: float


def _prepare(path: Path, sha: str, settings: Settings, overrides: dict | None = None) -> _Prepared:
    """Parse, chunk and tokenize one file (CPU work that overlaps with embedding the previous one)."""
    try:
        report = _parse(path, overrides) if overrides else _parse(path)
    except NotAReportError as e:
        return _Prepared(error=e.reason, not_a_report=True)
    except ReportError as e:
        return _Prepared(error=e.reason)
    except Exception as e:  # a parser bug on one file must not stop the others
        log.debug("parser error on %s", path, exc_info=True)
        return _Prepared(error=f"parser error: {type(e).__name__}: {e}")
    report = report.model_copy(update={"sha256": sha, "source_path": str(path), "source": report.source or path.name})
    chunks = chunk_report(report, settings, report.id)
    try:
        limits.check_chunks(path, len(chunks), limits.Limits.from_settings(settings))
    except ReportError as e:
        return _Prepared(error=e.reason)
    return _Prepared(report=report, chunks=chunks, tokens=[tokenize(c.search_text) for c in chunks])


# ---------------------------------------------------------------------- the run


class _Run:
    def __init__(self, settings: Settings, catalog: Catalog, embedder: Embedder | None,
                 progress: ProgressFn | None, note: NoteFn | None = None, overrides: dict | None = None):
        self.settings = settings
        self.overrides = {k: v for k, v in (overrides or {}).items() if v}  # --agency / --year
        self.catalog = catalog
        self._embedder = embedder
        self.progress = progress or (lambda done, total, path: None)
        self.note = note or (lambda message: log.info("%s", message))
        self.hash = settings.index_hash()
        self.vectors: ChromaVectorStore | None = None
        self.committed: set[str] = set()
        self._in_flight: set[str] = set()  # embedded, handed to the writer, not committed yet
        self._state = threading.Lock()  # committed / _in_flight: read by the main thread, changed by the writer
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()  # embed text -> vector, the last few distinct
        self.encoded = 0  # distinct texts the encoder ran on
        self.reused = 0  # chunks whose text was already encoded in this run (vector reused)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from ingest.embeddings import get_embedder

            self._embedder = get_embedder(self.settings)
        return self._embedder

    # -- setup --------------------------------------------------------------

    def prepare(self, rebuild: bool) -> bool:
        """Stamp check / wipe, open Chroma, drop pending collections, delete orphans. Returns True if wiped."""
        cat = self.catalog
        stored, _ = cat.stamp()
        wiped = False
        if stored is None:
            cat.set_stamp(self.hash, self.settings.index_stamp())
        elif rebuild or (stored != self.hash and cat.is_empty()):
            cat.wipe(self.hash, self.settings.index_stamp())
            wiped = True
        elif stored != self.hash:
            raise IndexError_(stamp_mismatch(cat, self.settings) or "index built with other settings")
        self.vectors = open_vectors(self.settings, cat)
        drops = [n for n in cat.pending_drops() if collection_name(n) != self.vectors.name]
        if drops:
            for n in drops:
                self.vectors.drop_collection(collection_name(n))
            cat.clear_pending_drops(drops)
        self.committed = cat.committed_ids()
        n = self.vectors.delete_except(self.committed)
        if n:
            log.info("deleted %d vector records of uncommitted reports", n)
        return wiped

    # -- the file loop ------------------------------------------------------

    def ingest_files(self, files: list[tuple[str, Path]]) -> list[FileOutcome]:
        """All files, in order. A worker thread parses ahead (it overlaps with embedding); parsed files
        gather into groups of about ``write_batch`` chunks that are embedded together, then written and
        committed one file at a time."""
        total = len(files)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reportqa-parse")
        pending: dict[int, tuple[str, Future]] = {}
        submitted = 0

        def prefetch(upto: int) -> None:
            nonlocal submitted
            while submitted < min(upto, total):
                j, path = submitted, files[submitted][1]
                submitted += 1
                try:
                    sha = sha256_file(path)
                except OSError:
                    continue  # reported when its turn comes
                if not self.is_unchanged(str(path), sha):
                    pending[j] = (sha, pool.submit(_prepare, path, sha, self.settings, self.overrides))

        outcomes: dict[int, FileOutcome] = {}
        group: list[tuple[int, _Staged]] = []
        group_chunks = 0
        # a writer thread stores group k (Chroma, then the SQLite commits) while group k+1 is embedded;
        # groups are written in order, one at a time, so the crash-safety order holds within each report
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reportqa-write")
        writing: tuple[list[int], Future] | None = None

        def collect() -> None:
            nonlocal writing
            if writing is not None:
                idx, fut = writing
                writing = None
                for j, out in zip(idx, fut.result(), strict=True):  # re-raises the writer's error
                    outcomes[j] = out

        try:
            for i, (shown, path) in enumerate(files):
                self.progress(i, total, shown)
                prefetch(i + LOOKAHEAD)
                staged = self.stage(shown, path, pending.pop(i, None))
                if isinstance(staged, FileOutcome):
                    outcomes[i] = staged
                else:
                    group.append((i, staged))
                    group_chunks += sum(c.kind in DENSE_KINDS for c in staged.prep.chunks)
                # embed in big groups: measured, file-by-file calls cost the encoder ~25% more per chunk
                # (shorter, less uniform length-sorted batches) than waiting for the group
                # ... but rather than wait idle for the next file's parse, embed what is there (the parse
                # worker goes on meanwhile: a few big PDFs ahead would otherwise stall the encoder)
                nxt = pending.get(i + 1)
                stalled = nxt is not None and not nxt[1].done() and group_chunks >= self.min_group
                if group and (group_chunks >= self.write_batch or i == total - 1 or stalled):
                    batch = self.embed_group([g for _, g in group])
                    collect()  # the previous group is stored before this one is handed over
                    writing = ([j for j, _ in group], writer.submit(self.write_group, *batch))
                    group, group_chunks = [], 0
            collect()
        finally:  # on an error, do not wait for parses nobody will use; let a write in progress finish
            pool.shutdown(wait=True, cancel_futures=True)
            writer.shutdown(wait=True)
        return [outcomes[i] for i in sorted(outcomes)]

    # -- files: stage (parse, decide), then flush a group (embed together, write, commit) ----------

    def is_unchanged(self, key: str, sha: str) -> bool:
        if self.overrides:  # --agency / --year: parse again even an unchanged file
            return False
        rec = self.catalog.file(key)
        return bool(rec and rec.sha256 == sha and rec.settings_hash == self.hash and rec.report_id in self.committed)

    def stage(self, shown: str, path: Path, prepared: tuple[str, Future] | None = None) -> FileOutcome | _Staged:
        """Decide what one file needs: a final outcome (unchanged, failed), or a parsed report to be
        written. ``prepared``: (sha256, future of ``_prepare``) when a worker already parsed it."""
        t0 = time.perf_counter()
        key = str(path)
        if prepared is not None:
            sha, fut = prepared
        else:
            try:
                sha = sha256_file(path)
            except OSError as e:
                return FileOutcome(path=shown, status="failed", reason=_one_line(f"cannot read: {e.strerror or e}"))
            fut = None
        rec = self.catalog.file(key)
        if rec and self.is_unchanged(key, sha):
            if rec.status != "ingested":  # an earlier attempt at other content failed; this is the indexed one
                self.catalog.mark_ingested(key)
            return self._known(shown, rec.report_id, t0)  # type: ignore[arg-type]
        prep = self._wait_parse(shown, fut) if fut is not None else _prepare(path, sha, self.settings, self.overrides)
        if prep.error is not None:
            out = self._failed(shown, key, sha, prep.error, rec is not None and rec.report_id is not None, t0)
            return out.model_copy(update={"not_a_report": prep.not_a_report})
        crash_point("parsed")
        return _Staged(shown=shown, key=key, sha=sha, prep=prep, t0=t0)

    def _wait_parse(self, shown: str, fut: Future) -> _Prepared:
        """The parse result; a note every ``SLOW_NOTE_S`` seconds while a big file is still being read."""
        t0 = time.monotonic()
        while True:
            try:
                return fut.result(timeout=SLOW_NOTE_S)
            except FuturesTimeout:
                self.note(f"{Path(shown).name}：仍在解析（已 {time.monotonic() - t0:.0f} 秒）…")

    def embed_group(self, group: list[_Staged]) -> tuple[list[_Staged], list[tuple[Report, Chunk]], np.ndarray]:
        """Embed the group's new text chunks (``DENSE_KINDS``) in one go (fuller, length-sorted batches than file by file).
        A report already committed, being written, or earlier in the group embeds nothing."""
        with self._state:
            seen = self.committed | self._in_flight
        todo = []
        for st in group:
            rid = st.prep.report.id  # type: ignore[union-attr]
            if rid not in seen:
                seen.add(rid)
                todo.append(st)
        dense = [(st.prep.report, c) for st in todo for c in st.prep.chunks if c.kind in DENSE_KINDS]  # type: ignore[union-attr]
        emb = self._encode_distinct([c.embed_text for _, c in dense], todo)
        with self._state:
            self._in_flight |= {st.prep.report.id for st in todo}  # type: ignore[union-attr]
        return group, dense, emb  # type: ignore[return-value]

    def _encode_distinct(self, texts: list[str], todo: list[_Staged]) -> np.ndarray:
        """Vectors of ``texts``, each distinct text encoded once: within the group, and against the
        last ``REUSE_VECTORS`` distinct texts of this run (identical header + text: the same vector).
        ``self.encoded`` / ``self.reused`` count what the encoder did and what it was spared."""
        rows: list[np.ndarray | None] = [self._recent.get(t) for t in texts]
        new = list(dict.fromkeys(t for t, r in zip(texts, rows, strict=True) if r is None))
        self.encoded += len(new)
        self.reused += len(texts) - len(new)
        fresh: dict[str, np.ndarray] = {}
        t0 = time.monotonic()
        for i in range(0, len(new), EMBED_GROUP):
            part = new[i:i + EMBED_GROUP]
            fresh.update(zip(part, self.embedder.embed_passages(part), strict=True))
            if time.monotonic() - t0 > SLOW_NOTE_S and i + EMBED_GROUP < len(new):
                names = "、".join(dict.fromkeys(Path(st.shown).name for st in todo))
                self.note(f"{names}：正在计算向量 {i + EMBED_GROUP}/{len(new)} 个片段…")
        for t, v in fresh.items():
            self._recent[t] = v
            if len(self._recent) > REUSE_VECTORS:
                self._recent.popitem(last=False)
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([r if r is not None else fresh[t] for t, r in zip(texts, rows, strict=True)])

    def write_group(self, group: list[_Staged], items: list[tuple[Report, Chunk]], emb: np.ndarray) -> list[FileOutcome]:
        """Write the group's vectors (few, big writes: each has a fixed cost), then commit file by file."""
        self._write_vectors(items, emb)
        crash_point("vectors")
        return [self._commit(st) for st in group]

    def _commit(self, st: _Staged) -> FileOutcome:
        report, chunks = st.prep.report, st.prep.chunks
        assert report is not None
        rid = report.id
        if rid in self.committed:  # byte-identical to a file already indexed: point this path at it
            removed = self.catalog.commit_report(path=st.key, sha256=st.sha, settings_hash=self.hash, report=report,
                                                 report_id=rid, chunks=())
            self._after_commit(rid, removed)
            other = next((f.path for f in self.catalog.files() if f.report_id == rid and f.path != st.key), None)
            out = self._known(st.shown, rid, st.t0)
            out.reason = f"same content as {other}, indexed once" if other else None
            return out
        removed = self.catalog.commit_report(path=st.key, sha256=st.sha, settings_hash=self.hash, report=report,
                                             report_id=rid, chunks=chunks, tokens=st.prep.tokens,
                                             tok_ver=TOKENIZER_VERSION)
        crash_point("commit")
        self._after_commit(rid, removed)
        return FileOutcome(path=st.shown, status="ingested", agency=report.agency, year=report.year, report_id=rid,
                           chunks=len(chunks), seconds=round(time.perf_counter() - st.t0, 3),
                           warnings=list(report.warnings))

    def _write_vectors(self, items: Sequence[tuple[Report, Chunk]], emb: np.ndarray) -> None:
        """One vector-store write per ``write_batch`` chunks (each write has a fixed cost: few, big ones)."""
        assert self.vectors is not None and len(items) == len(emb)
        n = self.write_batch
        for g in range(0, len(items), n):
            part = items[g:g + n]
            try:
                self.vectors.upsert(
                    ids=[record_id(c.report_id, c.id) for _, c in part], embeddings=emb[g:g + n],
                    documents=[c.text for _, c in part],
                    metadatas=[chunk_metadata(c, source_path=r.source_path, source_sha256=r.sha256) for r, c in part])
            except ReportQAError:
                raise
            except Exception as e:
                raise IndexError_(f"vector store write failed: {_one_line(str(e))}") from e
            crash_point("chroma_add")

    @property
    def min_group(self) -> int:
        """The fewest chunks embedded at once when the encoder would otherwise wait for a parse."""
        return self.settings.embedding_batch_size * 2

    @property
    def write_batch(self) -> int:
        return min(EMBED_GROUP, self.settings.embedding_batch_size * 16)

    def _after_commit(self, rid: str, removed: list[str]) -> None:
        with self._state:
            self.committed.add(rid)
            self.committed.difference_update(removed)
            self._in_flight.discard(rid)
        if removed:
            assert self.vectors is not None
            self.vectors.delete_reports(removed)
            crash_point("cleanup")

    def _known(self, shown: str, rid: str, t0: float) -> FileOutcome:
        row = self.catalog.conn.execute("SELECT agency, year FROM reports WHERE report_id=?", (rid,)).fetchone()
        return FileOutcome(path=shown, status="unchanged", agency=row[0] if row else None,
                           year=row[1] if row else None, report_id=rid,
                           seconds=round(time.perf_counter() - t0, 3))

    def _failed(self, shown: str, key: str, sha: str, reason: str, kept: bool, t0: float) -> FileOutcome:
        reason = _one_line(reason)
        self.catalog.record_failure(key, sha, reason)
        if kept:
            reason += " (the previously indexed version is kept)"
        log.info("failed: %s: %s", shown, reason)
        return FileOutcome(path=shown, status="failed", reason=reason, seconds=round(time.perf_counter() - t0, 3))

    # -- prune and BM25 -----------------------------------------------------

    def prune(self) -> list[str]:
        from ingest.uploads import is_upload

        # uploads removed by their retention period keep their reports (the catalog holds the text)
        gone = [f.path for f in self.catalog.files()
                if not Path(f.path).exists() and not is_upload(f.path, Path(self.settings.index_dir))]
        if not gone:
            return []
        removed = self.catalog.remove_files(gone)
        crash_point("prune")
        self.committed.difference_update(removed)
        if removed:
            assert self.vectors is not None
            self.vectors.delete_reports(removed)
        return gone

    def sync_bm25(self) -> None:
        current = BM25Index.load(Path(self.settings.index_dir))
        if not bm25_in_sync(current, self.catalog.committed_ids()):
            build_bm25(self.catalog).save(Path(self.settings.index_dir), crash_point=crash_point)


def ingest_paths(settings: Settings, paths: Sequence[str | Path], *, prune: bool = False, rebuild: bool = False,
                 progress: ProgressFn | None = None, embedder: Embedder | None = None,
                 note: NoteFn | None = None, agency: str | None = None, year: int | None = None) -> IngestResult:
    """Ingest files and folders (recursively) into ``settings.index_dir``.

    Unchanged files (same sha256, same settings hash) are skipped; a changed
    file replaces its old report; a failed file keeps whatever it had indexed.
    ``prune`` forgets files that are gone from disk; ``rebuild`` wipes the index
    first (with no ``paths``, the files it listed are re-ingested). Raises
    IndexError_ for an index built with other settings (without ``rebuild``)
    or one locked by another ingest. ``agency`` / ``year`` override what the parser identifies, for every
    file of this run (files are parsed again even when unchanged).
    """
    t0 = time.perf_counter()
    index_dir = Path(settings.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    result = IngestResult(index=str(index_dir))
    lock = IndexLock(index_dir)
    lock.acquire()
    try:
        catalog = Catalog(index_dir)
        limits.configure(settings)  # readers check files against this ingest's limits
        run = _Run(settings, catalog, embedder, progress, note, overrides={"agency": agency, "year": year})
        try:
            if rebuild and not paths:
                paths = [f.path for f in catalog.files() if Path(f.path).exists()]
            files, bad = discover(paths, result.skipped)
            for line in result.skipped:
                run.note(line)
            result.rebuilt = run.prepare(rebuild)
            for o in bad:
                result.add(o)
            total = len(files)
            try:
                named = {Path(p).resolve() for p in paths if Path(p).is_file()}
                walked = {shown for shown, real in files if real not in named}
                for outcome in run.ingest_files(files):
                    if outcome.not_a_report and outcome.path in walked:  # a README met in a folder: not a failure
                        result.skipped.append(f"{outcome.path}: {outcome.reason}")
                        run.note(f"{outcome.path}: {outcome.reason}，已跳过")
                        continue
                    result.chunks += outcome.chunks
                    result.add(outcome)
                result.encoded, result.vectors = run.encoded, run.encoded + run.reused
                if prune:
                    result.pruned = run.prune()
            finally:
                try:
                    run.sync_bm25()
                except Exception:  # never mask the original error; readers rebuild BM25 on mismatch
                    log.exception("BM25 rebuild failed; it will be rebuilt when the index is next opened")
            run.progress(total, total, "")
        finally:
            if run.vectors is not None:
                run.vectors.close()
            catalog.close()
    finally:
        lock.release()
    result.seconds = round(time.perf_counter() - t0, 3)
    return result
